"""`hoctap pull`: every tab in two API calls, archived as deterministic JSON, read like the .xlsx.

2023 is a Thông tư 22/2020 year (points, Long An units), 2026 a Thông tư 24/2023 year (levels, Tây Ninh units).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sheets_server import GoogleTemplate, SheetsServer, set_up
from support import levels_rubric, make_project

from hoctap import pipeline
from hoctap.project import Project
from intake.layout import INSTRUCTIONS_TAB, TabLayout, a1
from intake.layout_levels import LEVELS_FAMILY
from intake.layout_points import POINTS_FAMILY
from intake.sheets_pull import TabStatus, current_statuses, pull, submissions_from_snapshot
from intake.snapshots import SnapshotArchive
from intake.workbook import write_workbook
from intake.xlsx_reader import read_workbook
from scoring.canonical import RawCell, Submission
from scoring.engine import score
from scoring.results_json import document

SID = "1PullTestSpreadsheetId_abcdefghijklmnopqrstu"
WHEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
POINTS_YEAR, LEVELS_YEAR = 2023, 2026

# What Sở Y tế types: a decimal comma as text (vi_VN users do), a blank, a date, whole numbers, a choice.
POINTS: dict[str, Any] = {"1.1": 10, "1.2": "9,5", "1.3": 8.25, "2.1": 10, "2.2": 5, "2.3": None,
                          "2.4": 5, "3.1": 25, "3.2": 10, "3.3": 4.5}
HEADER: dict[str, Any] = {"so_thanh_vien": 120, "so_cdht": 80, "ban_khuyen_hoc": "Có",
                          "link_ke_hoach": "https://syt.longan.gov.vn/ke-hoach-2023",
                          "nguoi_bao_cao": "Nguyễn Văn A, Chánh Văn phòng", "ngay_gui": date(2024, 1, 15)}
FULL: dict[str, Any] = {"1.1": 10, "1.2": 10, "1.3": 10, "2.1": 10, "2.2": 5, "2.3": 10,
                        "2.4": 5, "3.1": 25, "3.2": 10, "3.3": 5}
# Under Thông tư 24: the level asked for, the members, the council's word on one chỉ tiêu.
LEVELS_HEADER: dict[str, Any] = {"muc_de_nghi": 2, "so_thanh_vien": 100, "ban_khuyen_hoc": "Có",
                                 "link_ke_hoach": "https://syt.tayninh.gov.vn/ke-hoach-2026",
                                 "nguoi_bao_cao": "Trần Thị B, Chánh Văn phòng", "lien_he": "0276 000 000",
                                 "ngay_gui": date(2027, 1, 10),
                                 "hd_ly_do": "Chỉ tiêu 1.2: biên bản họp Ban Khuyến học chưa có chữ ký."}


def levels_values(layout: TabLayout, met: int) -> dict[str, Any]:
    """Every chỉ tiêu of the tab filled as its kind asks: đạt, a member count, a digital level."""
    cset = levels_rubric().set_for_cap("tinh")
    assert cset is not None
    kinds = {i.id: i.kind for i in cset.indicators}
    return {ind: {"yes-no": "Đạt", "digital": "Tốt"}.get(kinds[ind], met) for ind in layout.indicator_rows}


def evidence_of(unit: str, ind: str) -> str:
    return f"https://minhchung.example/{unit}/{ind}"


def fill_google(server: SheetsServer, layout: TabLayout, own: Mapping[str, Any], header: Mapping[str, Any],
                reviewer: Mapping[str, Any] | None = None, sid: str = SID) -> None:
    fam = layout.family
    for ind, value in own.items():
        row = layout.indicator_rows[ind]
        server.type_values(sid, layout.title, a1(row, fam.col_value), [[value]])
        server.type_values(sid, layout.title, a1(row, fam.col_evidence), [[evidence_of(layout.unit_id, ind)]])
    for ind, value in (reviewer or {}).items():
        server.type_values(sid, layout.title, a1(layout.indicator_rows[ind], fam.col_reviewer), [[value]])
    for key, value in header.items():
        server.type_values(sid, layout.title, layout.header_cell(key), [[value]])


def fill_xlsx(path: Path, layout: TabLayout, own: Mapping[str, Any], header: Mapping[str, Any],
              reviewer: Mapping[str, Any] | None = None) -> None:
    fam = layout.family
    wb = load_workbook(path)
    ws = wb[layout.title]
    for ind, value in own.items():
        row = layout.indicator_rows[ind]
        ws.cell(row, fam.col_value).value = value
        ws.cell(row, fam.col_evidence).value = evidence_of(layout.unit_id, ind)
    for ind, value in (reviewer or {}).items():
        ws.cell(layout.indicator_rows[ind], fam.col_reviewer).value = value
    for key, value in header.items():
        ws[layout.header_cell(key)] = datetime.combine(value, datetime.min.time()) if isinstance(value, date) else value
    wb.save(path)


def cells(sub: Submission) -> dict[str, Any]:
    """A submission without its file name (a spreadsheet title vs an .xlsx name): values, tabs, cells."""
    def c(rc: RawCell) -> tuple[Any, str | None, str | None]:
        return (rc.value, rc.place.tab, rc.place.cell)

    return {
        "unit": c(sub.unit), "year": c(sub.year),
        "fields": {k: c(v) for k, v in sub.fields.items()},
        "indicators": {k: c(v) for k, v in sub.indicators.items()},
        "verified": {k: c(v) for k, v in sub.verified.items()},
        "council": {k: c(v) for k, v in sub.council.items()},
        "evidence": {k: c(v) for k, v in sub.evidence.items()},
        "unknown": [c(v) for v in sub.unknown_columns],
        "problems": [(code, place.tab, place.cell, args) for code, place, args in sub.reader_problems],
    }


def results(subs: list[Submission], project: Project) -> Any:
    registry = pipeline.registry(project)
    return document(score(subs, registry, pipeline.scoring_options(project, registry)))["results"]


def xlsx_of(template: GoogleTemplate, path: Path) -> Path:
    write_workbook(path, template.year, list(template.layouts.values()), template.instructions)
    return path


@pytest.fixture
def archive(sheets_project: Project) -> SnapshotArchive:
    return SnapshotArchive(sheets_project.path("snapshot_dir"))


def test_set_up_fill_pull_gives_the_same_submissions_and_results_as_the_xlsx_path(
    sheets_server: SheetsServer, sheets_project: Project, archive: SnapshotArchive, tmp_path: Path
) -> None:
    sheets_server.create(SID, "Đơn vị học tập 2023")
    _, template = set_up(SID, sheets_project, POINTS_YEAR)
    path = xlsx_of(template, tmp_path / "phieu.xlsx")
    for unit_id, points, header in (("so-y-te", POINTS, HEADER), ("so-tu-phap", FULL, {"so_thanh_vien": 45})):
        fill_google(sheets_server, template.layout(unit_id), points, header)
        fill_xlsx(path, template.layout(unit_id), points, header)
    sheets_server.reset_counts()

    snapshot = pull(SID, archive, when=WHEN)
    assert sheets_server.calls == {"spreadsheets.get": 1, "values.batchGet": 1}
    google = submissions_from_snapshot(archive, snapshot)
    xlsx = read_workbook(path.read_bytes(), path.name)
    assert snapshot.rows == len(google) == len(xlsx) == 2
    assert [cells(s) for s in google] == [cells(s) for s in xlsx]
    sub = next(s for s in google if s.unit.value == "so-y-te")
    assert sub.indicators["1.2"].value == "9,5"  # left for validation to parse, never numericised to 95
    assert sub.indicators["2.3"].value is None  # blank stays blank, not zero
    assert sub.fields["ngay_gui"].value == datetime(2024, 1, 15)  # the serial day became a date
    assert "nguoi_bao_cao" not in sub.fields  # the reporter's name is never read
    assert sub.council == {}  # a points tab has no council column
    row_12 = template.layout("so-y-te").indicator_rows["1.2"]
    assert sub.indicators["1.2"].place.describe() == f"Đơn vị học tập 2023, trang «Sở Y tế», ô D{row_12}"
    assert sub.evidence["1.2"].place.cell == f"E{row_12}" and sub.verified["1.2"].place.cell == f"F{row_12}"
    assert results(google, sheets_project) == results(xlsx, sheets_project)


def test_levels_tabs_pull_into_indicators_evidence_and_council_from_their_own_cells_as_the_xlsx_does(
    sheets_server: SheetsServer, sheets_project: Project, archive: SnapshotArchive, tmp_path: Path
) -> None:
    sheets_server.create(SID, "Đơn vị học tập 2026")
    _, template = set_up(SID, sheets_project, LEVELS_YEAR)
    path = xlsx_of(template, tmp_path / "ho-so.xlsx")
    syt, stp = template.layout("tn-so-y-te"), template.layout("tn-so-tu-phap")
    council = {"1.2": "Không đạt", "2.1": "Đạt"}
    for layout, own, header, reviewer in (
        (syt, levels_values(syt, 95), LEVELS_HEADER, council),
        (stp, {**levels_values(stp, 40), "1.1": "Không đạt"}, {"muc_de_nghi": 1, "so_thanh_vien": 45}, None),
    ):
        fill_google(sheets_server, layout, own, header, reviewer)
        fill_xlsx(path, layout, own, header, reviewer)
    sheets_server.reset_counts()

    snapshot = pull(SID, archive, when=WHEN)
    assert sheets_server.calls == {"spreadsheets.get": 1, "values.batchGet": 1}
    google = submissions_from_snapshot(archive, snapshot)
    xlsx = read_workbook(path.read_bytes(), path.name)
    assert snapshot.rows == len(google) == len(xlsx) == 2
    assert [cells(s) for s in google] == [cells(s) for s in xlsx]

    sub = next(s for s in google if s.unit.value == "tn-so-y-te")
    assert sub.year.value == LEVELS_YEAR and sub.origin.tab == "Sở Y tế TN"
    assert set(sub.indicators) == set(syt.indicator_rows) == set(sub.evidence) == set(sub.council)
    assert sub.verified == {}  # no verified points under Thông tư 24
    for ind, row in syt.indicator_rows.items():
        assert sub.indicators[ind].place.cell == f"D{row}", ind
        assert sub.evidence[ind].place.cell == f"F{row}", ind  # not E, the share the sheet computes
        assert sub.council[ind].place.cell == f"I{row}", ind
        assert sub.evidence[ind].value == evidence_of("tn-so-y-te", ind)
    assert sub.indicators["1.1"].value == "Đạt" and sub.indicators["2.1"].value == 95
    assert sub.council["1.2"].value == "Không đạt" and sub.council["2.1"].value == "Đạt"
    assert sub.council["1.1"].value is None
    assert sub.fields["muc_de_nghi"].value == 2 and sub.fields["so_thanh_vien"].value == 100
    assert sub.fields["hd_ly_do"].value == LEVELS_HEADER["hd_ly_do"]
    assert sub.fields["ngay_gui"].value == datetime(2027, 1, 10)
    assert "nguoi_bao_cao" not in sub.fields and "lien_he" not in sub.fields  # private: never read
    assert "Trần Thị B" not in json.dumps(cells(sub), ensure_ascii=False, default=str)
    assert sub.fields["so_nguoi_hoc"].value.startswith("Không áp dụng")  # hoctap's text for a unit without learners
    other = next(s for s in google if s.unit.value == "tn-so-tu-phap")
    assert other.indicators["1.1"].value == "Không đạt" and other.indicators["2.1"].value == 40
    assert all(c.value is None for c in other.council.values())
    assert results(google, sheets_project) == results(xlsx, sheets_project)


def test_pull_asks_for_unformatted_values_and_serial_dates_and_only_tab_properties(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    pull(SID, archive, when=WHEN)
    meta, values = sheets_server.log
    assert meta["query"]["includeGridData"] == ["false"] and "sheets.properties" in meta["query"]["fields"][0]
    assert values["query"]["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert values["query"]["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert values["query"]["ranges"] == ["'Trang tính1'"]


def test_snapshot_is_deterministic_json_and_an_unchanged_pull_adds_nothing(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID, "Bảng tính")
    sheets_server.add_tab(SID, "Ragged", [["a", None, "c"], [1], [], [None, 2.5]])
    first = pull(SID, archive, when=WHEN)
    second = pull(SID, archive, when=datetime(2026, 11, 25, tzinfo=UTC))
    assert second.sha256 == first.sha256 and second.new is False
    assert len(archive.entries()) == 1 and first.origin == f"google:{SID}" and first.kind == "sheets-json"
    assert first.time == "2026-11-24T08:00:00+00:00"  # the time given, not the machine's clock
    doc = json.loads(archive.read(first))
    assert doc == {"spreadsheet_id": SID, "title": "Bảng tính",
                   "tabs": [{"title": "Trang tính1", "values": []},
                            {"title": "Ragged", "values": [["a", "", "c"], [1], [], ["", 2.5]]}]}
    assert list(json.loads(archive.read(first))) == sorted(doc)  # keys sorted, no timestamps


def test_ragged_rows_are_padded_before_reading(
    sheets_server: SheetsServer, sheets_project: Project, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    _, template = set_up(SID, sheets_project, POINTS_YEAR)
    layout = template.layout("so-y-te")
    # Only column D typed in the last indicator row: the API sends that row shorter than the others.
    sheets_server.type_values(SID, "Sở Y tế", f"D{layout.indicator_rows['3.3']}", [[5]])
    snapshot = pull(SID, archive, when=WHEN)
    tabs = {t["title"]: t["values"] for t in json.loads(archive.read(snapshot))["tabs"]}
    assert len({len(r) for r in tabs["Sở Y tế"]}) > 1  # ragged as the API sent it
    (sub,) = submissions_from_snapshot(archive, snapshot)
    assert sub.indicators["3.3"].value == 5 and sub.verified["3.3"].value is None


def test_current_statuses_find_the_status_cell_of_both_kinds_of_tab_and_only_of_unit_tabs(
    sheets_server: SheetsServer, sheets_project: Project, archive: SnapshotArchive, bundled_registry: Any
) -> None:
    sheets_server.create(SID)
    set_up(SID, sheets_project, POINTS_YEAR)  # a points tab per Long An unit (D16) …
    set_up(SID, sheets_project, LEVELS_YEAR)  # … and a levels tab per unit of 2026 (D19) in the same spreadsheet
    assert (POINTS_FAMILY.status_cell, LEVELS_FAMILY.status_cell) == ("D16", "D19")
    sheets_server.type_values(SID, "Sở Y tế", "D16", [["Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"]])
    sheets_server.type_values(SID, "Sở Y tế TN", "D19", [["Chưa hợp lệ — D24: thiếu minh chứng"]])
    # Someone's notes: a tab hoctap did not lay out, with something where a status cell would be.
    sheets_server.add_tab(SID, "Ghi chú", [[f"ghi chú {r}" for _ in range(5)] for r in range(1, 25)])
    sheets_server.type_values(SID, "Sở Tư pháp", "A3", [[None]])  # a points tab from before tabs named their kind
    sheets_server.type_values(SID, "Sở Công Thương TN", "A3", [[None]])  # a levels tab that lost its marker …
    sheets_server.type_values(SID, "Sở Công Thương TN", "D16", [[date(2027, 1, 9)]])  # … D16 is its ngay_gui
    statuses = current_statuses(archive, pull(SID, archive, when=WHEN))
    assert statuses["Sở Y tế"] == TabStatus("D16", "Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)")
    assert statuses["Sở Tư pháp"] == TabStatus("D16", "Chưa kiểm tra.")
    assert statuses["Sở Y tế TN"] == TabStatus("D19", "Chưa hợp lệ — D24: thiếu minh chứng")
    assert statuses["Sở Tư pháp TN"] == TabStatus("D19", "Chưa kiểm tra.")
    assert INSTRUCTIONS_TAB not in statuses and "Trang tính1" not in statuses and "Ghi chú" not in statuses
    assert "Sở Công Thương TN" not in statuses  # read as a points tab, its D16 is no status cell: never written
    tabs = {u.short_name for y in (POINTS_YEAR, LEVELS_YEAR) for u in bundled_registry.active(y)}
    assert set(statuses) == tabs - {"Sở Công Thương TN"} and len(statuses) == 34 + 32 - 1


def synthetic_project(folder: Path, n: int) -> Project:
    """A province of n communes, each a state agency (so any year's rubric lays it out)."""
    units = [{"id": f"xa-{i:03d}", "name": f"Ủy ban nhân dân xã Thạnh Phước Hưng {i:03d}",
              "short_name": f"UBND xã Thạnh Phước Hưng {i:03d}", "group": "Khối xã", "level": "Cấp xã"}
             for i in range(1, n + 1)]
    # Its own (empty) decisions file: the bundled one names Long An's units, which this registry lacks.
    make_project(folder, units=units, settings='snapshot_dir = "snapshots"\n',
                 decisions="so_quyet_dinh,ngay_ky,nguoi_ky,ma_don_vi,nam,cap,muc_do\n")
    (folder / "editors.csv").write_text("ma_don_vi,email,vai_tro\n*,thamdinh@sgddt.example.gov.vn,tham-dinh\n",
                                        encoding="utf-8")
    return Project.open(folder)


@pytest.mark.parametrize(("n_tabs", "year"), [(50, POINTS_YEAR), (150, POINTS_YEAR), (150, LEVELS_YEAR)])
def test_a_pull_costs_two_api_calls_however_many_tabs(
    n_tabs: int, year: int, sheets_server: SheetsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    project = synthetic_project(tmp_path / "tinh", n_tabs)
    archive = SnapshotArchive(project.path("snapshot_dir"))
    sheets_server.create(SID)
    t0 = time.perf_counter()
    report, template = set_up(SID, project, year)
    setup_seconds = time.perf_counter() - t0
    book = sheets_server.books[SID]
    for layout in template.layouts.values():
        own = FULL if year == POINTS_YEAR else levels_values(layout, 30)
        fill_google(sheets_server, layout, own, {"so_thanh_vien": 30})
    sheets_server.reset_counts()

    t0 = time.perf_counter()
    snapshot = pull(SID, archive, when=WHEN)
    pull_seconds = time.perf_counter() - t0
    assert len(book.sheets) == n_tabs + 2
    assert sheets_server.api_calls() <= 2
    assert snapshot.rows == n_tabs
    assert len(submissions_from_snapshot(archive, snapshot)) == n_tabs
    with capsys.disabled():
        print(f"\n[measure] {n_tabs} tabs ({year}): pull {sheets_server.api_calls()} API calls in {pull_seconds:.2f} s; "
              f"set-up {report.api_calls} calls ({report.batch_updates} batchUpdate, {report.requests} requests) "
              f"in {setup_seconds:.2f} s")
