"""The agency workbook (.xlsx) into submissions, one per unit tab.

Cells are read as values (a formula typed into a points cell counts by its
cached result, as the Sheets API's UNFORMATTED_VALUE would give it), then
handed to `intake.tab_reader`, the same code the Google pull uses.

A workbook is untrusted input. Its XML is parsed by openpyxl through
defusedxml (entity bombs and external entities are refused); every tab the
workbook lists must exist in the file, or the file is refused naming the tab;
each tab is read only within the layout's bounds, so one cell at XFD1048576
costs nothing (the tab is then rejected, naming that cell); and whatever the
parsers raise on a damaged file becomes one message naming the file.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Any

import defusedxml.ElementTree as SafeET
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from intake.errors import IntakeError
from intake.tab_reader import read_tab
from scoring.canonical import Submission

MAX_ROWS = 400  # the longest layout has under 60 rows
MAX_COLS = 26  # and 10 columns
MAX_MEMBER_BYTES = 50_000_000  # an uncompressed part larger than this is a zip bomb, not an agency's tab
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _check_parts(archive: zipfile.ZipFile, name: str) -> None:
    """Every sheet the workbook lists is present, and no part would inflate beyond reason."""
    names = set(archive.namelist())
    for info in archive.infolist():
        if info.file_size > MAX_MEMBER_BYTES:
            raise IntakeError(f"{name}: phần «{info.filename}» của tệp Excel lớn bất thường; tệp bị từ chối.")
    try:
        book = SafeET.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        raise IntakeError(f"{name}: không phải tệp Excel .xlsx (thiếu xl/workbook.xml).") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", NS)}
    for sheet in book.findall("m:sheets/m:sheet", NS):
        target = targets.get(sheet.get(f"{{{NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if path not in names:
            raise IntakeError(f"{name}: tệp Excel thiếu nội dung của trang «{sheet.get('name')}»; hãy lưu lại tệp rồi gửi lại.")


def _far_cell(ws: Any) -> str | None:
    """The farthest cell the tab declares when it lies outside the bounds read, else None."""
    rows, cols = ws.max_row or 0, ws.max_column or 0
    if rows <= MAX_ROWS and cols <= MAX_COLS:
        return None
    return f"{get_column_letter(max(cols, 1))}{max(rows, 1)}"


def read_workbook(content: bytes, name: str) -> list[Submission]:
    tab = None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_parts(archive, name)
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        subs = []
        try:
            for ws in wb.worksheets:
                tab = ws.title
                grid = [list(row) for row in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS, values_only=True)]
                hidden = ws.sheet_state in ("hidden", "veryHidden")
                sub = read_tab(grid, name, ws.title, hidden=hidden, beyond=_far_cell(ws))
                if sub is not None:
                    subs.append(sub)
        finally:
            wb.close()
        return subs
    except IntakeError:
        raise
    except zipfile.BadZipFile:
        raise IntakeError(f"{name}: không mở được tệp Excel (không phải tệp .xlsx hoặc tệp đã hỏng).") from None
    except Exception as exc:  # an untrusted file: whatever a parser raises on it is the file's fault
        where = f", trang «{tab}»" if tab else ""
        raise IntakeError(f"{name}{where}: tệp Excel bị hỏng, không đọc được ({type(exc).__name__}).") from None
