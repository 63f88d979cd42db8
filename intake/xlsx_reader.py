"""The agency workbook (.xlsx) into submissions, one per unit tab.

Cells are read as values (a formula typed into a points cell counts by its
cached result, as the Sheets API's UNFORMATTED_VALUE would give it), then
handed to `intake.tab_reader`, the same code the Google pull uses.
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from intake.errors import IntakeError
from intake.tab_reader import read_tab
from scoring.canonical import Submission


def read_workbook(content: bytes, name: str) -> list[Submission]:
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise IntakeError(f"{name}: không mở được tệp Excel ({exc}).") from exc
    subs = []
    try:
        for ws in wb.worksheets:
            grid = [list(row) for row in ws.iter_rows(values_only=True)]
            sub = read_tab(grid, name, ws.title)
            if sub is not None:
                subs.append(sub)
    finally:
        wb.close()
    return subs
