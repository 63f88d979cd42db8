"""The downloads' Excel files: XlsxWriter writes the workbook, `sheet_rows` the rows.

Why XlsxWriter in constant-memory mode: it writes each text inline in its cell
(no workbook-wide table of shared strings), so the rows of one year are bytes
that stand on their own and can be spliced into the sheet it made with the
header and columns only (`write_sheets`). The all-years sheet is the years'
blocks of rows in order, and at national scale a rebuild after one unit-year
changed writes one year's block, not fifty thousand rows: each block is kept
in the build's parts folder under a key of what it was made from (the year's
results, its first row, the columns, the code), see `BlockStore`.

What every sheet has: a bold frozen header, column widths, real numbers, dates
shown dd/mm/yyyy, text with control characters removed and formula-like text
neutralised with a leading `'` (`scoring.text.neutralise`), and a fixed date
(the results' day, never the clock) in the document and in the zip, so the
same results give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from .sheet_rows import DATE_STYLE, date_columns, place, render, text

OPTIONS = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
           "strings_to_urls": False, "nan_inf_to_errors": True}
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title, header and column widths, which columns hold dates, and its rows as
    `sheet_rows.place` wrote them, the last at sheet row `last` (0-based; 0 when there is only the header)."""

    title: str
    headers: Sequence[str]
    widths: Sequence[int]
    dates: set[int]
    rows: bytes
    last: int


@dataclass(frozen=True)
class Table:
    """A small sheet of plain values (text, numbers, dates, booleans), rendered where it is written."""

    title: str
    headers: Sequence[str]
    widths: Sequence[int]
    rows: Sequence[Sequence[Any]]

    def sheet(self) -> Sheet:
        rendered = render(self.rows, len(self.headers))
        return Sheet(self.title, self.headers, self.widths, date_columns(rendered.kinds), place(rendered, 1),
                     rendered.count)


def field_type(kinds: frozenset[str]) -> str:
    """The Table Schema type of a column holding these kinds of value."""
    if not kinds or "string" in kinds:
        return "string"
    if kinds <= {"integer"}:
        return "integer"
    if kinds <= {"integer", "number"}:
        return "number"
    return "date" if kinds == {"date"} else "string"


def _skeleton(wb: Any, sheet: Sheet) -> Any:
    """The sheet's frozen bold header and its columns (dates: `DATE_STYLE`), written by XlsxWriter."""
    bold = wb.add_format({"bold": True})
    dated = wb.add_format({"num_format": "DD/MM/YYYY"})
    ws = wb.add_worksheet(sheet.title)
    ws.freeze_panes(1, 0)
    for i, header in enumerate(sheet.headers):
        ws.write_string(0, i, text(header), bold)
    for i, width in enumerate(sheet.widths):
        ws.set_column(i, i, width, dated if i in sheet.dates else None)
    return dated


def _reproducible(raw: bytes, when: datetime, patch: Callable[[str, bytes], bytes]) -> bytes:
    """The zip again with fixed entry times, a fixed `modified` date and (`patch`) changed members."""
    stamp = max(when, datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    w3c = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + w3c + rb"\g<2>", content)
            dst.writestr(fixed, patch(info.filename, content))
    return out.getvalue()


def write_sheets(path: Path, sheets: Sequence[Sheet], when: datetime) -> None:
    """A workbook of these sheets: XlsxWriter writes each sheet's header and columns, the rows go in as they are."""
    with tempfile.TemporaryDirectory(prefix="hoctap-xlsx-") as tmp:
        scratch = Path(tmp) / "bang.xlsx"
        wb = xlsxwriter.Workbook(str(scratch), OPTIONS)
        wb.set_properties({"author": "hoctap", "created": when.astimezone(UTC).replace(tzinfo=None)})
        dated = [_skeleton(wb, sheet) for sheet in sheets]
        wb.close()
        if any(sheet.dates and d.xf_index != DATE_STYLE for sheet, d in zip(sheets, dated, strict=True)):
            raise AssertionError("Kiểu ngày của bảng tính không như đã định (lỗi chương trình).")
        members = {f"xl/worksheets/sheet{i}.xml": sheet for i, sheet in enumerate(sheets, start=1)}

        def splice(name: str, content: bytes) -> bytes:
            sheet = members.get(name)
            if sheet is None or not sheet.rows:
                return content
            ref = f"A1:{xl_rowcol_to_cell(sheet.last, max(len(sheet.headers) - 1, 0))}".encode()
            content = _DIMENSION.sub(b'<dimension ref="' + ref + b'"/>', content, count=1)
            return content.replace(b"</sheetData>", sheet.rows + b"</sheetData>", 1)

        path.write_bytes(_reproducible(scratch.read_bytes(), when, splice))


@dataclass(frozen=True)
class Block:
    """One year's rows of the all-years files: sheet XML from row `first` on, the kinds of its values, and the
    same rows as CSV lines (codes, not labels)."""

    xml: bytes
    first: int
    count: int
    kinds: tuple[frozenset[str], ...]
    csv: bytes = b""
    csv_types: tuple[str, ...] = ()  # each CSV column's Table Schema type, "" when empty (`downloads.csv_types`)


def _digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


class BlockStore:
    """Blocks kept from one build to the next in a folder of the project's state (never published), by key.

    Without a folder (plain `pelican`) every block is made again; a full build (`read` False) makes every
    block again and keeps them for the next build. A block that cannot be read is made again; `prune`
    removes the blocks this build did not use.
    """

    def __init__(self, folder: Path | None, *, read: bool = True) -> None:
        self.folder = folder
        self.read = read
        self.used: set[str] = set()

    def get(self, key: str) -> Block | None:
        if self.folder is None or not self.read:
            return None
        self.used.add(key)
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            xml = (self.folder / f"{key}.xml").read_bytes()
            csv = (self.folder / f"{key}.csv").read_bytes()
            found = Block(xml, int(meta["first"]), int(meta["count"]), tuple(frozenset(k) for k in meta["kinds"]), csv,
                          tuple(str(t) for t in meta["csv_types"]))
            if len(found.csv_types) != len(found.kinds):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return found if _digest(xml, csv) == meta.get("sha") else None

    def put(self, key: str, found: Block) -> None:
        if self.folder is None:
            return
        self.used.add(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{key}.xml").write_bytes(found.xml)
            (self.folder / f"{key}.csv").write_bytes(found.csv)
            meta = {"first": found.first, "count": found.count, "kinds": [sorted(k) for k in found.kinds],
                    "csv_types": list(found.csv_types), "sha": _digest(found.xml, found.csv)}
            (self.folder / f"{key}.json").write_text(json.dumps(meta), encoding="utf-8")
        except OSError:
            pass  # only the next build is slower

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def write_blocks(path: Path, title: str, headers: Sequence[str], widths: Sequence[int], blocks: Sequence[Block],
                 when: datetime) -> None:
    """The all-years workbook: the header, then the blocks in order (each made for the row it starts at)."""
    dates = set().union(*(date_columns(b.kinds) for b in blocks))
    last = blocks[-1].first + blocks[-1].count - 1 if blocks else 0
    write_sheets(path, [Sheet(title, headers, widths, dates, b"".join(b.xml for b in blocks), last)], when)
