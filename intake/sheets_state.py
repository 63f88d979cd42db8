"""What a spreadsheet's tabs are now, read from one `spreadsheets.get` with grid data.

Set-up compares this observed state with `intake.sheets_spec` and asks only
for what differs. A wrong shape is the API's fault, said so in one message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from intake.errors import SheetsError
from intake.sheets_client import BAD_SHAPE, expect_dict
from intake.sheets_spec import Box


@dataclass
class Observed:
    sheet_id: int
    title: str
    rows: int
    cols: int
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (row, col) 1-based
    merges: set[Box] = field(default_factory=set)
    protected: list[dict[str, Any]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)
    heights: dict[int, int] = field(default_factory=dict)

    def cell(self, row: int, col: int) -> dict[str, Any]:
        return self.cells.get((row, col), {})


def _grid_box(rng: dict[str, Any], rows: int, cols: int) -> Box:
    return (
        int(rng.get("startRowIndex", 0)), int(rng.get("endRowIndex", rows)),
        int(rng.get("startColumnIndex", 0)), int(rng.get("endColumnIndex", cols)),
    )


def parse_state(raw: Any, spreadsheet_id: str) -> tuple[str, list[Observed]]:
    """The locale and every grid tab of a `spreadsheets.get` with grid data."""
    data = expect_dict(raw, spreadsheet_id)
    props = expect_dict(data.get("properties", {}), spreadsheet_id)
    sheets = data.get("sheets", [])
    if not isinstance(sheets, list):
        raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.")
    out: list[Observed] = []
    try:
        for sheet in sheets:
            p = sheet["properties"]
            if p.get("sheetType", "GRID") != "GRID":
                continue
            grid = p.get("gridProperties", {})
            obs = Observed(int(p["sheetId"]), str(p["title"]), int(grid.get("rowCount", 0)),
                           int(grid.get("columnCount", 0)))
            for m in sheet.get("merges", []):
                obs.merges.add(_grid_box(m, obs.rows, obs.cols))
            obs.protected = [dict(pr) for pr in sheet.get("protectedRanges", [])]
            for gd in sheet.get("data", []):
                r0, c0 = int(gd.get("startRow", 0)), int(gd.get("startColumn", 0))
                for i, row in enumerate(gd.get("rowData", [])):
                    for j, value in enumerate(row.get("values", [])):
                        if value:
                            obs.cells[(r0 + i + 1, c0 + j + 1)] = dict(value)
                for j, meta in enumerate(gd.get("columnMetadata", [])):
                    if "pixelSize" in meta:
                        obs.widths[c0 + j + 1] = int(meta["pixelSize"])
                for i, meta in enumerate(gd.get("rowMetadata", [])):
                    if "pixelSize" in meta:
                        obs.heights[r0 + i + 1] = int(meta["pixelSize"])
            out.append(obs)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.") from None
    return str(props.get("locale") or ""), out
