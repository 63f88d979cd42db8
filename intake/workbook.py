"""Write the agency workbook (.xlsx) from the tab layouts: one tab per active unit plus instructions.

Agencies that work offline fill this file in Excel or LibreOffice; it is the
same sheet the Google spreadsheet shows. Sheet protection here is a guard
against slips, not security (Excel's protection has no password): the
Google spreadsheet's protected ranges are the real access control.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from intake.errors import IntakeError
from intake.layout import INPUT_ROLES, INSTRUCTIONS_TAB, ROLE_STYLES, VALUE_COL, Check, TabLayout

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _style(ws: Worksheet, layout: TabLayout) -> None:
    """`intake.layout.ROLE_STYLES` in openpyxl's terms; input cells are the only unlocked ones."""
    table_row = layout.family.table_header_row
    for spec in layout.cells:
        cell = ws.cell(spec.row, spec.col)
        style = ROLE_STYLES[spec.role]
        left = spec.row < table_row and spec.col == VALUE_COL  # header values read as text
        horizontal = "center" if style.center else "left" if left else None
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=horizontal)
        cell.font = Font(bold=style.bold, italic=style.italic, size=style.size, color=style.color)
        if style.fill:
            cell.fill = PatternFill("solid", start_color=style.fill)
        if spec.row >= table_row:
            cell.border = BOX
        if spec.number_format:
            cell.number_format = spec.number_format
        if spec.role in INPUT_ROLES:
            cell.protection = Protection(locked=False)


def _validation(check: Check) -> DataValidation:
    if check.kind == "decimal":
        dv = DataValidation(type="decimal", operator="between", formula1=str(check.min), formula2=str(check.max))
    elif check.kind == "whole":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(check.min or 0))
    elif check.kind == "choice":
        dv = DataValidation(type="list", formula1='"' + ",".join(check.choices) + '"')
    else:
        dv = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)")
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.error = check.message
    dv.showInputMessage = True
    dv.promptTitle = "Hướng dẫn nhập"
    dv.prompt = check.message
    dv.add(check.range)
    return dv


def write_tab(ws: Worksheet, layout: TabLayout) -> None:
    ws.title = layout.title
    for spec in layout.cells:
        if spec.value is not None:
            ws.cell(spec.row, spec.col, spec.value)
    for merge in layout.merges:
        ws.merge_cells(merge)
    _style(ws, layout)
    for check in layout.checks:
        ws.add_data_validation(_validation(check))
    for col, width in layout.family.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, lines in layout.row_lines.items():
        ws.row_dimensions[row].height = 15 * lines
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    header = layout.family.table_header_row
    ws.print_title_rows = f"{header}:{header}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # agencies may widen columns
    ws.protection.formatRows = False
    ws.sheet_view.zoomScale = 100


def write_instructions(ws: Worksheet, lines: Sequence[str]) -> None:
    ws.title = INSTRUCTIONS_TAB
    for row, line in enumerate(lines, start=1):
        cell = ws.cell(row, 1, line)
        if row == 1:
            cell.font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120
    ws.protection.sheet = True


def build_workbook(layouts: Sequence[TabLayout], instructions: Sequence[str]) -> Workbook:
    wb = Workbook()
    write_instructions(wb.worksheets[0], instructions)
    titles = {INSTRUCTIONS_TAB}
    for layout in layouts:
        if layout.title in titles:
            raise IntakeError(f"Hai đơn vị có cùng tên trang «{layout.title}»: sửa tên viết tắt trong danh mục.")
        titles.add(layout.title)
        write_tab(wb.create_sheet(), layout)
    return wb


def write_workbook(path: Path, year: int, layouts: Sequence[TabLayout], instructions: Sequence[str]) -> None:
    """`hoctap template --xlsx FILE --year YYYY`: one tab per unit active that year."""
    if not layouts:
        raise IntakeError(f"Không có đơn vị nào thuộc diện đánh giá năm {year}.")
    wb = build_workbook(layouts, instructions)
    try:
        wb.save(path)
    except OSError as exc:
        raise IntakeError(f"Không ghi được {path}: {exc.strerror or exc}.") from None
