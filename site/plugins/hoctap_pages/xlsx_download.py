"""The downloads' Excel files, written by XlsxWriter in constant-memory mode.

Why XlsxWriter, and in that mode: it streams rows to disk and writes each text
inline in its cell (no workbook-wide table of shared strings), so the rows of
one year are bytes that stand on their own. The all-years sheet is the years'
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
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from scoring.text import neutralise, strip_controls

# Excel's limit for one cell's text.
MAX_TEXT = 32_767
OPTIONS = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
           "strings_to_urls": False, "nan_inf_to_errors": True}
SHEET_XML = "xl/worksheets/sheet1.xml"
_ROWS = re.compile(rb"<sheetData>(.*)</sheetData>", re.S)
_HEADER_ROW = re.compile(rb'<row r="1"[ >].*?</row>', re.S)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@dataclass(frozen=True)
class Table:
    """One sheet: its title, header, column widths and rows of plain values (text, numbers, dates, booleans)."""

    title: str
    headers: Sequence[str]
    widths: Sequence[int]
    rows: Sequence[Sequence[Any]]

    @cached_property
    def kinds(self) -> list[frozenset[str]]:
        return kinds(self.rows, len(self.headers))


def kinds(rows: Sequence[Sequence[Any]], width: int) -> list[frozenset[str]]:
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
    return [frozenset(k) for k in found]


def date_columns(found: Sequence[frozenset[str]]) -> set[int]:
    """The columns that hold dates: they get the dd/mm/yyyy style."""
    return {i for i, k in enumerate(found) if "date" in k}


def field_type(kinds: frozenset[str]) -> str:
    """The Table Schema type of a column holding these kinds of value."""
    if not kinds or "string" in kinds:
        return "string"
    if kinds <= {"integer"}:
        return "integer"
    if kinds <= {"integer", "number"}:
        return "number"
    return "date" if kinds == {"date"} else "string"


def _text(value: Any) -> str:
    return str(neutralise(strip_controls(str(value))))[:MAX_TEXT]


class _Sheet:
    """A worksheet laid out the same way in every workbook, so its cells' style numbers mean the same everywhere:
    the header (bold: style 1) is written first, then the columns (dates: style 2)."""

    def __init__(self, wb: Any, title: str, headers: Sequence[str], widths: Sequence[int], dates: set[int]) -> None:
        self.bold = wb.add_format({"bold": True})
        self.date = wb.add_format({"num_format": "DD/MM/YYYY"})
        self.ws = ws = wb.add_worksheet(title)
        ws.freeze_panes(1, 0)
        for i, header in enumerate(headers):
            ws.write_string(0, i, _text(header), self.bold)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width, self.date if i in dates else None)

    def rows(self, rows: Sequence[Sequence[Any]], first: int) -> None:
        ws, date_format = self.ws, self.date
        write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
        for r, values in enumerate(rows, start=first):
            for c, v in enumerate(values):
                if v is None:
                    continue
                if isinstance(v, bool):
                    write_string(r, c, "có" if v else "không")
                elif isinstance(v, int | float):
                    write_number(r, c, v)
                elif isinstance(v, date):
                    write_datetime(r, c, v if isinstance(v, datetime) else datetime(v.year, v.month, v.day), date_format)
                else:
                    write_string(r, c, _text(v))


def _workbook(path: Path, when: datetime) -> Any:
    wb = xlsxwriter.Workbook(str(path), OPTIONS)
    wb.set_properties({"author": "hoctap", "created": when.astimezone(UTC).replace(tzinfo=None)})
    return wb


def _reproducible(raw: bytes, when: datetime, patch: Callable[[str, bytes], bytes] | None = None) -> bytes:
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
            if patch is not None:
                content = patch(info.filename, content)
            dst.writestr(fixed, content)
    return out.getvalue()


def write_tables(path: Path, tables: Sequence[Table], when: datetime) -> None:
    """A workbook of one sheet per table."""
    with tempfile.TemporaryDirectory(prefix="hoctap-xlsx-") as tmp:
        scratch = Path(tmp) / "bang.xlsx"
        wb = _workbook(scratch, when)
        for table in tables:
            _Sheet(wb, table.title, table.headers, table.widths, date_columns(table.kinds)).rows(table.rows, 1)
        wb.close()
        path.write_bytes(_reproducible(scratch.read_bytes(), when))


@dataclass(frozen=True)
class Block:
    """One year's rows of the all-years files: sheet XML from row `first` on, the kinds of its values, and the
    same rows as CSV lines (codes, not labels)."""

    xml: bytes
    first: int
    count: int
    kinds: tuple[frozenset[str], ...]
    csv: bytes = b""


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
            found = Block(xml, int(meta["first"]), int(meta["count"]), tuple(frozenset(k) for k in meta["kinds"]), csv)
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
                    "sha": _digest(found.xml, found.csv)}
            (self.folder / f"{key}.json").write_text(json.dumps(meta), encoding="utf-8")
        except OSError:
            pass  # only the next build is slower

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def block(headers: Sequence[str], widths: Sequence[int], rows: Sequence[Sequence[Any]], first: int,
          when: datetime, csv: bytes = b"") -> Block:
    """The rows as the all-years sheet has them, starting at sheet row `first` (0-based; the header is row 0),
    with their CSV lines."""
    found = tuple(kinds(rows, len(headers)))
    dates = date_columns(found)
    with tempfile.TemporaryDirectory(prefix="hoctap-xlsx-") as tmp:
        scratch = Path(tmp) / "khoi.xlsx"
        wb = _workbook(scratch, when)
        sheet = _Sheet(wb, "Tất cả các năm", headers, widths, dates)
        sheet.rows(rows, first)
        wb.close()
        with zipfile.ZipFile(scratch) as z:
            xml = z.read(SHEET_XML)
    data = _ROWS.search(xml)
    body = data.group(1) if data else b""
    return Block(_HEADER_ROW.sub(b"", body, count=1), first, len(rows), found, csv)


def write_blocks(path: Path, title: str, headers: Sequence[str], widths: Sequence[int], blocks: Sequence[Block],
                 when: datetime) -> None:
    """The all-years workbook: the header, then the blocks in order (each made for the row it starts at)."""
    dates = set().union(*(date_columns(b.kinds) for b in blocks))
    last = blocks[-1].first + blocks[-1].count - 1 if blocks else 0
    ref = f"A1:{xl_rowcol_to_cell(max(last, 0), max(len(headers) - 1, 0))}".encode()

    def splice(name: str, content: bytes) -> bytes:
        if name != SHEET_XML:
            return content
        content = _DIMENSION.sub(b'<dimension ref="' + ref + b'"/>', content, count=1)
        return content.replace(b"</sheetData>", b"".join(b.xml for b in blocks) + b"</sheetData>", 1)

    with tempfile.TemporaryDirectory(prefix="hoctap-xlsx-") as tmp:
        scratch = Path(tmp) / "tat-ca.xlsx"
        wb = _workbook(scratch, when)
        _Sheet(wb, title, headers, widths, dates)
        wb.close()
        path.write_bytes(_reproducible(scratch.read_bytes(), when, splice))
