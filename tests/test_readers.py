"""The wide CSV and the agency workbook read into the same canonical submissions, with provenance; reading never writes."""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from support import ROOT_REPO, levels_row, row, wide_csv

from intake.csv_reader import read_csv
from intake.errors import IntakeError
from intake.layout import TabLayout, deadline_text
from intake.snapshots import SnapshotArchive
from intake.sources import read_source
from intake.tab_layouts import tab_instructions, tab_layout
from intake.workbook import write_workbook
from intake.xlsx_reader import read_workbook
from scoring import ScoringOptions, score
from scoring.canonical import Submission, long_table
from scoring.registry import Registry
from scoring.results import ScoreReport
from scoring.results_json import document
from scoring.rubric import default_rubrics

SAMPLE = ROOT_REPO / "content" / "data" / "sample"
TODAY = date(2026, 11, 24)
WHEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
Score = Callable[[list[Submission]], ScoreReport]


@pytest.fixture
def scored(bundled_registry: Registry) -> Score:
    def go(subs: list[Submission]) -> ScoreReport:
        report = score(subs, bundled_registry, ScoringOptions(rubrics=default_rubrics(), today=TODAY))
        assert report.read == len(report.results) + len(report.rejected)
        return report

    return go


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


# --- wide CSV ----------------------------------------------------------------------------------------------


def test_csv_saved_by_excel_reads_the_same_as_a_clean_one(scored: Score) -> None:
    clean = wide_csv([row("so-y-te", 2023, **{"1_1": "8.5"}), row("so-gd-dt", 2023, **{"3_1": "20.25"})])
    messy = excel_style(clean)
    assert messy.startswith(b"\xef\xbb\xbf") and b"\r\n\r\n" in messy and b"8,5" in messy
    a = document(scored(read_csv(clean, "a.csv")))
    b = document(scored(read_csv(messy, "a.csv")))
    assert a == b
    assert a["counts"] == {"read": 2, "scored": 2, "rejected": 0}
    assert [r["total"] for r in a["results"]] == [98.5, 95.25]


def test_levels_csv_saved_by_excel_reads_the_same_as_a_clean_one(scored: Score) -> None:
    clean = wide_csv([levels_row("tn-so-y-te", 2025, level=2, met=96, hd_2_4="không đạt"),
                      levels_row("tn-gdtx", 2025, loai="gdtx", learners=800)])
    a = document(scored(read_csv(clean, "a.csv")))
    b = document(scored(read_csv(excel_style(clean), "a.csv")))
    assert a == b
    assert a["counts"] == {"read": 2, "scored": 2, "rejected": 0}


def test_csv_in_windows_1258_with_combining_marks_reads_as_nfc() -> None:
    # Windows-1258 keeps ô precomposed but writes tone marks as combining characters.
    text = "ma_don_vi,nam,ghi_chu\nso-y-te,2023,Đa\u0303 nô\u0323p\n"
    sub = read_csv(text.encode("cp1258"), "cu.csv")[0]
    assert sub.fields["ghi_chu"].value == unicodedata.normalize("NFC", "Đã nộp")


def test_csv_provenance_names_file_line_and_column() -> None:
    sub = read_csv(wide_csv([row("so-y-te", 2023, td_1_2="9")]), "mau-2023.csv")[0]
    assert sub.indicators["1.2"].place.describe() == "mau-2023.csv, dòng 2, cột 1.2"
    assert sub.verified["1.2"].place.describe() == "mau-2023.csv, dòng 2, cột td_1.2"
    assert sub.origin.describe() == "mau-2023.csv, dòng 2"


def test_csv_columns_go_to_indicators_verified_council_and_evidence() -> None:
    sub = read_csv(wide_csv([levels_row("tn-so-y-te", 2025, hd_1_1="đạt", hd_ly_do="Đủ.", td_3_3="5")]), "a.csv")[0]
    assert sub.indicators["1.1"].value == "đạt"
    assert sub.council == {"1.1": sub.council["1.1"]} and sub.council["1.1"].value == "đạt"
    assert sub.verified["3.3"].value == "5"
    assert sub.evidence["2.5"].value == "https://vanban.example/tn-so-y-te/2025/2.5.pdf"
    assert {"muc_de_nghi", "so_thanh_vien", "hd_ly_do"} <= set(sub.fields)


