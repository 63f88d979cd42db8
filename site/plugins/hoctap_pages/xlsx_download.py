"""The downloads' Excel files: XlsxWriter writes the workbook, `sheet_rows` the rows.

Why XlsxWriter in constant-memory mode: it writes each text inline in its cell
(no workbook-wide table of shared strings), so the rows of one year are bytes
that stand on their own and can be spliced into the sheet it made with the
header and columns only (`write_sheets`). The all-years sheet is the years'
blocks of rows in order, and at national scale a rebuild after one unit-year
changed writes one year's block, not fifty thousand rows: each block is kept
in the build's parts folder under a key of what it was made from (the year's
results, its first row, the columns, the code), see `BlockStore`. A block is
kept deflated too (`deflate_piece`), so the all-years sheet is not compressed
again either: its zip member is the kept pieces joined (`workbook_zip`).

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
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
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


def deflate_piece(raw: bytes) -> bytes:
    """`raw` as a piece of a raw deflate stream: compressed on its own (level 6, as zipfile) and ended by a sync
    flush, so pieces joined in order and ended by `_LAST` are one valid stream, as pigz joins its blocks."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(raw) + c.flush(zlib.Z_SYNC_FLUSH)


_LAST = zlib.compressobj(6, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty final block: the pieces' end
_LIMIT = 0xFFFFFFFF  # sizes and offsets beyond 4 GiB need ZIP64, which a download of this site never reaches


@dataclass(frozen=True)
class Member:
    """One file of a zip: its name, its bytes as one raw deflate stream, and the CRC-32 and length of those bytes
    uncompressed."""

    name: str
    deflated: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, name: str, raw: bytes) -> Member:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name, c.compress(raw) + c.flush(zlib.Z_FINISH), zlib.crc32(raw), len(raw))

    @classmethod
    def joined(cls, name: str, head: bytes, blocks: Sequence[Block], tail: bytes) -> Member:
        """`head`, the blocks' rows and `tail` in one stream, each block's piece as it was deflated."""
        crc = zlib.crc32(head)
        for block in blocks:
            crc = zlib.crc32(block.xml, crc)
        pieces = [deflate_piece(head), *(b.deflated for b in blocks), deflate_piece(tail), _LAST]
        return cls(name, b"".join(pieces), zlib.crc32(tail, crc), len(head) + sum(len(b.xml) for b in blocks) + len(tail))


def workbook_zip(members: Sequence[Member], when: datetime) -> bytes:
    """The zip of `members` in order, each deflated, dated `when`, readable by every reader (no data
    descriptors, no extra fields; Unix mode 0644): the layout of the PKWARE application note, section 4.3.

    Written here rather than by `zipfile`, which compresses every member itself: the all-years sheet's member
    is mostly blocks deflated by an earlier build, and compressing its tens of MB again would cost more than
    the rest of a one-unit rebuild's downloads."""
    stamp = max(when, datetime(1980, 1, 1, tzinfo=UTC))  # zip times have no zone: the date's own wall clock
    dos_time = stamp.hour << 11 | stamp.minute << 5 | stamp.second // 2
    dos_date = (stamp.year - 1980) << 9 | stamp.month << 5 | stamp.day
    out = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode("ascii")
        offset = len(out)
        if max(len(m.deflated), m.size, offset) > _LIMIT:
            raise ValueError(f"Tệp {m.name} của bảng tính vượt quá 4 GiB (lỗi chương trình).")
        fields = (8, dos_time, dos_date, m.crc, len(m.deflated), m.size, len(name), 0)  # 8: deflated
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, *fields) + name + m.deflated
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 3 << 8 | 20, 20, 0, *fields, 0, 0, 0, 0o100644 << 16,
                               offset) + name
    if len(out) > _LIMIT:
        raise ValueError("Bảng tính vượt quá 4 GiB (lỗi chương trình).")
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def _members(raw: bytes, when: datetime, sheets: dict[str, tuple[Sheet, Sequence[Block] | None]]) -> list[Member]:
    """The skeleton workbook's files again, its `modified` date fixed and each sheet given its rows: a sheet's
    header and columns (as XlsxWriter wrote them), then its `rows` (or its kept blocks), then the rest."""
    w3c = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = []
    with zipfile.ZipFile(io.BytesIO(raw)) as src:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + w3c + rb"\g<2>", content)
            sheet, blocks = sheets.get(info.filename, (None, None))
            if sheet is None or not (sheet.rows or blocks):
                members.append(Member.of(info.filename, content))
                continue
            ref = f"A1:{xl_rowcol_to_cell(sheet.last, max(len(sheet.headers) - 1, 0))}".encode()
            content = _DIMENSION.sub(b'<dimension ref="' + ref + b'"/>', content, count=1)
            head, tail = content.split(b"</sheetData>", 1)
            tail = b"</sheetData>" + tail
            members.append(Member.joined(info.filename, head, blocks, tail) if blocks
                           else Member.of(info.filename, head + sheet.rows + tail))
    return members


