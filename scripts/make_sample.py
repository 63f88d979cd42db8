"""Regenerate the embedded sample (`content/data/sample/` and `content/data/quyet-dinh.csv`).

Run from the project folder: `python scripts/make_sample.py`. Seeded, so the
files only change when this script does. The sample follows the law of each
year and the 2025 reform:

- 2020–2023, Long An's provincial agencies, Thông tư 22/2020 (points): wide CSV,
  the 2023 file saved the way Excel saves CSV (BOM, CRLF, `;`, blank lines,
  trailing separators, decimal commas);
- 2024, Long An, Thông tư 24/2023 (levels): provincial agencies, a THPT, a
  college, the Hội Khuyến học, a state enterprise and district units of two
  districts; Hội đồng judgements, refusals and decisions;
- 2025, the merged province of Tây Ninh: provincial units of every kind, with
  judgements and decisions; 2026 (in progress): an agency workbook made by
  `hoctap template`'s own writer, partly filled in.

A few realistic mistakes are planted so the rejection report has something to show.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hoctap import pipeline
from hoctap.project import Project
from intake.layout_levels import COL_EVIDENCE, COL_VALUE
from intake.workbook import build_workbook
from scoring.levels_rubric import LevelIndicator, LevelsRubric
from scoring.points import PointsRubric
from scoring.registry import Registry, Unit

rng = random.Random(24_2023)
POINTS_YEARS = (2020, 2021, 2022, 2023)
LEVEL_YEARS = (2024, 2025)
IN_PROGRESS = 2026
HOSTILE_NOTE = '=HYPERLINK("http://x";"Bấm") <b>Đã gửi bản giấy</b>'


def _quality(unit: Unit) -> float:
    return 0.72 + (sum(map(ord, unit.id)) % 17) / 100


def _half(x: float) -> Decimal:
    return (Decimal(str(x)) * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _submitted(year: int, day_before: int) -> date:
    if rng.random() < 0.08:
        return date(year + 1, 2 if day_before == 31 else 1, rng.randint(16, 28) if day_before == 15 else rng.randint(2, 20))
    return date(year + 1, 1, rng.randint(5, day_before - 1))


# --- Thông tư 22/2020 years --------------------------------------------------------------------


def points_rows(year: int, rubric: PointsRubric, units: Iterable[Unit]) -> list[dict[str, str]]:
    rows = []
    for unit in units:
        if rng.random() < 0.04:
            continue  # did not submit that year
        quality = min(0.99, _quality(unit) + 0.025 * (year - 2020) + rng.uniform(-0.05, 0.05))
        points = {i.id: min(i.max, _half(float(i.max) * min(1.0, max(0.3, rng.gauss(quality, 0.08)))))
                  for i in rubric.indicators}
        members = rng.randint(18, 260)
        row = {"ma_don_vi": unit.id, "nam": str(year), "ten_don_vi": unit.name, "so_thanh_vien": str(members),
               "so_cdht": str(int(members * rng.uniform(0.35, 0.95))) if year >= 2022 else "",
               "ban_khuyen_hoc": "có" if year >= 2022 or rng.random() < 0.5 else "không",
               "link_ke_hoach": f"https://vanban.longan.example/{unit.id}/ke-hoach-{year}.pdf",
               "ngay_gui": _submitted(year, 31).strftime("%d/%m/%Y"), "ghi_chu": ""}
        row.update({k: _fmt(v) for k, v in points.items()})
        if year >= 2022 and rng.random() < 0.4:  # the reviewing body checked this one
            for k, v in points.items():
                row[f"td_{k}"] = _fmt(v - Decimal("0.5") if rng.random() < 0.2 and v >= 1 else v)
        rows.append(row)
    return rows


def write_points_csv(path: Path, rows: list[dict[str, str]], rubric: PointsRubric, *, excel: bool) -> None:
    ids = list(rubric.indicator_ids)
    columns = ["ma_don_vi", "nam", "ten_don_vi", *ids, *[f"td_{i}" for i in ids],
               "so_thanh_vien", "so_cdht", "ban_khuyen_hoc", "link_ke_hoach", "ngay_gui", "ghi_chu"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n",
                            restval="")
    writer.writeheader()
    for i, row in enumerate(rows):
        if excel:
            row = {k: v.replace(".", ",") if k in ids or k.startswith("td_") else v for k, v in row.items()}
        writer.writerow(row)
        if excel and i in (5, 17):
            buffer.write(";" * (len(columns) - 1) + "\r\n")  # Excel's empty rows
    text = buffer.getvalue()
    if excel:
        text = "\r\n".join(line + ";;" if line and not line.startswith(";") else line for line in text.split("\r\n"))
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")


# --- Thông tư 24/2023 years --------------------------------------------------------------------


def _evidence(unit: Unit, year: int, ind_id: str) -> str:
    if rng.random() < 0.3:
        sign = unit.short_name.split()[0].upper()
        return f"Kế hoạch số {rng.randint(5, 180)}/KH-{sign} ngày {rng.randint(2, 28):02d}/0{rng.randint(1, 9)}/{year}"
    return f"https://vanban.{'longan' if year < 2025 else 'tayninh'}.example/{unit.id}/{year}/minh-chung-{ind_id}.pdf"


def _level_value(ind: LevelIndicator, unit: Unit, members: int, strong: bool, learner_counts: tuple[int, int] | None) -> str:
    if ind.kind == "yes-no":
        return "đạt" if strong or rng.random() < 0.93 else "không đạt"
    if ind.kind == "digital":
        return "tốt" if strong else rng.choice(["cơ bản", "cơ bản", "tốt"])
    threshold = float(ind.rule(2 if strong else 1).threshold or 90)
    low = threshold + (0.5 if strong else -0.8)
    share = min(100.0, rng.uniform(low, 100.0))
    return str(min(members, int(members * share / 100 + 0.999)))


def levels_rows(year: int, rubric: LevelsRubric, units: Iterable[Unit], *, submit_share: float = 0.95) -> list[dict[str, str]]:
    rows = []
    for unit in units:
        if rng.random() > submit_share:
            continue
        cset = rubric.set_for_cap(unit.cap or "")
        utype = rubric.unit_types[unit.loai or ""]
        assert cset is not None
        public = unit.cong_lap if unit.cong_lap is not None else utype.public_default
        strong = rng.random() < 0.45
        members = rng.randint(15, 320)
        row = {"ma_don_vi": unit.id, "nam": str(year), "ten_don_vi": unit.name, "muc_de_nghi": "2" if strong else "1",
               "so_thanh_vien": str(members), "ban_khuyen_hoc": "có",
               "link_ke_hoach": f"https://vanban.example/{unit.id}/ke-hoach-{year}.pdf",
               "ngay_gui": _submitted(year, 15).strftime("%d/%m/%Y"), "ghi_chu": ""}
        learners = None
        if utype.learners:
            n = rng.randint(600, 2600)
            learners = (n, min(n, int(n * rng.uniform(0.975 if strong else 0.955, 1.0) + 0.999)))
            row["so_nguoi_hoc"], row["nguoi_hoc_cdht"] = str(learners[0]), str(learners[1])
        for ind in cset.indicators:
            if not any(ind.rule(lv).applies.applies(utype.id, public) for lv in (1, 2)):
                continue
            row[ind.id] = _level_value(ind, unit, members, strong, learners)
            row[f"mc_{ind.id}"] = _evidence(unit, year, ind.id)
        rows.append(row)
    return rows


def add_council(rows: list[dict[str, str]], refuse: set[str]) -> None:
    """The Hội đồng judges most dossiers: đạt everywhere, except one chỉ tiêu for the units it refuses."""
    for row in rows:
        if rng.random() < 0.15 and row["ma_don_vi"] not in refuse:
            continue  # not yet appraised
        ids = [k for k in row if k[:1].isdigit()]
        failed = rng.choice(ids) if row["ma_don_vi"] in refuse else None
        for i in ids:
            row[f"hd_{i}"] = "không đạt" if i == failed else "đạt"
        if failed:
            row["hd_ly_do"] = f"Chỉ tiêu {failed}: minh chứng chưa phù hợp (chưa có văn bản phê duyệt của lãnh đạo đơn vị)."


def write_levels_csv(path: Path, rows: list[dict[str, str]]) -> None:
    head = ["ma_don_vi", "nam", "ten_don_vi", "muc_de_nghi", "so_thanh_vien", "so_nguoi_hoc", "nguoi_hoc_cdht"]
    ids = sorted({k for r in rows for k in r if k[:1].isdigit()}, key=lambda i: tuple(map(int, i.split("."))))
    columns = [*head, *ids, *[f"mc_{i}" for i in ids], *[f"hd_{i}" for i in ids], "hd_ly_do",
               "ban_khuyen_hoc", "link_ke_hoach", "ngay_gui", "ghi_chu"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def decisions(project: Project, registry: Registry) -> list[list[str]]:
    """Decisions for the unit-years the Hội đồng appraised as meeting the level asked for (signed before 15/02).

    The sample's own CSV files are scored by the real scorer first, so no decision names a rejected row.
    """
    report = pipeline.score_intake(pipeline.collect(project, project.root / "content" / "data" / "sample"), project, registry)
    out = []
    for row in report.results:
        levels = row.levels
        if levels is None or row.year not in LEVEL_YEARS or row.basis != "verified" or rng.random() < 0.1:
            continue
        if levels.level_met < levels.level_requested:
            continue
        unit = registry.get(row.unit_id)
        assert unit is not None
        if unit.cap == "huyen":
            district = unit.reviewing_body.removeprefix("Phòng Giáo dục và Đào tạo ")
            number, signer = "40/QĐ-UBND", f"Chủ tịch UBND {district}"
        else:
            number = f"{300 + row.year % 100}/QĐ-UBND"
            signer = "Chủ tịch UBND tỉnh Long An" if row.year < 2025 else "Chủ tịch UBND tỉnh Tây Ninh"
        out.append([number, date(row.year + 1, 2, 10).isoformat(), signer, unit.id, str(row.year), unit.cap or "",
                    str(levels.level_requested)])
    return out


def fill_workbook(path: Path, project: Project, registry: Registry, rubric: LevelsRubric) -> None:
    """The 2026 agency workbook, made by `hoctap template`'s own writer; some units have started filling it in."""
    _, layouts, instructions = pipeline.year_tabs(project, IN_PROGRESS)
    wb = build_workbook(layouts, instructions)
    units = list(registry.active(IN_PROGRESS))
    rows = {r["ma_don_vi"]: r for r in levels_rows(IN_PROGRESS, rubric, units, submit_share=1.0)}
    started = [u.id for u in units][::4]  # a quarter of the units have filled their tab so far
    for layout in layouts:
        if layout.unit_id not in started:
            continue
        ws, row = wb[layout.title], rows[layout.unit_id]
        fam = layout.family
        for key in ("muc_de_nghi", "so_thanh_vien", "so_nguoi_hoc", "nguoi_hoc_cdht"):
            if key in row and ws[fam.header_cell(key)].value is None:
                ws[fam.header_cell(key)] = int(row[key])
        ws[fam.header_cell("ban_khuyen_hoc")] = "Có"
        ws[fam.header_cell("link_ke_hoach")] = row["link_ke_hoach"]
        ws[fam.header_cell("nguoi_bao_cao")] = "Nguyễn Văn A, chuyên viên"
        ws[fam.header_cell("lien_he")] = "0276 3822 000, vanthu@tayninh.example"
        for ind_id, r in layout.indicator_rows.items():
            value = row.get(ind_id, "")
            ws.cell(r, COL_VALUE, int(value) if value.isdigit() else value.capitalize())
            ws.cell(r, COL_EVIDENCE, row.get(f"mc_{ind_id}"))
    first = next(lay for lay in layouts if lay.unit_id == started[1])
    wb[first.title].cell(first.indicator_rows["2.1"], COL_VALUE).value = "khoảng 95%"  # words in a count cell
    note = next(lay for lay in layouts if lay.unit_id == started[2])
    cell = wb[note.title][note.family.header_cell("ghi_chu")]
    cell.value = HOSTILE_NOTE  # hostile text, stored as text: it must come out escaped and neutralised
    cell.data_type = "s"
    wb.save(path)


