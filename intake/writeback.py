"""Write each tab's validation status back into the sheet the agency works in.

One `values:batchUpdate` per spreadsheet, `RAW` so a status that happens to
start with "=" or look like a number is shown as text, never evaluated. Tabs
whose status text is unchanged since the pull get no write at all (the
quota is per user, and an edit also wakes every viewer's copy of the sheet);
when nothing changed no request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from intake.errors import SheetsError
from intake.sheets_client import RetryPolicy, SheetsClient, expect_dict, make_sheets_client, sheets_call
from intake.sheets_pull import TabStatus, parse_metadata, quote_tab, range_tab, read_metadata

# A cell holds up to 50,000 characters; a status longer than this is a wall nobody reads.
MAX_STATUS_CHARS = 2_000


@dataclass
class WriteBackReport:
    written: list[str] = field(default_factory=list)  # tab titles, in the order written
    skipped: int = 0  # tabs whose status was already the one we would write
    not_unit_tabs: list[str] = field(default_factory=list)  # statuses for tabs the pull did not list as unit tabs
    gone: list[str] = field(default_factory=list)  # unit tabs renamed or deleted between the pull and the write
    api_calls: int = 0

    def summary(self) -> str:
        gone = (f" Không ghi được vào {len(self.gone)} trang đã đổi tên hoặc bị xóa sau lần lấy dữ liệu: "
                + ", ".join(self.gone) + ".") if self.gone else ""
        if not self.written:
            return f"Không ghi trạng thái: {self.skipped} trang không thay đổi.{gone}"
        return (
            f"Đã ghi trạng thái vào {len(self.written)} trang ({self.api_calls} lệnh gọi API); "
            f"{self.skipped} trang không thay đổi.{gone}"
        )


def clip(text: str) -> str:
    return text if len(text) <= MAX_STATUS_CHARS else text[: MAX_STATUS_CHARS - 1] + "…"


def status_range(tab: str, cell: str) -> str:
    return f"{quote_tab(tab)}!{cell}"


def write_back(
    spreadsheet_id: str,
    statuses: dict[str, str],
    *,
    current: Mapping[str, TabStatus],
    client: SheetsClient | None = None,
    policy: RetryPolicy | None = None,
) -> WriteBackReport:
    """Write the changed status cells in one call.

    `current` (from `sheets_pull.current_statuses`) lists the unit tabs of the
    pull, with their status cell and what it showed: only those tabs are
    written (never an instructions tab or someone else's tab), and a tab
    whose status is unchanged is skipped.
    """
    report = WriteBackReport()
    data: list[dict[str, object]] = []
    for tab, text in statuses.items():
        new = clip(text)
        here = current.get(tab)
        if here is None:
            report.not_unit_tabs.append(tab)
            continue
        if here.text == new:
            report.skipped += 1
            continue
        data.append({"range": status_range(tab, here.cell), "values": [[new]]})
        report.written.append(tab)
    if not data:
        return report
    client = client or make_sheets_client(policy)
    before = client.counter.sent
    try:
        with sheets_call(spreadsheet_id, client.service_email):
            raw = client.http.values_batch_update(spreadsheet_id, body={"valueInputOption": "RAW", "data": data})
    except SheetsError as exc:
        if exc.status != 400:
            raise
        # A tab renamed or deleted since the pull makes Google refuse the whole batch ("Unable to parse range"):
        # read which tabs exist now (1 call) and write the others, once.
        info = parse_metadata(read_metadata(client, spreadsheet_id), spreadsheet_id)
        existing = {t.title for t in info.tabs}
        gone = [tab for tab in report.written if tab not in existing]
        if not gone:
            raise
        report.gone = gone
        report.written = [tab for tab in report.written if tab in existing]
        data = [d for d in data if range_tab(str(d["range"])) in existing]
        if data:
            with sheets_call(spreadsheet_id, client.service_email):
                raw = client.http.values_batch_update(spreadsheet_id, body={"valueInputOption": "RAW", "data": data})
        else:
            raw = {}
    expect_dict(raw, spreadsheet_id)
    report.api_calls = client.counter.sent - before
    return report
