"""Pull a Google spreadsheet into the snapshot archive, at a fixed API cost.

A pull is one `spreadsheets.get` (tab titles and sizes only) and one
`values:batchGet` for every tab at once, with `UNFORMATTED_VALUE` (numbers
arrive as JSON numbers whatever the sheet's locale, so a vi_VN "8,5" is 8.5,
not gspread's numericised 85) and `SERIAL_NUMBER` dates. The raw answer is
archived as deterministic JSON before anything interprets it; the
submissions are then read from the archive by the same `read_tab` as the
.xlsx path, so both sources are judged alike and any published figure can be
traced to the exact bytes pulled.

A failed pull raises `SheetsError` before the archive is touched: the last
good snapshot stays the latest one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from intake.errors import IntakeError, SheetsError
from intake.layout import INSTRUCTIONS_TAB, STATUS_LABEL, a1
from intake.sheets_client import BAD_SHAPE, RetryPolicy, SheetsClient, expect_dict, make_sheets_client, sheets_call
from intake.snapshots import Snapshot, SnapshotArchive, origin_of
from intake.tab_reader import cell_value, grid_family, is_blank_grid, read_tab
from scoring.canonical import Submission

KIND = "sheets-json"
METADATA_FIELDS = (
    "spreadsheetId,properties(title,locale,timeZone),"
    "sheets.properties(sheetId,title,index,sheetType,hidden,gridProperties(rowCount,columnCount))"
)
VALUE_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
# Google's front end refuses very long URLs (414); 150 tabs with Vietnamese
# names fit well under this, a national spreadsheet would take a second call.
MAX_URL_CHARS = 14_000
# Every unit tab hoctap lays out (either kind, and tabs made before the kind was marked in A3) has the status
# label in column B of its status row: it tells a unit tab from a tab someone added for their own notes.
STATUS_LABEL_COL = 2


@dataclass(frozen=True)
class TabInfo:
    sheet_id: int
    title: str
    index: int
    rows: int
    cols: int
    hidden: bool = False


@dataclass(frozen=True)
class SpreadsheetInfo:
    spreadsheet_id: str
    title: str
    locale: str
    tabs: tuple[TabInfo, ...]

    def tab(self, title: str) -> TabInfo | None:
        for t in self.tabs:
            if t.title == title:
                return t
        return None


def quote_tab(title: str) -> str:
    """A1 notation's sheet-name quoting: always quoted, inner quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def range_tab(a1_range: str) -> str:
    """The sheet name of an A1 range: `'Sở Y tế!'!A1:Z9` → `Sở Y tế!`, `Tab` → `Tab`.

    A quoted name may hold `!`, `'` (doubled) and spaces, so it is read up to its closing quote,
    never split on the last `!` of the whole string.
    """
    if a1_range.startswith("'"):
        i, out = 1, []
        while i < len(a1_range):
            ch = a1_range[i]
            if ch == "'":
                if a1_range[i + 1:i + 2] == "'":
                    out.append("'")
                    i += 2
                    continue
                return "".join(out)
            out.append(ch)
            i += 1
        return "".join(out)
    return a1_range.split("!", 1)[0]


def parse_metadata(raw: Any, spreadsheet_id: str) -> SpreadsheetInfo:
    """The tabs of a `spreadsheets.get` answer; a wrong shape is the API's fault, said so."""
    data = expect_dict(raw, spreadsheet_id)
    props = expect_dict(data.get("properties", {}), spreadsheet_id)
    sheets = data.get("sheets", [])
    if not isinstance(sheets, list):
        raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.")
    tabs: list[TabInfo] = []
    for sheet in sheets:
        p = expect_dict(expect_dict(sheet, spreadsheet_id).get("properties"), spreadsheet_id)
        if p.get("sheetType", "GRID") != "GRID":
            continue  # charts on their own sheet hold no cells
        grid = expect_dict(p.get("gridProperties", {}), spreadsheet_id)
        title, sheet_id = p.get("title"), p.get("sheetId", 0)
        if not isinstance(title, str) or not isinstance(sheet_id, int):
            raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.")
        tabs.append(
            TabInfo(
                sheet_id=sheet_id,
                title=title,
                index=int(p.get("index", len(tabs))),
                rows=int(grid.get("rowCount", 0)),
                cols=int(grid.get("columnCount", 0)),
                hidden=p.get("hidden") is True,
            )
        )
    tabs.sort(key=lambda t: t.index)
    return SpreadsheetInfo(
        spreadsheet_id=spreadsheet_id,
        title=str(props.get("title") or spreadsheet_id),
        locale=str(props.get("locale") or ""),
        tabs=tuple(tabs),
    )