def plant_mistakes(points: dict[int, list[dict[str, str]]], levels: dict[int, list[dict[str, str]]]) -> None:
    r22 = points[2022]
    r22.append(dict(r22[0], ma_don_vi="vp-doan-dbqh-hdnd-ubnd"))  # a unit merged away in 2021 still sent a report
    r23 = points[2023]
    r23[3] = dict(r23[3], ma_don_vi="so-giao-duc")  # a typo of so-gd-dt
    r23.append(dict(r23[10]))  # the same unit-year pasted twice
    r23[7] = dict(r23[7], **{"3.1": "25,5"})  # above the maximum of 25
    r23[12] = dict(r23[12], **{"1.2": "tám"})  # words for a number
    l24 = levels[2024]
    l24[4] = dict(l24[4], **{"2.1": str(int(l24[4]["so_thanh_vien"]) + 5)})  # more members than the unit has
    l24[9] = dict(l24[9], **{"1.1": "có"})  # neither đạt nor không đạt
    l24[14] = dict(l24[14], muc_de_nghi="3")  # there is no level 3
    l24[2] = dict(l24[2], ghi_chu=HOSTILE_NOTE)
    l25 = levels[2025]
    l25.append(dict(l25[5], ma_don_vi="so-y-te", ten_don_vi="Sở Y tế tỉnh Long An"))  # a Long An id after the merger
    l25[8] = dict(l25[8], **{"2.2": ""})  # an applicable chỉ tiêu left blank
    l25[11] = {k: v for k, v in l25[11].items() if not k.startswith("mc_2.3")}  # no evidence: that chỉ tiêu fails