def test_csv_headers_are_trimmed_and_case_folded() -> None:
    data = "\ufeff MA_DON_VI ;Nam; 1.1 ;TD_1.1\nso-y-te;2023;8,5;9\n".encode()
    sub = read_csv(data, "a.csv")[0]
    assert sub.unit.value == "so-y-te" and sub.indicators["1.1"].value == "8,5" and sub.verified["1.1"].value == "9"


def test_data_under_no_header_is_rejected_not_dropped(scored: Score) -> None:
    data = wide_csv([row("so-y-te", 2023)]).replace(b",5\n", b",5,lost\n", 1)
    rejection = scored(read_csv(data, "a.csv")).rejected[0]
    assert rejection.codes == ["cot-thua"]
    assert rejection.where == "a.csv, dòng 2, cột 13"


def test_a_column_named_twice_refuses_the_file_rather_than_drop_a_value() -> None:
    data = b"ma_don_vi,nam,1.1,1.2,1.1\nso-y-te,2023,8,9,10\n"
    with pytest.raises(IntakeError, match=r"a\.csv, dòng 1: cột «1\.1» có hai lần \(cột 3 và cột 5\)"):
        read_csv(data, "a.csv")


def test_a_csv_without_the_required_columns_or_any_header_is_refused() -> None:
    with pytest.raises(IntakeError, match="thiếu cột bắt buộc nam"):
        read_csv(b"ma_don_vi,1.1\nso-y-te,10\n", "a.csv")
    with pytest.raises(IntakeError, match="tệp trống"):
        read_csv(b"\r\n;;\r\n", "a.csv")


def test_other_named_columns_are_never_read() -> None:
    sub = read_csv(wide_csv([row("so-y-te", 2023, email="a@b.vn", nguoi_bao_cao="Nguyễn Văn A")]), "a.csv")[0]
    assert "a@b.vn" not in repr(sub) and "Nguyễn Văn A" not in repr(sub)


# --- the agency workbook -------------------------------------------------------------------------------------


def make_workbook(path: Path, year: int, registry: Registry) -> dict[str, TabLayout]:
    """`hoctap template --xlsx` for a year: one tab per active unit, laid out for the year's law."""
    rubric = default_rubrics().require(year)
    words = deadline_text(rubric.info.deadline.for_year(year).before)
    layouts = [tab_layout(rubric, u, year, words) for u in registry.active(year)]
    write_workbook(path, year, layouts, tab_instructions(rubric, words))
    return {layout.unit_id: layout for layout in layouts}


def fill(path: Path, layout: TabLayout, values: Mapping[str, Any], evidence: Mapping[str, str] | None = None,
         reviewer: Mapping[str, Any] | None = None, **header: Any) -> None:
    """Type into one tab as an agency would: the value column, evidence, the reviewer's column, header cells."""
    wb = load_workbook(path)
    ws = wb[layout.title]
    family = layout.family
    for ind, value in values.items():
        ws.cell(layout.indicator_rows[ind], family.col_value).value = value
        ws.cell(layout.indicator_rows[ind], family.col_evidence).value = (evidence or {}).get(
            ind, f"https://minhchung.example/{ind}")
    for ind, value in (reviewer or {}).items():
        ws.cell(layout.indicator_rows[ind], family.col_reviewer).value = value
    for key, value in header.items():
        ws[layout.header_cell(key)] = value
    wb.save(path)


