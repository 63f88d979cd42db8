"""Failures of the Sheets API: bounded retries, clear Vietnamese messages, the last good snapshot kept."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import gspread
import pytest
from sheets_server import Fault, SheetsServer, set_up

from hoctap.project import Project
from intake.errors import IntakeError, SheetsError
from intake.sheets_client import BAD_SHAPE, RetryPolicy, make_client, make_sheets_client, sheets_call
from intake.sheets_pull import current_statuses, pull
from intake.snapshots import SnapshotArchive
from intake.writeback import write_back

SID = "1FaultTestSpreadsheet_0123456789abcdefghij"
WHEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


class FakeClock:
    """A monotonic clock that only moves when the retry loop sleeps: the time budget is checked without waiting."""

    def __init__(self) -> None:
        self.t = 0.0
        self.waits: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.t += seconds


class Sleeps:
    """Records the waits instead of sleeping them, so the schedule is checked without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def archive(tmp_path: Path) -> SnapshotArchive:
    return SnapshotArchive(tmp_path / "snapshots")


def test_429_twice_then_success_is_retried_with_growing_waits(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.inject(Fault(status=429, times=2, endpoint="values.batchGet"))
    sleeps = Sleeps()
    snapshot = pull(SID, archive, when=WHEN, policy=RetryPolicy(sleep=sleeps))
    latest = archive.latest(f"google:{SID}")
    assert snapshot.new and latest is not None and latest.sha256 == snapshot.sha256
    assert sheets_server.calls == {"spreadsheets.get": 1, "values.batchGet": 3}
    assert len(sleeps.waits) == 2 and sleeps.waits[0] < sleeps.waits[1]


@pytest.mark.parametrize("status", [408, 500, 502, 503])
def test_transient_statuses_are_retried(
    status: int, sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.inject(Fault(status=status, times=1))
    pull(SID, archive, when=WHEN, policy=RetryPolicy(sleep=Sleeps()))
    assert sheets_server.calls["spreadsheets.get"] == 2


def test_500_forever_fails_after_bounded_attempts_and_keeps_the_last_good_snapshot(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.type_values(SID, "Trang tính1", "A1", [["dữ liệu tốt"]])
    good = pull(SID, archive, when=WHEN)
    index_before = archive.index.read_bytes()
    files_before = sorted(p.name for p in archive.root.iterdir())

    sheets_server.type_values(SID, "Trang tính1", "A1", [["dữ liệu mới"]])
    sheets_server.inject(Fault(status=500, times=None))
    sheets_server.reset_counts()
    sleeps = Sleeps()
    with pytest.raises(SheetsError) as err:
        pull(SID, archive, when=WHEN, policy=RetryPolicy(attempts=5, sleep=sleeps))
    assert sheets_server.calls == {"spreadsheets.get": 5}  # bounded, unlike gspread's BackOffHTTPClient
    assert len(sleeps.waits) == 4 and sum(sleeps.waits) < 60
    assert "500" in str(err.value) and "giữ nguyên" in str(err.value)
    assert archive.index.read_bytes() == index_before
    assert sorted(p.name for p in archive.root.iterdir()) == files_before
    assert archive.latest(f"google:{SID}").sha256 == good.sha256  # type: ignore[union-attr]


def test_retries_stop_when_the_time_budget_is_spent_whatever_the_attempts_left(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.inject(Fault(status=503, times=None))
    clock = FakeClock()
    policy = RetryPolicy(attempts=1000, total_seconds=60, base_delay=1, max_delay=20, sleep=clock.sleep,
                         clock=clock.now)
    start = time.monotonic()
    with pytest.raises(SheetsError, match="503"):
        pull(SID, archive, when=WHEN, policy=policy)
    assert time.monotonic() - start < 3  # the minute was spent on the fake clock
    # Waits of about 1, 2, 4, 8, 16, 20 s (10 % jitter at most) fit in 60 s; a seventh wait of 20 s would not.
    assert sheets_server.calls == {"spreadsheets.get": 7}
    assert len(clock.waits) == 6 and sum(clock.waits) <= 60 and max(clock.waits) <= 20 * 1.1
    assert clock.waits == sorted(clock.waits)


def test_set_up_and_write_back_retry_within_the_same_bounds_as_a_pull(
    sheets_server: SheetsServer, sheets_project: Project, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.inject(Fault(status=429, times=1, endpoint="spreadsheets.batchUpdate"))
    sleeps = Sleeps()
    report, template = set_up(SID, sheets_project, 2026, units=["tn-so-y-te"], policy=RetryPolicy(sleep=sleeps))
    assert len(sleeps.waits) == 1 and report.added_tabs == ["Hướng dẫn", "Sở Y tế TN"]
    assert report.api_calls == 1 + report.batch_updates + 1  # the retried send is counted: it costs quota
    tab = template.layout("tn-so-y-te")
    current = current_statuses(archive, pull(SID, archive, when=WHEN))

    sheets_server.inject(Fault(status=503, times=None, endpoint="values.batchUpdate"))
    sheets_server.reset_counts()
    sleeps = Sleeps()
    with pytest.raises(SheetsError, match="503"):
        write_back(SID, {tab.title: "Hợp lệ"}, current=current, policy=RetryPolicy(attempts=3, sleep=sleeps))
    assert sheets_server.calls == {"values.batchUpdate": 3} and len(sleeps.waits) == 2
    assert sheets_server.value(SID, tab.title, tab.status_cell) == "Chưa kiểm tra."


def test_a_response_that_never_comes_times_out_and_fails_cleanly(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.inject(Fault(kind="slow", delay=1.5, times=None))
    start = time.monotonic()
    with pytest.raises(SheetsError) as err:
        pull(SID, archive, when=WHEN, policy=RetryPolicy(attempts=2, timeout=(1.0, 0.3), sleep=Sleeps()))
    assert time.monotonic() - start < 3
    assert "không trả lời kịp" in str(err.value)
    assert sheets_server.calls["spreadsheets.get"] == 2
    assert archive.entries() == []


def test_non_json_answer_is_reported_as_a_malformed_response(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.inject(Fault(kind="malformed", times=None, endpoint="values.batchGet"))
    with pytest.raises(SheetsError) as err:
        pull(SID, archive, when=WHEN)
    assert BAD_SHAPE in str(err.value)
    assert archive.entries() == []


@pytest.mark.parametrize("body", [
    b'{"valueRanges": 5}',
    b'{"valueRanges": [{"range": "\'Trang t\\u00ednh1\'!A1:Z1000", "values": "abc"}]}',
    b'{"valueRanges": [{"range": "\'Kh\\u00e1c\'!A1:B2", "values": [[1]]}]}',
    b'{"valueRanges": [{"range": "\'Trang t\\u00ednh1\'!A1:Z1000", "values": [[{"x": 1}]]}]}',
    b'[1, 2, 3]',
])
def test_json_of_the_wrong_shape_is_reported_as_a_malformed_response(
    body: bytes, sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.inject(Fault(kind="malformed", body=body, times=None, endpoint="values.batchGet"))
    with pytest.raises(SheetsError) as err:
        pull(SID, archive, when=WHEN)
    assert BAD_SHAPE in str(err.value)
    assert archive.entries() == []


def test_wrongly_shaped_metadata_is_reported_too(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.inject(Fault(kind="malformed", body=b'{"sheets": [{"properties": {"title": 7}}]}',
                               endpoint="spreadsheets.get"))
    with pytest.raises(SheetsError, match=BAD_SHAPE):
        pull(SID, archive, when=WHEN)


def test_403_names_the_service_account_to_share_with(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    sheets_server.create(SID)
    sheets_server.forbidden.add(SID)
    with pytest.raises(SheetsError) as err:
        pull(SID, archive, when=WHEN)
    message = str(err.value)
    assert "chia sẻ" in message and "tài khoản dịch vụ" in message and "Editor" in message
    assert sheets_server.calls == {"spreadsheets.get": 1}  # a 403 is not retried


def test_404_says_the_spreadsheet_id_is_wrong(
    sheets_server: SheetsServer, archive: SnapshotArchive
) -> None:
    with pytest.raises(SheetsError) as err:
        pull("1KhongCoBangTinhNay", archive, when=WHEN)
    assert "Không tìm thấy bảng tính 1KhongCoBangTinhNay" in str(err.value)
    assert "mã bảng tính" in str(err.value)


def test_gspreads_own_permission_and_not_found_errors_are_translated(
    sheets_server: SheetsServer
) -> None:
    """open_by_key raises PermissionError / SpreadsheetNotFound rather than APIError: both are ours to word."""
    client = make_sheets_client()
    sheets_server.create(SID)
    sheets_server.forbidden.add(SID)
    with pytest.raises(SheetsError, match="chia sẻ"), sheets_call(SID, client.service_email):
        client.gc.open_by_key(SID)
    with pytest.raises(SheetsError, match="Không tìm thấy"), sheets_call("khac", client.service_email):
        client.gc.open_by_key("khac")


def test_an_error_the_api_explains_keeps_its_explanation(
    sheets_server: SheetsServer
) -> None:
    sheets_server.create(SID)
    client = make_sheets_client()
    with pytest.raises(SheetsError) as err, sheets_call(SID, None):
        client.http.values_batch_update(SID, body={"valueInputOption": "RAW",
                                                   "data": [{"range": "'Trang tính1'!AA1", "values": [["x"]]}]})
    assert "400" in str(err.value) and "exceeds grid limits" in str(err.value)


def test_no_credentials_and_no_endpoint_says_which_variable_to_set(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOCTAP_SHEETS_ENDPOINT", "GOOGLE_SERVICE_ACCOUNT_JSON", "GOOGLE_APPLICATION_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(IntakeError) as err:
        make_client()
    assert "GOOGLE_SERVICE_ACCOUNT_JSON" in str(err.value) and "GOOGLE_APPLICATION_CREDENTIALS" in str(err.value)


def test_the_endpoint_override_lives_in_the_transport_not_in_gspread(
    sheets_server: SheetsServer
) -> None:
    assert gspread.urls.SPREADSHEETS_API_V4_BASE_URL == "https://sheets.googleapis.com/v4/spreadsheets"
    sheets_server.create(SID, "Qua cổng nội bộ")
    gc = make_client()
    assert gc.open_by_key(SID).title == "Qua cổng nội bộ"  # gspread's own URL, sent to the local server
    assert sheets_server.calls == {"spreadsheets.get": 1}