def main() -> None:
    project = Project.open()
    out = project.root / "content" / "data" / "sample"
    out.mkdir(parents=True, exist_ok=True)
    registry = pipeline.registry(project)
    rubrics = pipeline.rubrics(project)
    points_rubric = rubrics.require(2020)
    levels_rubric = rubrics.require(2024)
    assert isinstance(points_rubric, PointsRubric) and isinstance(levels_rubric, LevelsRubric)
    points = {y: points_rows(y, points_rubric, registry.active(y)) for y in POINTS_YEARS}
    levels = {y: levels_rows(y, levels_rubric, registry.active(y)) for y in LEVEL_YEARS}
    for rows in levels.values():
        add_council(rows, {r["ma_don_vi"] for r in rows[3::7]})
    plant_mistakes(points, levels)
    write_points_csv(out / "lich-su-2020-2022.csv", [r for y in (2020, 2021, 2022) for r in points[y]], points_rubric,
                     excel=False)
    write_points_csv(out / "ket-qua-2023.csv", points[2023], points_rubric, excel=True)
    for year, rows in levels.items():
        write_levels_csv(out / f"ket-qua-{year}.csv", rows)
    header = ["so_quyet_dinh", "ngay_ky", "nguoi_ky", "ma_don_vi", "nam", "cap", "muc_do"]
    decisions_file = project.root / "content" / "data" / "quyet-dinh.csv"
    decisions_file.write_text(",".join(header) + "\n", encoding="utf-8")
    fill_workbook(out / f"ho-so-{IN_PROGRESS}.xlsx", project, registry, levels_rubric)
    rows = decisions(project, registry)
    with decisions_file.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"Đã tạo dữ liệu mẫu trong {out}.")


if __name__ == "__main__":
    main()
