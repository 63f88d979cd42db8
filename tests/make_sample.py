"""Regenerate the embedded sample (`content/data/sample/`): synthetic but plausible results.

Run `python tests/make_sample.py`. Seeded, so the files only change when this
script does. Years 2020-2024 are wide CSV history (2023 saved the way Excel
saves CSV: BOM, CRLF, `;`, blank lines, trailing separators, decimal commas);
2025 is a filled agency workbook made by `hoctap template`'s own writer. A few
realistic mistakes are planted so the rejection report has something to show.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from intake.layout import header_cell
from intake.workbook import build_workbook
from scoring.registry import Unit, load_registry
from scoring.rubric import Rubric, rubric_for_year

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "content" / "data" / "sample"
HISTORY_YEARS = (2020, 2021, 2022, 2023, 2024)
LATEST = 2025
rng = random.Random(22_2020)


def _half(x: float) -> Decimal:
    return (Decimal(str(x)) * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2


def _points(rubric: Rubric, quality: float) -> dict[str, Decimal]:
    """Points near `quality` (a share of the maximum), in half points."""
    out = {}
    for ind in rubric.indicators:
        share = min(1.0, max(0.3, rng.gauss(quality, 0.07)))
        out[ind.id] = min(ind.max, _half(float(ind.max) * share))
    return out


def _quality(unit: Unit, year: int) -> float:
    base = 0.72 + (hash(unit.id) % 17) / 100  # stable per unit within a run (PYTHONHASHSEED below)
    return min(0.99, base + 0.025 * (year - 2020) + rng.uniform(-0.04, 0.04))


def _submitted(year: int) -> date:
    day = rng.choice([8, 12, 15, 19, 22, 25, 27, 29, 30])
    if rng.random() < 0.08:
        return date(year + 1, 2, rng.randint(2, 20))  # late
    return date(year + 1, 1, day)


def _members() -> tuple[int, int]:
    members = rng.randint(18, 260)
    return members, int(members * rng.uniform(0.35, 0.95))


def _fmt(value: Decimal, comma: bool) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if comma else text


def history_rows(year: int, rubric: Rubric) -> list[dict[str, str]]:
    rows = []
    for unit in load_registry().active(year):
        if rng.random() < 0.04:
            continue  # did not submit that year
        points = _points(rubric, _quality(unit, year))
        members, cdht = _members()
        row = {
            "ma_don_vi": unit.id, "nam": str(year), "ten_don_vi": unit.name,
            "so_thanh_vien": str(members), "so_cdht": str(cdht) if year >= 2022 else "",
            "ban_khuyen_hoc": "có" if year >= 2022 or rng.random() < 0.5 else "không",
            "link_ke_hoach": f"https://vanban.longan.example/{unit.id}/ke-hoach-{year}.pdf",
            "ngay_gui": _submitted(year).strftime("%d/%m/%Y"), "ghi_chu": "",
        }
        row.update({k: _fmt(v, comma=False) for k, v in points.items()})
        if year >= 2023 and rng.random() < 0.4:  # the reviewing body checked this one
            for k, v in points.items():
                adjusted = v - Decimal("0.5") if rng.random() < 0.2 and v >= 1 else v
                row[f"td_{k}"] = _fmt(adjusted, comma=False)
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], rubric: Rubric, *, excel: bool) -> None:
    columns = ["ma_don_vi", "nam", "ten_don_vi", *rubric.indicator_ids,
               *[f"td_{i}" for i in rubric.indicator_ids],
               "so_thanh_vien", "so_cdht", "ban_khuyen_hoc", "link_ke_hoach", "ngay_gui", "ghi_chu"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=";" if excel else ",",
                            lineterminator="\r\n" if excel else "\n", restval="")
    writer.writeheader()
    for i, row in enumerate(rows):
        if excel:
            row = {k: v.replace(".", ",") if k in rubric.indicator_ids or k.startswith("td_") else v
                   for k, v in row.items()}
        writer.writerow(row)
        if excel and i in (5, 17):
            buffer.write(";" * (len(columns) - 1) + "\r\n")  # Excel's empty rows
    text = buffer.getvalue()
    if excel:
        text = "\r\n".join(line + ";;" if line and not line.startswith(";") else line
                           for line in text.split("\r\n"))  # trailing separators
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")


def plant_history_mistakes(rows_by_year: dict[int, list[dict[str, str]]]) -> None:
    r22 = rows_by_year[2022]
    ghost = dict(r22[0], ma_don_vi="vp-doan-dbqh-hdnd-ubnd", ten_don_vi="Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh")
    r22.append(ghost)  # a unit merged away in 2022 still sent a report
    r23 = rows_by_year[2023]
    r23[3] = dict(r23[3], ma_don_vi="so-giao-duc")  # a typo of so-gd-dt
    r23.append(dict(r23[10]))  # the same unit-year pasted twice
    r24 = rows_by_year[2024]
    r24[7] = dict(r24[7], **{"3.1": "25,5"})  # above the maximum of 25


def fill_workbook(rubric: Rubric) -> None:
    registry = load_registry()
    units = registry.active(LATEST)
    wb, layouts = build_workbook(units, LATEST, date(LATEST + 1, 1, 31), rubric)
    skipped = {"so-ngoai-vu", "quy-dtpt"}  # never filled in: "chưa nộp"
    for unit in units:
        if unit.id in skipped:
            continue
        layout = layouts[unit.id]
        ws = wb[layout.title]
        points = _points(rubric, _quality(unit, LATEST))
        members, cdht = _members()
        ws[header_cell("so_thanh_vien")] = members
        ws[header_cell("so_cdht")] = cdht
        ws[header_cell("ban_khuyen_hoc")] = "Có"
        ws[header_cell("link_ke_hoach")] = f"https://vanban.longan.example/{unit.id}/ke-hoach-{LATEST}.pdf"
        ws[header_cell("nguoi_bao_cao")] = "Nguyễn Văn A, chuyên viên"
        ws[header_cell("lien_he")] = "0272 3800 000, vanthu@longan.example"
        ws[header_cell("ngay_gui")] = datetime.combine(_submitted(LATEST), datetime.min.time())
        for ind_id, value in points.items():
            row = layout.indicator_rows[ind_id]
            ws.cell(row, 4, float(value))
            ws.cell(row, 5, f"https://vanban.longan.example/{unit.id}/minh-chung-{ind_id}.pdf")
    # Pasted from a Word report: "9,5" arrives as text. hoctap accepts it (comma decimal).
    pasted = layouts["so-noi-vu"]
    wb[pasted.title].cell(pasted.indicator_rows["1.2"], 4).value = "9,5"
    mistakes = {
        "so-y-te": ("1.2", "tám"),  # words for a number
        "so-tu-phap": ("1.1", 12),  # above the maximum of 10
        "hoi-ccb": ("2.3", None),  # forgot one indicator
    }
    for unit_id, (ind_id, value) in mistakes.items():
        layout = layouts[unit_id]
        wb[layout.title].cell(layout.indicator_rows[ind_id], 4).value = value
    note = layouts["tinh-doan"]
    # Hostile text, stored as text (not a formula): it must come out escaped and neutralised.
    cell = wb[note.title][header_cell("ghi_chu")]
    cell.value = '=HYPERLINK("http://x";"Bấm") <b>Đã gửi bản giấy</b>'
    cell.data_type = "s"
    wb.save(OUT / f"phieu-tu-danh-gia-{LATEST}.xlsx")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows_by_year = {y: history_rows(y, rubric_for_year(y)) for y in HISTORY_YEARS}
    plant_history_mistakes(rows_by_year)
    rubric = rubric_for_year(2020)
    write_csv(OUT / "lich-su-2020-2022.csv", [r for y in (2020, 2021, 2022) for r in rows_by_year[y]], rubric, excel=False)
    write_csv(OUT / "ket-qua-2023.csv", rows_by_year[2023], rubric, excel=True)
    write_csv(OUT / "ket-qua-2024.csv", rows_by_year[2024], rubric, excel=False)
    fill_workbook(rubric_for_year(LATEST))


if __name__ == "__main__":
    main()
