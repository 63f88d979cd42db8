"""`hoctap check --write-back`: each tab's status cell, in one values:batchUpdate, only where it changed."""

from __future__ import annotations

import pytest
from sheets_server import SheetsServer

from intake.errors import SheetsError
from intake.layout import STATUS_CELL
from intake.settings import Settings
from intake.sheets_pull import current_statuses, pull
from intake.sheets_setup import setup_spreadsheet
from intake.snapshots import SnapshotArchive
from intake.writeback import write_back

SID = "1WriteBackSpreadsheet_0123456789abcdefghij"
VALID = "Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"
PROBLEMS = "D12: 12 lớn hơn điểm tối đa 10 của chỉ số 1.1; D20: ô trống (chỉ số 3.3 chưa chấm)"


@pytest.fixture
def pulled(sheets_server: SheetsServer, sheets_settings: Settings) -> dict[str, str]:
    sheets_server.create(SID)
    setup_spreadsheet(SID, 2025, sheets_settings)
    archive = SnapshotArchive(sheets_settings.path("snapshot_dir"))
    current = current_statuses(archive, pull(SID, sheets_settings, archive))
    sheets_server.reset_counts()
    return current


def test_the_status_cell_is_d16_under_the_header_block() -> None:
    assert STATUS_CELL == "D16"


def test_statuses_are_written_as_text_in_one_batch_update_at_each_tabs_status_cell(
    sheets_server: SheetsServer, sheets_settings: Settings, pulled: dict[str, str]
) -> None:
    report = write_back(SID, {"Sở Y tế": VALID, "Sở Tư pháp": PROBLEMS}, sheets_settings, current=pulled)
    assert sheets_server.calls == {"values.batchUpdate": 1}
    (entry,) = sheets_server.log
    assert entry["body"]["valueInputOption"] == "RAW"
    assert [d["range"] for d in entry["body"]["data"]] == ["'Sở Y tế'!D16", "'Sở Tư pháp'!D16"]
    assert sheets_server.value(SID, "Sở Y tế", "D16") == VALID
    assert sheets_server.value(SID, "Sở Tư pháp", "D16") == PROBLEMS
    assert report.written == ["Sở Y tế", "Sở Tư pháp"] and report.skipped == 0 and report.api_calls == 1


def test_tabs_whose_status_did_not_change_get_no_write_and_nothing_changed_means_no_request(
    sheets_server: SheetsServer, sheets_settings: Settings, pulled: dict[str, str]
) -> None:
    first = write_back(SID, {"Sở Y tế": VALID, "Sở Tư pháp": "Chưa kiểm tra."}, sheets_settings, current=pulled)
    assert first.written == ["Sở Y tế"] and first.skipped == 1
    (entry,) = sheets_server.log
    assert [d["range"] for d in entry["body"]["data"]] == ["'Sở Y tế'!D16"]

    sheets_server.reset_counts()
    again = write_back(SID, {"Sở Y tế": VALID}, sheets_settings, current={**pulled, "Sở Y tế": VALID})
    assert sheets_server.calls == {} and again.written == [] and again.api_calls == 0
    assert "không thay đổi" in again.summary()


def test_a_status_that_looks_like_a_formula_stays_text(
    sheets_server: SheetsServer, sheets_settings: Settings, pulled: dict[str, str]
) -> None:
    write_back(SID, {"Sở Y tế": "=1+1 không phải số"}, sheets_settings, current=pulled)
    assert sheets_server.cell(SID, "Sở Y tế", "D16")["userEnteredValue"] == {"stringValue": "=1+1 không phải số"}


def test_a_failed_write_back_is_a_sheets_error(
    sheets_server: SheetsServer, sheets_settings: Settings, pulled: dict[str, str]
) -> None:
    sheets_server.forbidden.add(SID)
    with pytest.raises(SheetsError, match="chia sẻ"):
        write_back(SID, {"Sở Y tế": VALID}, sheets_settings, current=pulled)