def test_workbook_reader_gives_a1_provenance_and_skips_untouched_tabs(tmp_path: Path, scored: Score,
                                                                      bundled_registry: Registry) -> None:
    path = tmp_path / "phieu.xlsx"
    layouts = make_workbook(path, 2023, bundled_registry)
    points = (10, "9,5", 10, 10, 5, 10, 5, 25, 10, 5)
    layout = layouts["so-y-te"]
    values = dict(zip(layout.indicator_rows, points, strict=True))
    fill(path, layout, values, so_thanh_vien=120, so_cdht=80)
    subs = read_workbook(path.read_bytes(), path.name)
    assert len(layouts) == len(bundled_registry.active(2023)) > 1
    assert len(subs) == 1  # the other tabs are untouched: "chưa nộp", not rejected
    sub = subs[0]
    assert sub.unit.value == "so-y-te" and sub.year.value == 2023
    row_12 = layout.indicator_rows["1.2"]
    assert sub.indicators["1.2"].place.describe() == f"phieu.xlsx, trang «Sở Y tế», ô D{row_12}"
    report = scored(subs)
    outcome = report.results[0].points
    assert outcome is not None and str(outcome.total) == "99.5" and outcome.klass == "Tốt"
    assert (report.results[0].members, report.results[0].cdht) == (120, 80)
    status = {s.unit_id: s.status for s in report.statuses}
    assert status["so-y-te"] == "khong-ro-ngay" and status["so-gd-dt"] == "chua-nop"
    table = long_table(subs)
    assert list(table["indicator_id"]) == list(values)
    assert set(table["source_cell"]) == {f"D{r}" for r in layout.indicator_rows.values()}


def test_a_rejection_from_a_workbook_names_the_tab_and_the_a1_cell(tmp_path: Path, scored: Score,
                                                                   bundled_registry: Registry) -> None:
    path = tmp_path / "phieu.xlsx"
    layouts = make_workbook(path, 2023, bundled_registry)
    layout = layouts["so-y-te"]
    values = dict(zip(layout.indicator_rows, (10, 12, 10, 10, 5, 10, 5, 25, 10, 5), strict=True))
    fill(path, layout, values)
    rejection = scored(read_workbook(path.read_bytes(), path.name)).rejected[0]
    cell = f"D{layout.indicator_rows['1.2']}"
    assert rejection.codes == ["ngoai-khoang"]
    assert rejection.reasons() == [
        f"Sở Y tế tỉnh Long An (so-y-te), năm 2023 — phieu.xlsx, trang «Sở Y tế», ô {cell}: "
        "12 lớn hơn điểm tối đa 10 (chỉ số 1.2)."
    ]
    assert rejection.problems[0].in_sheet() == f"{cell}: 12 lớn hơn điểm tối đa 10 (chỉ số 1.2)"


def test_workbook_and_wide_csv_agree_on_the_same_data(tmp_path: Path, scored: Score, bundled_registry: Registry) -> None:
    path = tmp_path / "phieu.xlsx"
    layouts = make_workbook(path, 2023, bundled_registry)
    points = ("10", "9,5", "10", "10", "5", "10", "5", "25", "10", "5")
    values = dict(zip(layouts["so-y-te"].indicator_rows, points, strict=True))
    fill(path, layouts["so-y-te"], values)
    from_xlsx = document(scored(read_workbook(path.read_bytes(), path.name)))["results"]
    csv_row = row("so-y-te", 2023, **{k.replace(".", "_"): v for k, v in values.items()})
    from_csv = document(scored(read_csv(wide_csv([csv_row]), "a.csv")))["results"]
    assert from_xlsx == from_csv
    assert from_xlsx[0]["total"] == 99.5


def test_levels_workbook_and_wide_csv_agree_on_the_same_data(tmp_path: Path, scored: Score,
                                                            bundled_registry: Registry) -> None:
    path = tmp_path / "ho-so.xlsx"
    layouts = make_workbook(path, 2025, bundled_registry)
    layout = layouts["tn-gdtx"]  # a provincial GDTX centre: learners, and the digital level 3.4
    csv_row = levels_row("tn-gdtx", 2025, loai="gdtx", level=2, met=96, learners=800, nguoi_hoc_cdht="790",
                         hd_2_4="không đạt", **{"3_4": "cơ bản"})
    assert set(layout.indicator_rows) == {k for k in csv_row if k[0].isdigit()}  # the tab shows the applicable ones
    values = {k: int(csv_row[k]) if csv_row[k].isdigit() else csv_row[k] for k in layout.indicator_rows}
    fill(path, layout, values, evidence={k: csv_row[f"mc_{k}"] for k in values}, reviewer={"2.4": "Không đạt"},
         muc_de_nghi=2, so_thanh_vien=100, so_nguoi_hoc=800, nguoi_hoc_cdht=790)
    subs = read_workbook(path.read_bytes(), path.name)
    assert len(subs) == 1
    sub = subs[0]
    assert sub.council["2.4"].place.describe() == f"ho-so.xlsx, trang «{layout.title}», ô I{layout.indicator_rows['2.4']}"
    from_xlsx = document(scored(subs))
    from_csv = document(scored(read_csv(wide_csv([csv_row]), "a.csv")))
    assert from_xlsx == from_csv
    result = from_xlsx["results"][0]
    assert (result["level_requested"], result["level_met"], result["basis"]) == (2, 0, "verified")
    assert result["checks"]["3.4"] == "khong-dat" and result["checks"]["2.4"] == "khong-dat"