def write_sheets(path: Path, sheets: Sequence[Sheet], when: datetime, blocks: Sequence[Block] | None = None) -> None:
    """A workbook of these sheets: XlsxWriter writes each sheet's header and columns, the rows go in as they are
    (`blocks`: the first sheet's rows as kept blocks, instead of its `rows`)."""
    with tempfile.TemporaryDirectory(prefix="hoctap-xlsx-") as tmp:
        scratch = Path(tmp) / "bang.xlsx"
        wb = xlsxwriter.Workbook(str(scratch), OPTIONS)
        wb.set_properties({"author": "hoctap", "created": when.astimezone(UTC).replace(tzinfo=None)})
        dated = [_skeleton(wb, sheet) for sheet in sheets]
        wb.close()
        if any(sheet.dates and d.xf_index != DATE_STYLE for sheet, d in zip(sheets, dated, strict=True)):
            raise AssertionError("Kiểu ngày của bảng tính không như đã định (lỗi chương trình).")
        given = {f"xl/worksheets/sheet{i}.xml": (sheet, blocks if i == 1 else None)
                 for i, sheet in enumerate(sheets, start=1)}
        path.write_bytes(workbook_zip(_members(scratch.read_bytes(), when, given), when))


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
    deflated: bytes = b""  # `xml` as a deflate piece (`deflate_piece`)

    @classmethod
    def of(cls, xml: bytes, first: int, count: int, kinds: tuple[frozenset[str], ...], csv: bytes = b"",
           csv_types: tuple[str, ...] = ()) -> Block:
        return cls(xml, first, count, kinds, csv, csv_types, deflate_piece(xml))


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
            deflated = (self.folder / f"{key}.deflate").read_bytes()
            found = Block(xml, int(meta["first"]), int(meta["count"]), tuple(frozenset(k) for k in meta["kinds"]), csv,
                          tuple(str(t) for t in meta["csv_types"]), deflated)
            if len(found.csv_types) != len(found.kinds):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return found if _digest(xml, csv, deflated) == meta.get("sha") else None

    def put(self, key: str, found: Block) -> None:
        if self.folder is None:
            return
        self.used.add(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{key}.xml").write_bytes(found.xml)
            (self.folder / f"{key}.csv").write_bytes(found.csv)
            (self.folder / f"{key}.deflate").write_bytes(found.deflated)
            meta = {"first": found.first, "count": found.count, "kinds": [sorted(k) for k in found.kinds],
                    "csv_types": list(found.csv_types), "sha": _digest(found.xml, found.csv, found.deflated)}
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
    """The all-years workbook: the header, then the blocks in order (each made for the row it starts at), joined
    as they were deflated."""
    dates = set().union(*(date_columns(b.kinds) for b in blocks))
    last = blocks[-1].first + blocks[-1].count - 1 if blocks else 0
    write_sheets(path, [Sheet(title, headers, widths, dates, b"", last)], when, blocks)