def read_metadata(client: SheetsClient, spreadsheet_id: str, fields: str = METADATA_FIELDS) -> Any:
    """One `spreadsheets.get`; `fields` keeps the answer small (no cells unless asked for)."""
    params: dict[str, Any] = {"fields": fields}
    if "sheets.data" not in fields and "data(" not in fields:
        params["includeGridData"] = "false"
    with sheets_call(spreadsheet_id, client.service_email):
        return client.http.fetch_sheet_metadata(spreadsheet_id, params=params)


def _chunks(spreadsheet_id: str, ranges: Sequence[str]) -> list[list[str]]:
    """Ranges grouped so each batchGet URL stays under MAX_URL_CHARS (one group in practice)."""
    base = len(f"https://sheets.googleapis.com/v4/spreadsheets/{spreadsheet_id}/values:batchGet?")
    base += len(urlencode(VALUE_PARAMS)) + 1
    groups: list[list[str]] = [[]]
    size = base
    for r in ranges:
        cost = len("ranges=") + len(quote(r, safe="")) + 1
        if groups[-1] and size + cost > MAX_URL_CHARS:
            groups.append([])
            size = base
        groups[-1].append(r)
        size += cost
    return groups


def read_values(client: SheetsClient, info: SpreadsheetInfo) -> dict[str, list[list[Any]]]:
    """Every tab's cells in one `values:batchGet`, as the API sent them (ragged, trailing blanks dropped)."""
    sid = info.spreadsheet_id
    out: dict[str, list[list[Any]]] = {}
    titles = [t.title for t in info.tabs]
    if not titles:
        return out
    for group in _chunks(sid, [quote_tab(t) for t in titles]):
        with sheets_call(sid, client.service_email):
            raw = client.http.values_batch_get(sid, group, params=dict(VALUE_PARAMS))
        data = expect_dict(raw, sid)
        value_ranges = data.get("valueRanges")
        if not isinstance(value_ranges, list) or len(value_ranges) != len(group):
            raise SheetsError(f"Bảng tính {sid}: {BAD_SHAPE} (số vùng dữ liệu trả về không khớp).")
        for requested, vr in zip(group, value_ranges, strict=True):
            vr = expect_dict(vr, sid)
            title = range_tab(requested)
            returned = vr.get("range")
            if isinstance(returned, str) and range_tab(returned) != title:
                raise SheetsError(f"Bảng tính {sid}: {BAD_SHAPE} (vùng «{returned}» không phải trang «{title}»).")
            values = vr.get("values", [])
            if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
                raise SheetsError(f"Bảng tính {sid}: {BAD_SHAPE} (giá trị của trang «{title}»).")
            for row in values:
                for v in row:
                    if not (v is None or isinstance(v, str | int | float | bool)):
                        raise SheetsError(f"Bảng tính {sid}: {BAD_SHAPE} (ô của trang «{title}»).")
            out[title] = values
    return out


def without_private_cells(grid: list[list[Any]]) -> list[list[Any]]:
    """The grid with the reporter's name and contact blanked: they stay in the spreadsheet, never in the archive
    (which is committed to git) or anywhere else hoctap writes."""
    family = grid_family(_pad(grid)) if grid else None
    if family is None:
        return grid
    out = [list(row) for row in grid]
    for f in family.header_fields:
        if not f.private:
            continue
        letters, number = coordinate_from_string(family.header_cell(f.key))
        r, c = number - 1, column_index_from_string(letters) - 1
        if r < len(out) and c < len(out[r]) and out[r][c] not in (None, ""):
            out[r][c] = ""
    return out


