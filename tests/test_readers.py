"""Both readers produce the same canonical submissions, with provenance; every source read is archived."""

from __future__ import annotations

import shutil
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from builders import row, wide_csv
from intake.csv_reader import read_csv
from intake.layout import header_cell
from intake.snapshots import SnapshotArchive
from intake.sources import read_source
from intake.workbook import write_template
from intake.xlsx_reader import read_workbook
from scoring import score
from scoring.canonical import long_table
from scoring.registry import load_registry

REGISTRY = load_registry()
SAMPLE = Path(__file__).resolve().parent.parent / "content" / "data" / "sample"


def excel_style(clean: bytes) -> bytes:
    """What Excel's "CSV UTF-8" gives: BOM, CRLF, `;`, blank lines, trailing separators, decimal commas."""
    lines = clean.decode().splitlines()
    out = []
    for i, line in enumerate(lines):
        cells = line.split(",")
        out.append(";".join(c.replace(".", ",") if i and c.replace(".", "").isdigit() else c for c in cells) + ";;")
        if i == 1:
            out.append(";" * (len(cells) + 1))
            out.append("")
    return b"\xef\xbb\xbf" + "\r\n".join(out).encode() + b"\r\n"


def test_csv_saved_by_excel_reads_the_same_as_a_clean_one() -> None:
    clean = wide_csv([row("so-y-te", 2024, **{"1_1": "8.5"}), row("so-gd-dt", 2024, **{"3_1": "20.25"})])
    messy = excel_style(clean)
    assert messy.startswith(b"\xef\xbb\xbf") and b"\r\n\r\n" in messy
    a = score(read_csv(clean, "a.csv"), REGISTRY).document()
    b = score(read_csv(messy, "a.csv"), REGISTRY).document()
    assert a == b
    assert a["counts"] == {"read": 2, "scored": 2, "rejected": 0}


def test_csv_in_windows_1258_with_combining_marks_reads_as_nfc() -> None:
    # Windows-1258 keeps ô precomposed but writes tone marks as combining characters.
    text = "ma_don_vi,nam,ghi_chu\nso-y-te,2024,Đa\u0303 nô\u0323p\n"
    sub = read_csv(text.encode("cp1258"), "cu.csv")[0]
    assert sub.fields["ghi_chu"].value == unicodedata.normalize("NFC", "Đã nộp")


def test_csv_provenance_names_file_line_and_column() -> None:
    sub = read_csv(wide_csv([row("so-y-te", 2024)]), "mau-2024.csv")[0]
    assert sub.self_points["1.2"].place.describe() == "mau-2024.csv, dòng 2, cột 1.2"


def test_data_under_no_header_is_rejected_not_dropped() -> None:
    data = wide_csv([row("so-y-te", 2024)]).replace(b",5\n", b",5,lost\n", 1)
    report = score(read_csv(data, "a.csv"), REGISTRY)
    assert report.rejected[0].codes == ["cot-thua"]


def fill(path: Path, layouts, unit_id: str, values: dict[str, object], **header: object) -> None:
    wb = load_workbook(path)
    layout = layouts[unit_id]
    ws = wb[layout.title]
    for ind, value in values.items():
        ws.cell(layout.indicator_rows[ind], 4).value = value
        ws.cell(layout.indicator_rows[ind], 5).value = f"https://minhchung.example/{ind}"
    for key, value in header.items():
        ws[header_cell(key)] = value
    wb.save(path)


def test_workbook_reader_gives_a1_provenance_and_skips_untouched_tabs(tmp_path: Path) -> None:
    path = tmp_path / "phieu.xlsx"
    layouts = write_template(path, 2025, REGISTRY, date(2026, 1, 31))
    points = (10, "9,5", 10, 10, 5, 10, 5, 25, 10, 5)
    values = dict(zip(layouts["so-y-te"].indicator_rows, points, strict=True))
    fill(path, layouts, "so-y-te", values, so_thanh_vien=120, so_cdht=80)
    subs = read_workbook(path.read_bytes(), path.name)
    assert len(subs) == 1  # the other 33 tabs are untouched: "chưa nộp", not rejected
    sub = subs[0]
    assert sub.unit.value == "so-y-te" and sub.year.value == 2025
    row_12 = layouts["so-y-te"].indicator_rows["1.2"]
    assert sub.self_points["1.2"].place.describe() == f"phieu.xlsx, trang «Sở Y tế», ô D{row_12}"
    result = score(subs, REGISTRY).results[0]
    assert result.total == Decimal("99.5")
    table = long_table(subs)
    assert list(table["indicator_id"]) == list(values)
    assert set(table["source_cell"]) == {f"D{r}" for r in layouts["so-y-te"].indicator_rows.values()}


def test_workbook_and_wide_csv_agree_on_the_same_data(tmp_path: Path) -> None:
    path = tmp_path / "phieu.xlsx"
    layouts = write_template(path, 2025, REGISTRY, date(2026, 1, 31))
    points = ("10", "9,5", "10", "10", "5", "10", "5", "25", "10", "5")
    values = dict(zip(layouts["so-y-te"].indicator_rows, points, strict=True))
    fill(path, layouts, "so-y-te", values)
    from_xlsx = score(read_workbook(path.read_bytes(), path.name), REGISTRY).document()["results"]
    from_csv = score(read_csv(wide_csv([row("so-y-te", 2025, **{k.replace(".", "_"): v for k, v in values.items()})]),
                              "a.csv"), REGISTRY).document()["results"]
    assert from_xlsx == from_csv


def test_folder_source_reads_every_file_and_archives_each_once(tmp_path: Path) -> None:
    folder = tmp_path / "nguon"
    shutil.copytree(SAMPLE, folder)
    (folder / "ghi-chu.txt").write_text("không phải nguồn", encoding="utf-8")
    archive = SnapshotArchive(tmp_path / "snapshots")
    first = read_source(folder, archive)
    assert {s.origin for s in first.snapshots} == {p.name for p in SAMPLE.iterdir()}
    assert first.skipped == ["ghi-chu.txt"]
    assert sum(s.rows for s in first.snapshots) == len(first.submissions)
    index = (tmp_path / "snapshots" / "index.jsonl").read_text(encoding="utf-8")
    again = read_source(folder, archive)
    assert (tmp_path / "snapshots" / "index.jsonl").read_text(encoding="utf-8") == index  # unchanged: nothing new
    assert not any(s.new for s in again.snapshots)
    (folder / "ket-qua-2024.csv").write_bytes((folder / "ket-qua-2024.csv").read_bytes() + b"\n")
    third = read_source(folder, archive)
    assert [s.origin for s in third.snapshots if s.new] == ["ket-qua-2024.csv"]


def test_snapshot_keeps_the_exact_bytes_under_their_hash(tmp_path: Path) -> None:
    import hashlib

    archive = SnapshotArchive(tmp_path)
    snap = archive.archive("a.csv", "csv", b"ma_don_vi,nam\n", 0)
    assert archive.read(snap) == b"ma_don_vi,nam\n"
    assert snap.sha256 == hashlib.sha256(b"ma_don_vi,nam\n").hexdigest()
    assert archive.latest("a.csv") == snap.__class__(**{**snap.__dict__, "new": False})

