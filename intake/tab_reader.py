"""Read one agency tab, given as a grid of cell values, into a `Submission`.

The grid comes from openpyxl (.xlsx) or from `values:batchGet` (Google); both
go through this one function, so the two paths cannot drift apart. The
marker in A3 says which kind of tab it is (points or levels); indicator rows
are found by the id in column A, not by a fixed row, so a tab laid out for
another rubric still reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from intake.layout import INDICATOR_ID, INSTRUCTIONS_TAB, MARKER_CELL, Family, a1
from intake.tab_layouts import family_of
from scoring.canonical import Place, RawCell, Submission

Grid = Sequence[Sequence[Any]]
SHEETS_EPOCH = datetime(1899, 12, 30)


def serial_to_datetime(serial: float) -> datetime:
    """Sheets' SERIAL_NUMBER dates count days from 1899-12-30."""
    return SHEETS_EPOCH + timedelta(days=float(serial))


def _get(grid: Grid, row: int, col: int) -> Any:
    """1-based access; the API drops trailing empty rows and cells, so missing means blank."""
    if row - 1 >= len(grid):
        return None
    line = grid[row - 1]
    if col - 1 >= len(line):
        return None
    value = line[col - 1]
    return None if value == "" else value


def cell_value(grid: Grid, address: str) -> Any:
    letters, row = coordinate_from_string(address)
    return _get(grid, row, column_index_from_string(letters))


def is_blank_grid(grid: Grid) -> bool:
    return all(v in (None, "") for line in grid for v in line)


def grid_family(grid: Grid) -> Family:
    return family_of(cell_value(grid, MARKER_CELL))


def read_tab(grid: Grid, file: str, tab: str, *, serial_dates: bool = False, hidden: bool = False,
             beyond: str | None = None) -> Submission | None:
    """The submission a tab holds; None for the instructions tab and for empty tabs.

    `serial_dates`: the grid came from the Sheets API with SERIAL_NUMBER dates,
    so a number in a date field is a day count, converted here. A `hidden` tab, a
    tab with cells far outside the layout (`beyond`: the farthest cell) and an
    indicator row typed twice are read, then rejected with their reason: they are
    what someone left behind, and scoring them would be a guess.
    """
    if tab == INSTRUCTIONS_TAB or is_blank_grid(grid):
        return None
    family = grid_family(grid)
    origin = Place(file, tab)

    def cell(address: str) -> RawCell:
        return RawCell(cell_value(grid, address), origin.at(cell=address))

    fields: dict[str, RawCell] = {}
    for f in family.header_fields:
        if f.private:
            continue  # the reporter's name and contact: never read, so never scored, archived or published
        raw = cell(family.header_cell(f.key))
        if f.kind == "date" and serial_dates and isinstance(raw.value, int | float) and not isinstance(raw.value, bool):
            raw = RawCell(serial_to_datetime(raw.value), raw.place)
        fields[f.key] = raw

    sub = Submission(origin=origin, unit=fields.pop("ma_don_vi"), year=fields.pop("nam"), fields=fields)
    reviewer = sub.verified if family.reviewer == "verified" else sub.council
    rows_of: dict[str, int] = {}
    for row in range(family.table_header_row + 1, len(grid) + 1):
        ident = _get(grid, row, 1)
        if ident is None:
            continue
        ident = str(ident).strip()
        if not INDICATOR_ID.match(ident):
            continue
        if ident in rows_of:
            sub.reader_problems.append(("dong-trung", origin.at(cell=a1(row, 1)),
                                        {"indicator": ident, "first": a1(rows_of[ident], 1)}))
            continue
        rows_of[ident] = row
        sub.indicators[ident] = RawCell(_get(grid, row, family.col_value), origin.at(cell=a1(row, family.col_value)))
        reviewer[ident] = RawCell(_get(grid, row, family.col_reviewer), origin.at(cell=a1(row, family.col_reviewer)))
        sub.evidence[ident] = RawCell(_get(grid, row, family.col_evidence), origin.at(cell=a1(row, family.col_evidence)))
    if _untouched(sub, family):
        return None
    if hidden:
        sub.reader_problems.append(("trang-an", origin, {}))
    if beyond is not None:
        sub.reader_problems.append(("vung-qua-lon", origin.at(cell=beyond), {}))
    return sub


def _untouched(sub: Submission, family: Family) -> bool:
    """A tab nobody has typed in yet is "not submitted", which the status page shows, not a rejection."""
    inputs = {f.key for f in family.header_fields if f.editor is not None}
    typed = [c.value for k, c in sub.fields.items() if k in inputs and not _fixed_text(c.value)]
    typed += [c.value for c in (*sub.indicators.values(), *sub.verified.values(), *sub.council.values(),
                                *sub.evidence.values())]
    return bool(sub.unit.value) and all(v is None or (isinstance(v, str) and not v.strip()) for v in typed)


def _fixed_text(value: Any) -> bool:
    """"Không áp dụng (…)": a header cell hoctap wrote for a unit that has no such figure."""
    return isinstance(value, str) and value.startswith("Không áp dụng")


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
