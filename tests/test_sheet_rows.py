"""The downloads' rows are rendered by `sheet_rows`, not by XlsxWriter's `write_*`: the same bytes, but escaped.

The reference is XlsxWriter itself, writing the same values through its public
API with the workbook options the downloads use: every kind of value the
downloads hold and the edge cases of each (Excel's 1900 leap day, text with
surrounding spaces, `_x0041_`, a 40,000-character text, NaN and infinities, a
text in a date column) must give the very same `<sheetData>`. The one
deliberate difference, a text shaped like XlsxWriter's raw rich text, is pinned
separately: openpyxl must read it back as the text typed.
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl import load_workbook
from support import ROOT_REPO

sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
from hoctap_pages.sheet_rows import date_columns, kinds_of, place, render, text
from hoctap_pages.xlsx_download import OPTIONS, Block, Sheet, Table, write_blocks, write_sheets

WHEN = datetime(2026, 1, 31, tzinfo=UTC)
EDGE_ROWS: list[list[Any]] = [
    ["Sở Giáo dục và Đào tạo", 1, 8.5, date(2025, 1, 31), True, None, "  hai khoảng trắng ", "a & b <c> d"],
    ["_x0041_ đã là mã", -7, 0.1, date(1900, 1, 1), False, "", "\tthụt đầu", "dòng một\ndòng hai"],
    ["=HYPERLINK(\"x\")", 2**53 + 1, 1e-7, date(1900, 2, 28), Decimal("9.50"), "x", "+84 912", "@SUM(A1)"],
    ["😀" * 10, 10**20, 1e20, date(1900, 3, 1), None, None, "\ufffe\uffff", "-5"],
    ["đ" * 40_000, 0, float("nan"), datetime(2025, 12, 31, 13, 30), "chuỗi trong cột ngày", 3, None, "'"],
    ["", 5, float("inf"), "không phải ngày", None, None, None, None],
    [None, None, float("-inf"), None, None, None, None, None],
    # Equal values spelled differently in one column: 0.0 and -0.0, Decimal 9.50 (above) and 9.5.
    ["abc\r", 4, 0.0, None, Decimal("9.5"), "\r trước", None, "_x000D_\r"],
    ["abc", 4, -0.0, None, None, None, None, None],
]


def _reference_sheet_data(path: Path, rows: Sequence[Sequence[Any]], width: int, first: int) -> bytes:
    """What XlsxWriter writes for these rows (from sheet row `first` on) through its public API."""
    wb = xlsxwriter.Workbook(str(path), OPTIONS)
    bold = wb.add_format({"bold": True})
    dated = wb.add_format({"num_format": "DD/MM/YYYY"})
    ws = wb.add_worksheet("T")
    for i in range(width):
        ws.write_string(0, i, f"h{i}", bold)
    dates = date_columns(kinds_of(rows, width))
    for i in range(width):
        ws.set_column(i, i, 10, dated if i in dates else None)
    for r, values in enumerate(rows, start=first):
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_string(r, c, "có" if v else "không")
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            elif isinstance(v, date):
                ws.write_datetime(r, c, v if isinstance(v, datetime) else datetime(v.year, v.month, v.day), dated)
            else:
                ws.write_string(r, c, text(v))
    wb.close()
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    body = re.search(rb"<sheetData>(.*)</sheetData>", xml, re.S)
    assert body is not None
    return re.sub(rb'<row r="1"[ >].*?</row>', b"", body.group(1), count=1)


def test_rendered_rows_are_the_bytes_xlsxwriter_writes(tmp_path: Path) -> None:
    width = len(EDGE_ROWS[0])
    for first in (1, 2, 1_000_000):
        reference = _reference_sheet_data(tmp_path / f"ref-{first}.xlsx", EDGE_ROWS, width, first)
        assert place(render(EDGE_ROWS, width), first) == reference


def test_rows_placed_in_other_columns_keep_their_values_and_leave_out_the_rest() -> None:
    rows = [["a", 1, date(2025, 1, 2)], ["b", None, date(2025, 3, 4)]]
    rendered = render(rows, 3)
    # Column 0 goes last, column 1 is not in this sheet, column 2 comes first.
    xml = place(rendered, 1, [1, None, 0]).decode()
    assert xml == ('<row r="2"><c r="A2" s="2"><v>45659</v></c><c r="B2" t="inlineStr"><is><t>a</t></is></c></row>'
                   '<row r="3"><c r="A3" s="2"><v>45720</v></c><c r="B3" t="inlineStr"><is><t>b</t></is></c></row>')


def test_text_shaped_like_raw_rich_text_is_escaped_and_reads_back_as_typed(tmp_path: Path) -> None:
    typed = ['<r><t>x</t></r>', '<r></t></is></c><c r="Z9"><v>1</v></c><r>']
    path = tmp_path / "bang.xlsx"
    write_sheets(path, [Table("T", ["Ghi chú"], [30], [[t] for t in typed]).sheet()], WHEN)
    ws = load_workbook(path)["T"]
    assert [c.value for c in ws["A"][1:]] == typed
    assert ws["Z9"].value is None


def test_a_sheet_joined_from_deflated_blocks_reads_as_the_sheet_written_whole(tmp_path: Path) -> None:
    rows = [[f"đơn vị {i}", i, date(2025, 1, 1 + i % 28), "=1+1" if i % 7 == 0 else None] for i in range(3000)]
    rendered = render(rows, 4)
    headers, widths = ["Tên", "Số", "Ngày", "Ghi chú"], [20, 8, 12, 20]
    whole = tmp_path / "whole.xlsx"
    write_sheets(whole, [Sheet("T", headers, widths, date_columns(rendered.kinds), place(rendered, 1), 3000)], WHEN)
    parts = [render(rows[a:b], 4) for a, b in ((0, 1000), (1000, 1001), (1001, 3000))]
    blocks = [Block.of(place(p, 1 + a), 1 + a, p.count, p.kinds) for p, a in zip(parts, (0, 1000, 1001), strict=True)]
    joined = tmp_path / "joined.xlsx"
    write_blocks(joined, "T", headers, widths, blocks, WHEN)
    for path in (whole, joined):
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None  # every member's CRC and length
    with zipfile.ZipFile(whole) as a, zipfile.ZipFile(joined) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())
        assert {i.date_time for i in b.infolist()} == {(2026, 1, 31, 0, 0, 0)}
    ws = load_workbook(joined)["T"]
    assert [c.value for c in ws[3001]] == ["đơn vị 2999", 2999, datetime(2025, 1, 4), None]
    assert ws["D2"].value == "'=1+1"
