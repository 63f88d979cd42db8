"""`hoctap pull`: every tab in two API calls, archived as deterministic JSON, read like the .xlsx."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sheets_server import SheetsServer

from intake.layout import STATUS_CELL, TabLayout, header_cell
from intake.settings import Settings
from intake.sheets_pull import current_statuses, pull, submissions_from_snapshot
from intake.sheets_setup import setup_spreadsheet
from intake.snapshots import SnapshotArchive
from intake.workbook import write_template
from intake.xlsx_reader import read_workbook
from scoring import score
from scoring.canonical import RawCell, Submission
from scoring.registry import load_registry

SID = "1PullTestSpreadsheetId_abcdefghijklmnopqrstu"
YEAR = 2025
REGISTRY = load_registry()

# What Sở Y tế types: a decimal comma as text (vi_VN users do), a blank, a date, whole numbers, a choice.
POINTS: dict[str, Any] = {"1.1": 10, "1.2": "9,5", "1.3": 8.25, "2.1": 10, "2.2": 5, "2.3": None,
                          "2.4": 5, "3.1": 25, "3.2": 10, "3.3": 4.5}
HEADER: dict[str, Any] = {"so_thanh_vien": 120, "so_cdht": 80, "ban_khuyen_hoc": "Có",
                          "link_ke_hoach": "https://syt.longan.gov.vn/ke-hoach-2025",
                          "nguoi_bao_cao": "Nguyễn Văn A, Chánh Văn phòng", "ngay_gui": date(2026, 1, 15)}
FULL: dict[str, Any] = {"1.1": 10, "1.2": 10, "1.3": 10, "2.1": 10, "2.2": 5, "2.3": 10,
                        "2.4": 5, "3.1": 25, "3.2": 10, "3.3": 5}


def fill_google(server: SheetsServer, layout: TabLayout, points: dict[str, Any], header: dict[str, Any]) -> None:
    for ind, value in points.items():
        row = layout.indicator_rows[ind]
        server.type_values(SID, layout.title, f"D{row}", [[value, f"https://minhchung.example/{ind}"]])
    for key, value in header.items():
        server.type_values(SID, layout.title, header_cell(key), [[value]])


def fill_xlsx(path: Path, layout: TabLayout, points: dict[str, Any], header: dict[str, Any]) -> None:
    wb = load_workbook(path)
    ws = wb[layout.title]
    for ind, value in points.items():
        row = layout.indicator_rows[ind]
        ws.cell(row, 4).value = value
        ws.cell(row, 5).value = f"https://minhchung.example/{ind}"
    for key, value in header.items():
        ws[header_cell(key)] = datetime.combine(value, datetime.min.time()) if isinstance(value, date) else value
    wb.save(path)


def cells(sub: Submission) -> dict[str, Any]:
    """A submission without its file name (a spreadsheet title vs an .xlsx name): values, tabs, cells."""
    def c(rc: RawCell) -> tuple[Any, str | None, str | None]:
        return (rc.value, rc.place.tab, rc.place.cell)

    return {
        "unit": c(sub.unit), "year": c(sub.year),
        "fields": {k: c(v) for k, v in sub.fields.items()},
        "self": {k: c(v) for k, v in sub.self_points.items()},
        "verified": {k: c(v) for k, v in sub.verified_points.items()},
        "evidence": {k: c(v) for k, v in sub.evidence.items()},
        "unknown": [c(v) for v in sub.unknown_columns],
    }


@pytest.fixture
def archive(sheets_settings: Settings) -> SnapshotArchive:
    return SnapshotArchive(sheets_settings.path("snapshot_dir"))


def test_set_up_fill_pull_gives_the_same_submissions_and_results_as_the_xlsx_path(
    sheets_server: SheetsServer, sheets_settings: Settings, archive: SnapshotArchive, tmp_path: Path
) -> None:
    sheets_server.create(SID, "Đơn vị học tập 2025")
    setup_spreadsheet(SID, YEAR, sheets_settings)
    path = tmp_path / "phieu.xlsx"
    layouts = write_template(path, YEAR, REGISTRY, sheets_settings.deadline(YEAR))
    for unit_id, points, header in (("so-y-te", POINTS, HEADER), ("so-tu-phap", FULL, {"so_thanh_vien": 45})):
        fill_google(sheets_server, layouts[unit_id], points, header)
        fill_xlsx(path, layouts[unit_id], points, header)
    sheets_server.reset_counts()

    snapshot = pull(SID, sheets_settings, archive)
    assert sheets_server.calls == {"spreadsheets.get": 1, "values.batchGet": 1}
    google = submissions_from_snapshot(archive, snapshot)
    xlsx = read_workbook(path.read_bytes(), path.name)
    assert snapshot.rows == len(google) == len(xlsx) == 2
    assert [cells(s) for s in google] == [cells(s) for s in xlsx]
    sub = next(s for s in google if s.unit.value == "so-y-te")
    assert sub.self_points["1.2"].value == "9,5"  # left for validation to parse, never numericised to 95
    assert sub.self_points["2.3"].value is None  # blank stays blank, not zero
    assert sub.fields["ngay_gui"].value == datetime(2026, 1, 15)  # the serial day became a date
    row_12 = layouts["so-y-te"].indicator_rows["1.2"]
    assert sub.self_points["1.2"].place.describe() == f"Đơn vị học tập 2025, trang «Sở Y tế», ô D{row_12}"
    assert score(google, REGISTRY).document()["results"] == score(xlsx, REGISTRY).document()["results"]


def test_pull_asks_for_unformatted_values_and_serial_dates_and_only_tab_properties(
    sheets_server: SheetsServer, sheets_settings: Settings, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    pull(SID, sheets_settings, archive)
    meta, values = sheets_server.log
    assert meta["query"]["includeGridData"] == ["false"] and "sheets.properties" in meta["query"]["fields"][0]
    assert values["query"]["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert values["query"]["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert values["query"]["ranges"] == ["'Trang tính1'"]


def test_snapshot_is_deterministic_json_and_an_unchanged_pull_adds_nothing(
    sheets_server: SheetsServer, sheets_settings: Settings, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID, "Bảng tính")
    sheets_server.add_tab(SID, "Ragged", [["a", None, "c"], [1], [], [None, 2.5]])
    first = pull(SID, sheets_settings, archive)
    second = pull(SID, sheets_settings, archive)
    assert second.sha256 == first.sha256 and second.new is False
    assert len(archive.entries()) == 1 and first.origin == f"google:{SID}" and first.kind == "sheets-json"
    doc = json.loads(archive.read(first))
    assert doc == {"spreadsheet_id": SID, "title": "Bảng tính",
                   "tabs": [{"title": "Trang tính1", "values": []},
                            {"title": "Ragged", "values": [["a", "", "c"], [1], [], ["", 2.5]]}]}
    assert list(json.loads(archive.read(first))) == sorted(doc)  # keys sorted, no timestamps


def test_ragged_rows_are_padded_before_reading(
    sheets_server: SheetsServer, sheets_settings: Settings, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    setup_spreadsheet(SID, YEAR, sheets_settings)
    layout = write_template(Path(sheets_settings.root / "t.xlsx"), YEAR, REGISTRY, date(2026, 1, 31))["so-y-te"]
    # Only column D typed in the last indicator row: the API sends that row shorter than the others.
    sheets_server.type_values(SID, "Sở Y tế", f"D{layout.indicator_rows['3.3']}", [[5]])
    snapshot = pull(SID, sheets_settings, archive)
    tabs = {t["title"]: t["values"] for t in json.loads(archive.read(snapshot))["tabs"]}
    assert len({len(r) for r in tabs["Sở Y tế"]}) > 1  # ragged as the API sent it
    (sub,) = submissions_from_snapshot(archive, snapshot)
    assert sub.self_points["3.3"].value == 5 and sub.verified_points["3.3"].value is None


def test_current_statuses_read_the_status_cell_of_every_unit_tab(
    sheets_server: SheetsServer, sheets_settings: Settings, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    setup_spreadsheet(SID, YEAR, sheets_settings)
    sheets_server.type_values(SID, "Sở Y tế", STATUS_CELL, [["Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"]])
    statuses = current_statuses(archive, pull(SID, sheets_settings, archive))
    assert statuses["Sở Y tế"] == "Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"
    assert statuses["Sở Tư pháp"] == "Chưa kiểm tra."
    assert "Hướng dẫn" not in statuses and "Trang tính1" not in statuses
    assert len(statuses) == len(REGISTRY.active(YEAR))


def synthetic_registry(path: Path, n: int) -> Path:
    lines = ["id,name,short_name,group,level,reviewing_body,first_year,last_year"]
    for i in range(1, n + 1):
        lines.append(f"xa-{i:03d},Ủy ban nhân dân xã Thạnh Phước Hưng {i:03d},UBND xã Thạnh Phước Hưng {i:03d},"
                     "Khối xã,Cấp xã,Sở Giáo dục và Đào tạo,2020,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("n_tabs", [50, 150])
def test_a_pull_costs_two_api_calls_however_many_tabs(
    n_tabs: int, sheets_server: SheetsServer, sheets_settings: Settings, archive: SnapshotArchive,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(root=sheets_settings.root, values={
        **sheets_settings.values, "registry": str(synthetic_registry(tmp_path / "units.csv", n_tabs))})
    sheets_server.create(SID)
    t0 = time.perf_counter()
    report = setup_spreadsheet(SID, YEAR, settings)
    setup_seconds = time.perf_counter() - t0
    book = sheets_server.books[SID]
    layouts = write_template(tmp_path / "t.xlsx", YEAR, load_registry(Path(settings.get("registry"))),
                             date(2026, 1, 31))
    for layout in layouts.values():
        fill_google(sheets_server, layout, FULL, {"so_thanh_vien": 30})
    sheets_server.reset_counts()

    t0 = time.perf_counter()
    snapshot = pull(SID, settings, archive)
    pull_seconds = time.perf_counter() - t0
    assert len(book.sheets) == n_tabs + 2
    assert sheets_server.api_calls() <= 2
    assert snapshot.rows == n_tabs
    assert len(submissions_from_snapshot(archive, snapshot)) == n_tabs
    with capsys.disabled():
        print(f"\n[measure] {n_tabs} tabs: pull {sheets_server.api_calls()} API calls in {pull_seconds:.2f} s; "
              f"set-up {report.api_calls} calls ({report.batch_updates} batchUpdate, {report.requests} requests) "
              f"in {setup_seconds:.2f} s")
