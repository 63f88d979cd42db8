"""`hoctap check --write-back`: each tab's status cell, in one values:batchUpdate, only where it changed.

The status cell depends on the kind of tab: D16 on a Thông tư 22 points tab, D19 on a Thông tư 24 levels tab.
The spreadsheet here holds both kinds (2023's Long An tabs and 2026's), so one write-back reaches both.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sheets_server import SheetsServer, set_up

from hoctap.project import Project
from intake.errors import SheetsError
from intake.layout import INSTRUCTIONS_TAB
from intake.layout_levels import LEVELS_FAMILY
from intake.layout_points import POINTS_FAMILY
from intake.sheets_pull import TabStatus, current_statuses, pull
from intake.snapshots import SnapshotArchive
from intake.writeback import MAX_STATUS_CHARS, write_back

SID = "1WriteBackSpreadsheet_0123456789abcdefghij"
WHEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
VALID = "Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"
PROBLEMS = "D12: 12 lớn hơn điểm tối đa 10 của chỉ số 1.1; D20: ô trống (chỉ số 1.1 chưa chấm)"
LEVEL = "Hợp lệ — đạt mức độ 1 (đề nghị mức độ 2; tự đánh giá). Chỉ tiêu 2.1: 85% dưới ngưỡng 90%."


@pytest.fixture
def pulled(sheets_server: SheetsServer, sheets_project: Project) -> dict[str, TabStatus]:
    sheets_server.create(SID)
    set_up(SID, sheets_project, 2023, units=("so-y-te", "so-tu-phap"))
    set_up(SID, sheets_project, 2026, units=("tn-so-y-te", "tn-so-tu-phap"))
    sheets_server.add_tab(SID, "Ghi chú", [["Ghi chú của chủ bảng tính"] * 5] * 20)  # not a unit tab
    archive = SnapshotArchive(sheets_project.path("snapshot_dir"))
    current = current_statuses(archive, pull(SID, archive, when=WHEN))
    sheets_server.reset_counts()
    return current


def test_the_status_cell_sits_under_the_header_block_of_each_kind_of_tab() -> None:
    assert POINTS_FAMILY.status_cell == "D16"
    assert LEVELS_FAMILY.status_cell == "D19"


def test_statuses_are_written_as_text_in_one_batch_update_at_each_tabs_status_cell(
    sheets_server: SheetsServer, pulled: dict[str, TabStatus]
) -> None:
    assert pulled["Sở Y tế"].cell == "D16" and pulled["Sở Y tế TN"].cell == "D19"
    report = write_back(SID, {"Sở Y tế": VALID, "Sở Tư pháp": PROBLEMS, "Sở Y tế TN": LEVEL}, current=pulled)
    assert sheets_server.calls == {"values.batchUpdate": 1}
    (entry,) = sheets_server.log
    assert entry["body"]["valueInputOption"] == "RAW"
    assert [d["range"] for d in entry["body"]["data"]] == ["'Sở Y tế'!D16", "'Sở Tư pháp'!D16", "'Sở Y tế TN'!D19"]
    assert sheets_server.value(SID, "Sở Y tế", "D16") == VALID
    assert sheets_server.value(SID, "Sở Tư pháp", "D16") == PROBLEMS
    assert sheets_server.value(SID, "Sở Y tế TN", "D19") == LEVEL
    assert sheets_server.value(SID, "Sở Y tế TN", "D16") is None  # a header input of the levels tab: untouched
    assert report.written == ["Sở Y tế", "Sở Tư pháp", "Sở Y tế TN"] and report.skipped == 0
    assert report.api_calls == 1 and report.not_unit_tabs == []


def test_tabs_whose_status_did_not_change_get_no_write_and_nothing_changed_means_no_request(
    sheets_server: SheetsServer, pulled: dict[str, TabStatus]
) -> None:
    first = write_back(SID, {"Sở Y tế": VALID, "Sở Tư pháp": "Chưa kiểm tra.", "Sở Tư pháp TN": "Chưa kiểm tra."},
                       current=pulled)
    assert first.written == ["Sở Y tế"] and first.skipped == 2
    (entry,) = sheets_server.log
    assert [d["range"] for d in entry["body"]["data"]] == ["'Sở Y tế'!D16"]

    sheets_server.reset_counts()
    again = write_back(SID, {"Sở Y tế": VALID}, current={**pulled, "Sở Y tế": TabStatus("D16", VALID)})
    assert sheets_server.calls == {} and again.written == [] and again.api_calls == 0
    assert "không thay đổi" in again.summary()


def test_only_the_unit_tabs_of_the_pull_are_written(sheets_server: SheetsServer, pulled: dict[str, TabStatus]) -> None:
    assert "Ghi chú" not in pulled and INSTRUCTIONS_TAB not in pulled and "Trang tính1" not in pulled
    statuses = {INSTRUCTIONS_TAB: PROBLEMS, "Ghi chú": PROBLEMS, "Trang tính1": PROBLEMS, "Không có": PROBLEMS}
    nothing = write_back(SID, statuses, current=pulled)
    assert sheets_server.calls == {} and nothing.written == [] and nothing.api_calls == 0
    assert nothing.not_unit_tabs == [INSTRUCTIONS_TAB, "Ghi chú", "Trang tính1", "Không có"]
    assert sheets_server.value(SID, "Ghi chú", "D16") == "Ghi chú của chủ bảng tính"  # someone's notes: kept

    report = write_back(SID, {**statuses, "Sở Y tế TN": LEVEL}, current=pulled)
    assert report.written == ["Sở Y tế TN"] and len(report.not_unit_tabs) == 4
    (entry,) = sheets_server.log
    assert [d["range"] for d in entry["body"]["data"]] == ["'Sở Y tế TN'!D19"]


def test_a_status_that_looks_like_a_formula_stays_text_and_a_wall_of_text_is_clipped(
    sheets_server: SheetsServer, pulled: dict[str, TabStatus]
) -> None:
    write_back(SID, {"Sở Y tế": "=1+1 không phải số", "Sở Y tế TN": "x" * 10_000}, current=pulled)
    assert sheets_server.cell(SID, "Sở Y tế", "D16")["userEnteredValue"] == {"stringValue": "=1+1 không phải số"}
    clipped = sheets_server.value(SID, "Sở Y tế TN", "D19")
    assert len(clipped) == MAX_STATUS_CHARS and clipped.endswith("…")


def test_a_failed_write_back_is_a_sheets_error(sheets_server: SheetsServer, pulled: dict[str, TabStatus]) -> None:
    sheets_server.forbidden.add(SID)
    with pytest.raises(SheetsError, match="chia sẻ"):
        write_back(SID, {"Sở Y tế": VALID}, current=pulled)