def test_a_levels_tab_names_the_a1_cell_of_each_problem(tmp_path: Path, scored: Score,
                                                        bundled_registry: Registry) -> None:
    path = tmp_path / "ho-so.xlsx"
    layouts = make_workbook(path, 2025, bundled_registry)
    layout = layouts["tn-so-y-te"]
    good = levels_row("tn-so-y-te", 2025)
    values: dict[str, Any] = {k: int(good[k]) if good[k].isdigit() else good[k] for k in layout.indicator_rows}
    values["2.1"] = 101
    fill(path, layout, values, muc_de_nghi=3, so_thanh_vien=100)
    rejection = scored(read_workbook(path.read_bytes(), path.name)).rejected[0]
    assert rejection.codes == ["muc-khong-hop-le", "vuot-so-thanh-vien"]
    assert [p.in_sheet() for p in rejection.problems] == [
        f"{layout.header_cell('muc_de_nghi')}: «3» không phải mức độ đề nghị hợp lệ (ghi 1 hoặc 2)",
        f"D{layout.indicator_rows['2.1']}: 101 lớn hơn tổng số thành viên 100 (chỉ tiêu 2.1)",
    ]


# --- sources and the snapshot archive --------------------------------------------------------------------


def test_folder_source_reads_every_file_hashes_each_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "nguon"
    shutil.copytree(SAMPLE, folder)
    (folder / "ghi-chu.txt").write_text("không phải nguồn", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    collected = read_source(folder, WHEN)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # reading never writes
    assert {s.origin for s in collected.sources} == {p.name for p in SAMPLE.iterdir()}
    assert collected.skipped == ["ghi-chu.txt"]
    assert sum(s.rows for s in collected.sources) == len(collected.submissions)
    for source in collected.sources:
        assert source.sha256 == hashlib.sha256((folder / source.origin).read_bytes()).hexdigest()
        assert source.kind == (folder / source.origin).suffix.lstrip(".")


def test_a_single_file_that_is_not_a_source_is_refused(tmp_path: Path) -> None:
    note = tmp_path / "ghi-chu.txt"
    note.write_text("x", encoding="utf-8")
    with pytest.raises(IntakeError, match=r"chỉ đọc được tệp \.xlsx hoặc \.csv"):
        read_source(note, WHEN)
    with pytest.raises(IntakeError, match="Không tìm thấy nguồn dữ liệu"):
        read_source(tmp_path / "khong-co.csv", WHEN)


def test_snapshot_keeps_the_exact_bytes_under_their_hash(tmp_path: Path) -> None:
    archive = SnapshotArchive(tmp_path)
    snap = archive.archive("a.csv", "csv", b"ma_don_vi,nam\n", 0, WHEN)
    assert archive.read(snap) == b"ma_don_vi,nam\n"
    assert snap.sha256 == hashlib.sha256(b"ma_don_vi,nam\n").hexdigest()
    assert archive.latest("a.csv") == snap.__class__(**{**snap.__dict__, "new": False})


def test_an_unchanged_source_adds_nothing_to_the_archive(tmp_path: Path) -> None:
    archive = SnapshotArchive(tmp_path)
    first = archive.archive("a.csv", "csv", b"ma_don_vi,nam\n", 0, WHEN)
    index = (tmp_path / "index.jsonl").read_text(encoding="utf-8")
    again = archive.archive("a.csv", "csv", b"ma_don_vi,nam\n", 0, WHEN)
    assert again.new is False and again.sha256 == first.sha256
    assert (tmp_path / "index.jsonl").read_text(encoding="utf-8") == index
    changed = archive.archive("a.csv", "csv", b"ma_don_vi,nam\n\n", 0, WHEN)
    assert changed.new is True and len(archive.entries()) == 2
