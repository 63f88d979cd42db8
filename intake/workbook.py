"""Write the agency workbook (.xlsx) from `intake.layout`: one tab per active unit plus instructions.

Agencies that work offline fill this file in Excel or LibreOffice; it is the
same sheet the Google spreadsheet shows. Sheet protection here is a guard
against slips, not security (Excel's protection has no password): the
Google spreadsheet's protected ranges are the real access control.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from intake.errors import IntakeError
from intake.layout import (
    COLUMN_WIDTHS,
    INPUT_ROLES,
    INSTRUCTIONS_TAB,
    ROLE_STYLES,
    TABLE_HEADER_ROW,
    VALUE_COL,
    Check,
    TabLayout,
    build_layout,
    deadline_text,
    header_cell,
    instructions,
)
from scoring.registry import Registry, Unit
from scoring.rubric import Rubric, rubric_for_year

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _style(ws: Worksheet, layout: TabLayout) -> None:
    """`intake.layout.ROLE_STYLES` in openpyxl's terms; input cells are the only unlocked ones."""
    for spec in layout.cells:
        cell = ws.cell(spec.row, spec.col)
        style = ROLE_STYLES[spec.role]
        left = spec.row < TABLE_HEADER_ROW and spec.col == VALUE_COL  # header values read as text
        horizontal = "center" if style.center else "left" if left else None
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=horizontal)
        cell.font = Font(bold=style.bold, italic=style.italic, size=style.size, color=style.color)
        if style.fill:
            cell.fill = PatternFill("solid", start_color=style.fill)
        if spec.row >= TABLE_HEADER_ROW:
            cell.border = BOX
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
    ws[header_cell("ngay_gui")].number_format = "DD/MM/YYYY"
    for col, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, lines in layout.row_lines.items():
        ws.row_dimensions[row].height = 15 * lines
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # agencies may widen columns
    ws.protection.formatRows = False
    ws.sheet_view.zoomScale = 100


def write_instructions(ws: Worksheet, rubric: Rubric, deadline_words: str) -> None:
    ws.title = INSTRUCTIONS_TAB
    for row, line in enumerate(instructions(rubric, deadline_words), start=1):
        cell = ws.cell(row, 1, line)
        if row == 1:
            cell.font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120
    ws.protection.sheet = True


def build_workbook(
    units: Iterable[Unit], year: int, deadline: date, rubric: Rubric | None = None
) -> tuple[Workbook, dict[str, TabLayout]]:
    rubric = rubric or rubric_for_year(year)
    deadline_words = deadline_text(deadline)
    wb = Workbook()
    write_instructions(wb.worksheets[0], rubric, deadline_words)
    layouts: dict[str, TabLayout] = {}
    for unit in units:
        layout = build_layout(rubric, unit, year, deadline_words)
        if layout.title in {ws.title for ws in wb.worksheets}:
            raise IntakeError(f"Hai đơn vị có cùng tên trang «{layout.title}»: sửa tên viết tắt trong danh mục.")
        write_tab(wb.create_sheet(), layout)
        layouts[unit.id] = layout
    return wb, layouts


def write_template(path: Path, year: int, registry: Registry, deadline: date) -> dict[str, TabLayout]:
    """`hoctap template --xlsx FILE --year YYYY`: one tab per unit active that year."""
    units = registry.active(year)
    if not units:
        raise IntakeError(f"Không có đơn vị nào thuộc diện đánh giá năm {year}.")
    wb, layouts = build_workbook(units, year, deadline)
    try:
        wb.save(path)
    except OSError as exc:
        raise IntakeError(f"Không ghi được {path}: {exc}") from exc
    return layouts