def snapshot_document(info: SpreadsheetInfo, values: dict[str, list[list[Any]]]) -> bytes:
    """Deterministic bytes: same sheet content, same hash, so an unchanged pull adds no snapshot.

    Private cells are blanked before archiving; a hidden tab is marked so the reader can refuse it.
    """
    doc = {
        "spreadsheet_id": info.spreadsheet_id,
        "title": info.title,
        "tabs": [{"title": t.title, "values": without_private_cells(values.get(t.title, [])),
                  **({"hidden": True} if t.hidden else {})}
                 for t in info.tabs],
    }
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _pad(values: list[list[Any]]) -> list[list[Any]]:
    """The API drops trailing empty cells: make the grid rectangular, blanks as None."""
    width = max((len(r) for r in values), default=0)
    return [[None if v == "" else v for v in row] + [None] * (width - len(row)) for row in values]


def _document(content: bytes, where: str) -> dict[str, Any]:
    try:
        doc = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise IntakeError(f"Bản lưu {where} không phải JSON hợp lệ.") from None
    tabs = doc.get("tabs") if isinstance(doc, dict) else None
    if not isinstance(tabs, list) or not all(
        isinstance(t, dict) and isinstance(t.get("title"), str) and isinstance(t.get("values"), list) for t in tabs
    ):
        raise IntakeError(f"Bản lưu {where} không đúng cấu trúc của một lần lấy Google Sheets.")
    assert isinstance(doc, dict)
    return doc


def _submissions(doc: dict[str, Any]) -> list[Submission]:
    file = str(doc.get("title") or doc.get("spreadsheet_id") or "Google Sheets")
    out: list[Submission] = []
    for tab in doc["tabs"]:
        sub = read_tab(_pad(tab["values"]), file=file, tab=tab["title"], serial_dates=True, hidden=tab.get("hidden") is True)
        if sub is not None:
            out.append(sub)
    return out


def pull(
    spreadsheet_id: str,
    archive: SnapshotArchive,
    *,
    when: datetime,
    client: SheetsClient | None = None,
    policy: RetryPolicy | None = None,
) -> Snapshot:
    """Read every tab (2 API calls) and archive the answer; the archive is touched only on success."""
    client = client or make_sheets_client(policy)
    info = parse_metadata(read_metadata(client, spreadsheet_id), spreadsheet_id)
    values = read_values(client, info)
    content = snapshot_document(info, values)
    rows = len(_submissions(_document(content, origin_of(spreadsheet_id))))
    return archive.archive(origin_of(spreadsheet_id), KIND, content, rows, when)


def submissions_from_snapshot(archive: SnapshotArchive, snapshot: Snapshot) -> list[Submission]:
    """The submissions a pulled snapshot holds, read by the reader the .xlsx path uses."""
    return _submissions(_document(archive.read(snapshot), snapshot.file))


@dataclass(frozen=True)
class TabStatus:
    """A unit tab's status cell as pulled: where it is (it depends on the kind of tab) and what it said."""

    cell: str
    text: str


def current_statuses(archive: SnapshotArchive, snapshot: Snapshot) -> dict[str, TabStatus]:
    """Tab title → its status cell and the text it showed when pulled, so write-back skips unchanged tabs.

    Every unit tab is listed (an empty status as ""), so write-back knows which
    tabs exist. The instructions tab, blank tabs and tabs hoctap did not lay out
    (no status label beside the status cell: someone's notes, a chart's data)
    have no status cell, so write-back never writes into them.
    """
    doc = _document(archive.read(snapshot), snapshot.file)
    out: dict[str, TabStatus] = {}
    for tab in doc["tabs"]:
        grid = _pad(tab["values"])
        if tab["title"] == INSTRUCTIONS_TAB or is_blank_grid(grid):
            continue
        family = grid_family(grid)
        label = cell_value(grid, a1(family.status_row, STATUS_LABEL_COL))
        if label != STATUS_LABEL:
            continue
        cell = family.status_cell
        value = cell_value(grid, cell)
        out[tab["title"]] = TabStatus(cell, "" if value is None else str(value))
    return out
