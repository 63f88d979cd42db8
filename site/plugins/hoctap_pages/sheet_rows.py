"""A sheet's rows as SpreadsheetML, rendered once and placed in more than one workbook.

Why not XlsxWriter's `write_*` for the rows: it spends some microseconds of Python per
cell, and a national build writes every results row twice (the year's workbook and
the all-years one): millions of cells. Here the XML of each distinct (column, value)
is rendered once, and a year's rows are then placed in the year's sheet and in the
all-years sheet, each time with that sheet's cell references (`place`). XlsxWriter
still writes everything else of the workbook (`xlsx_download`).

The cells are the bytes XlsxWriter writes in constant-memory mode with the options
`xlsx_download.OPTIONS` (tests compare the two), with one deliberate difference:
XlsxWriter writes a text that looks like `<r>…</r>` into the file as raw rich-text
XML, so a submitter's note could break the workbook or add cells; here every text is
escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from scoring.text import neutralise, strip_controls

# Excel's limit for one cell's text.
MAX_TEXT = 32_767
# The style of a date column: XlsxWriter numbers formats in order of use, and every sheet hoctap writes uses the
# bold header first (1), then the date format (2); `xlsx_download` checks it.
DATE_STYLE = 2
_EPOCH = datetime(1899, 12, 31)
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_NEEDS_ESCAPE = re.compile("[&<>]")


@dataclass(frozen=True)
class Rendered:
    """Rows rendered once: per row, (column, the cell's XML after its reference); per column, the kinds of value."""

    cells: list[list[tuple[int, str]]]
    kinds: tuple[frozenset[str], ...]

    @property
    def count(self) -> int:
        return len(self.cells)


def text(value: Any) -> str:
    """What a text cell shows: control characters removed, formula-like text neutralised, cut at Excel's limit."""
    return str(neutralise(strip_controls(str(value))))[:MAX_TEXT]


def date_columns(found: Sequence[frozenset[str]]) -> set[int]:
    """The columns that hold dates: they get the dd/mm/yyyy style."""
    return {i for i, k in enumerate(found) if "date" in k}


def excel_serial(value: date) -> float:
    """Days since Excel's epoch, as XlsxWriter counts them (Excel's 1900 leap day included)."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment - _EPOCH
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400
    if moment.isocalendar() == (1900, 1, 1):
        serial -= 1
    return serial + 1 if serial > 59 else serial


def _control_escaped(value: str) -> str:
    """Control characters as Excel's `_xHHHH_`, and a literal `_xHHHH_` escaped so it stays itself."""
    value = _ESCAPED_ESCAPE.sub(r"_x005F\1", value)
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
    return value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def _number(value: float, style: str) -> str:
    if math.isnan(value):
        return f'{style} t="e"><f>#NUM!</f><v>#NUM!</v></c>'
    if math.isinf(value):
        return f'{style} t="e"><f>{"" if value > 0 else "-"}1/0</f><v>#DIV/0!</v></c>'
    return f"{style}><v>{value:.16G}</v></c>"


def _string(value: str, style: str) -> str:
    value = _control_escaped(value)
    preserve = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    if _NEEDS_ESCAPE.search(value):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'{style} t="inlineStr"><is><t{preserve}>{value}</t></is></c>'


def _cell(value: Any, style: str) -> str:
    """The cell's XML after `<c r="…"`, dispatched on the value's type as `kinds_of` counts it."""
    if isinstance(value, bool):
        return _string("có" if value else "không", style)
    if isinstance(value, int | float):
        return _number(value, style)
    if isinstance(value, date):
        return _number(excel_serial(value), style or f' s="{DATE_STYLE}"')
    return _string(text(value), style)


def kinds_of(rows: Sequence[Sequence[Any]], width: int) -> tuple[frozenset[str], ...]:
    """Per column, the kinds of value it holds ("integer", "number", "date", "string"): what its schema says."""
    found: list[set[str]] = [set() for _ in range(width)]
    for row in rows:
        for i, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, bool):
                found[i].add("string")
            elif isinstance(v, int):
                found[i].add("integer")
            elif isinstance(v, float):
                found[i].add("number")
            elif isinstance(v, date):
                found[i].add("date")
            else:
                found[i].add("string")
    return tuple(frozenset(k) for k in found)


def render(rows: Sequence[Sequence[Any]], width: int) -> Rendered:
    """Every non-empty cell's XML, each distinct value of a column rendered once.

    A cell in a date column takes the column's date style whatever it holds, as XlsxWriter does.
    """
    found = kinds_of(rows, width)
    styles = [f' s="{DATE_STYLE}"' if "date" in k else "" for k in found]
    seen: list[dict[tuple[type, Any], str]] = [{} for _ in range(width)]
    cells: list[list[tuple[int, str]]] = []
    for row in rows:
        out: list[tuple[int, str]] = []
        for i, v in enumerate(row):
            if v is None:
                continue
            # By spelling, not equality: 0.0 and -0.0, or Decimal 9.5 and 9.50, are equal but written differently.
            key = (v.__class__, v if v.__class__ in (str, int, bool) else repr(v))
            xml = seen[i].get(key)
            if xml is None:
                xml = seen[i][key] = _cell(v, styles[i])
            out.append((i, xml))
        cells.append(out)
    return Rendered(cells, found)


def place(rendered: Rendered, first: int, columns: Sequence[int | None] | None = None) -> bytes:
    """The rows as `<sheetData>` holds them from sheet row `first` on (0-based: the header is row 0).

    `columns` maps each rendered column to the sheet's column (None: not in this sheet); without it the
    columns stay where they are. A row with no cell in the sheet is left out, as XlsxWriter leaves it.
    """
    targets = list(range(len(rendered.kinds))) if columns is None else list(columns)
    letters = [None if c is None else xl_col_to_name(c) for c in targets]
    kept = [c for c in targets if c is not None]
    in_order = all(a < b for a, b in pairwise(kept))
    parts: list[str] = []
    for k, cells in enumerate(rendered.cells):
        n = str(first + k + 1)
        if not in_order:  # cells in the sheet's column order
            cells = sorted((c for c in cells if targets[c[0]] is not None), key=lambda c: targets[c[0]] or 0)
        row = "".join(f'<c r="{letters[j]}{n}"{xml}' for j, xml in cells if letters[j] is not None)
        if row:
            parts.append(f'<row r="{n}">{row}</row>')
    return "".join(parts).encode("utf-8")
