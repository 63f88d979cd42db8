"""Lay out (and repair) the shared Google spreadsheet: one tab per unit plus the instructions.

The tabs come from the same `intake.layout` description as the .xlsx
template, translated here into `spreadsheets:batchUpdate` requests: values
and formulas (`updateCells`, i.e. USER_ENTERED semantics), formatting,
merges, input checks (`setDataValidation`), column widths, grid size and
protected ranges.

Set-up is a reconciliation, so running it again is safe and cheap: one
`spreadsheets.get` reads the whole current state (tab sizes, merges,
protected ranges, and each cell's entered value, format and check); the
plan compares it with the layout and asks only for what differs, in one
`spreadsheets:batchUpdate` (split only if the body would pass
`MAX_BATCH_BYTES`), and in none when nothing differs. A value in an input
cell is never written, whatever the plan, so nothing an agency typed is lost;
the status cell is written only while it is empty (write-back owns it).

We read with one `spreadsheets.get` carrying grid data rather than the
pull's metadata + `values:batchGet`: a values read cannot tell a formula
from its result, nor see checks, formats or protection, and those are what a
repair must compare.

Protection, as Sheets expresses it: the sheet is protected with every input
range listed as an `unprotectedRange` (so the sheet protection does not also
cover them; overlapping protections would lock the inputs for everybody but
the owner), and each input range carries its own protected range whose
`editors.users` are that unit's editors (or the reviewing body's). Each
protected range hoctap makes is tagged in its description with a key and a
digest of what it should be, so a later run recognises its own ranges,
updates the ones whose editors changed and leaves other people's alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from intake.errors import IntakeError, SheetsError
from intake.layout import INSTRUCTIONS_TAB, TabLayout
from intake.sheets_client import BAD_SHAPE, RetryPolicy, SheetsClient, expect_dict, make_sheets_client, sheets_call
from intake.sheets_editors import Editors
from intake.sheets_plan import Request, new_sheet_id, plan_tab
from intake.sheets_spec import TabSpec, instructions_spec, unit_spec
from intake.sheets_state import parse_state

SETUP_FIELDS = (
    "spreadsheetId,properties(title,locale),"
    "sheets(properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount)),"
    "merges,protectedRanges,"
    "data(startRow,startColumn,rowData.values(userEnteredValue,userEnteredFormat,dataValidation),"
    "columnMetadata.pixelSize,rowMetadata.pixelSize))"
)
MAX_BATCH_BYTES = 2_000_000  # the payload Google recommends as the most for one request


@dataclass
class SetupReport:
    spreadsheet_id: str
    added_tabs: list[str] = field(default_factory=list)
    repaired_tabs: list[str] = field(default_factory=list)
    api_calls: int = 0
    requests: int = 0
    batch_updates: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.added_tabs and not self.repaired_tabs:
            head = f"Bảng tính {self.spreadsheet_id} đã đúng bố cục, không cần sửa gì"
        else:
            head = (
                f"Bảng tính {self.spreadsheet_id}: thêm {len(self.added_tabs)} trang, "
                f"sửa {len(self.repaired_tabs)} trang ({self.requests} thay đổi trong "
                f"{self.batch_updates} lệnh cập nhật)"
            )
        lines = [f"{head}; {self.api_calls} lệnh gọi API."]
        if self.repaired_tabs:
            lines.append("Trang đã sửa: " + ", ".join(self.repaired_tabs) + ".")
        lines += [f"Lưu ý: {w}" for w in self.warnings]
        return "\n".join(lines)


def desired_tabs(
    layouts: Sequence[TabLayout], instructions: Sequence[str], editors: Editors
) -> tuple[list[TabSpec], list[str]]:
    """The instructions tab then one tab per unit layout, in the order given; plus warnings about editors."""
    specs = [instructions_spec(instructions)]
    seen: dict[str, str] = {}
    warnings: list[str] = []
    for layout in layouts:
        if layout.title.casefold() in seen or layout.title.casefold() == INSTRUCTIONS_TAB.casefold():
            raise IntakeError(
                f"Hai đơn vị {seen.get(layout.title.casefold(), '?')} và {layout.unit_id} có cùng tên trang «{layout.title}» "
                "(Google không phân biệt chữ hoa, chữ thường): "
                "hãy sửa tên viết tắt (short_name) trong danh mục đơn vị."
            )
        seen[layout.title.casefold()] = layout.unit_id
        specs.append(unit_spec(layout, editors))
    active = {layout.unit_id for layout in layouts}
    no_editor = [layout.unit_id for layout in layouts if not editors.unit(layout.unit_id)]
    if no_editor:
        warnings.append(
            f"{len(no_editor)} đơn vị chưa có người nhập liệu trong tệp editors.csv (chỉ chủ bảng tính sửa được): "
            + ", ".join(no_editor) + "."
        )
    unknown = sorted((set(editors.by_unit) | set(editors.reviewers_by_unit)) - active)
    if unknown:
        warnings.append(f"editors.csv có mã đơn vị không có trang trong bảng tính năm này: {', '.join(unknown)}.")
    return specs, warnings


def _batches(groups: Iterable[list[Request]]) -> list[list[Request]]:
    """Whole tabs per batch (a tab's requests refer to each other), under MAX_BATCH_BYTES."""
    batches: list[list[Request]] = [[]]
    size = 0
    for group in groups:
        # Measured as sent: requests serialises `json=` with json.dumps' defaults, so every Vietnamese letter
        # travels as a six-byte \uXXXX escape.
        cost = len(json.dumps(group).encode("utf-8"))
        if batches[-1] and size + cost > MAX_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].extend(group)
        size += cost
    return [b for b in batches if b]


def setup_spreadsheet(
    spreadsheet_id: str,
    specs: Sequence[TabSpec],
    *,
    warnings: Sequence[str] = (),
    client: SheetsClient | None = None,
    policy: RetryPolicy | None = None,
) -> SetupReport:
    """Bring the spreadsheet to the desired tabs: one read, then at most one write in practice."""
    client = client or make_sheets_client(policy)
    report = SetupReport(spreadsheet_id, warnings=list(warnings))
    start = client.counter.sent
    with sheets_call(spreadsheet_id, client.service_email):
        raw = client.http.fetch_sheet_metadata(
            spreadsheet_id, params={"includeGridData": "true", "fields": SETUP_FIELDS}
        )
    locale, observed = parse_state(raw, spreadsheet_id)
    by_title = {o.title.casefold(): o for o in observed}  # Google matches sheet names case-insensitively
    taken = {o.sheet_id for o in observed}
    groups: list[list[Request]] = []
    n_existing = len(observed)
    for spec in specs:
        obs = by_title.get(spec.title.casefold())
        if obs is None:
            sheet_id = new_sheet_id(spec.title, taken)
            index = 0 if spec.title == INSTRUCTIONS_TAB else n_existing + len(report.added_tabs)
            requests = plan_tab(spec, None, sheet_id, locale, index)
            report.added_tabs.append(spec.title)
        else:
            requests = plan_tab(spec, obs, obs.sheet_id, locale, None)
            if requests:
                report.repaired_tabs.append(spec.title)
        if requests:
            groups.append(requests)
    for batch in _batches(groups):
        with sheets_call(spreadsheet_id, client.service_email):
            reply = client.http.batch_update(spreadsheet_id, {"requests": batch})
        if not isinstance(expect_dict(reply, spreadsheet_id).get("replies", []), list):
            raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.")
        report.batch_updates += 1
        report.requests += len(batch)
    report.api_calls = client.counter.sent - start
    return report
