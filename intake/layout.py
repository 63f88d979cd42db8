"""The agency tab, described once.

The .xlsx writer, the Google Sheets writer and the tab reader all work from
this description, so a change to the sheet is made here and nowhere else.
Rows and columns are 1-based; addresses are A1 strings.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from openpyxl.utils import get_column_letter

from scoring.registry import Unit
from scoring.rubric import Rubric

Role = Literal[
    "title", "subtitle", "label", "fixed", "unit-input", "reviewer-input", "status",
    "table-header", "criterion", "indicator", "total", "class",
]
Editor = Literal["unit", "reviewer"]

INSTRUCTIONS_TAB = "Hướng dẫn"
TAB_TITLE_MAX = 31  # Excel's limit; Google allows more, the stricter wins
_TAB_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Columns of the indicator table.
COL_ID, COL_TEXT, COL_MAX, COL_SELF, COL_EVIDENCE, COL_VERIFIED, COL_NOTE = range(1, 8)
N_COLS = 7
VALUE_COL = COL_SELF  # header values sit in column D, where the unit types its points

COLUMN_WIDTHS = {1: 7, 2: 62, 3: 10, 4: 16, 5: 38, 6: 14, 7: 30}
TABLE_HEADERS = (
    "STT",
    "Tiêu chí, chỉ số (căn cứ)",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Đường liên kết minh chứng",
    "Điểm thẩm định",
    "Ghi chú của đơn vị thẩm định",
)


@dataclass(frozen=True)
class RoleStyle:
    """How a cell of a role looks, in both writers (colours as RRGGBB hex)."""

    bold: bool = False
    italic: bool = False
    size: int | None = None
    fill: str | None = None
    color: str | None = None
    center: bool = False


INPUT_FILL = "FFF2CC"  # the yellow the instructions tell agencies to type into
ROLE_STYLES: dict[Role, RoleStyle] = {
    "title": RoleStyle(bold=True, size=14),
    "subtitle": RoleStyle(italic=True),
    "label": RoleStyle(),
    "fixed": RoleStyle(bold=True),
    "unit-input": RoleStyle(fill=INPUT_FILL),
    "reviewer-input": RoleStyle(fill="DDEBF7"),
    "status": RoleStyle(bold=True, fill="F3F3F3", color="1F4E79"),
    "table-header": RoleStyle(bold=True, fill="D9D9D9", center=True),
    "criterion": RoleStyle(bold=True),
    "indicator": RoleStyle(),
    "total": RoleStyle(bold=True),
    "class": RoleStyle(bold=True),
}
INPUT_ROLES: frozenset[Role] = frozenset({"unit-input", "reviewer-input"})


def deadline_text(deadline: date) -> str:
    """The deadline as both templates write it: "ngày 31/01/2026"."""
    return f"ngày {deadline:%d/%m/%Y}"


@dataclass(frozen=True)
class HeaderField:
    key: str
    label: str
    editor: Editor | None  # None: written by hoctap and locked
    kind: Literal["text", "whole", "choice", "url", "date"] = "text"
    private: bool = False


# The header block, in row order from HEADER_FIRST_ROW. Keys match the wide CSV's column names.
HEADER_FIELDS: tuple[HeaderField, ...] = (
    HeaderField("ma_don_vi", "Mã đơn vị", None),
    HeaderField("ten_don_vi", "Tên đơn vị", None),
    HeaderField("nam", "Năm đánh giá", None),
    HeaderField("so_thanh_vien", "Tổng số thành viên (cán bộ, công chức, viên chức, người lao động)", "unit", "whole"),
    HeaderField("so_cdht", "Số thành viên được công nhận \"Công dân học tập\"", "unit", "whole"),
    HeaderField("ban_khuyen_hoc", "Đơn vị đã thành lập Ban Khuyến học (Có/Không)", "unit", "choice"),
    HeaderField("link_ke_hoach", "Đường liên kết đến kế hoạch xây dựng Đơn vị học tập của đơn vị", "unit", "url"),
    HeaderField("nguoi_bao_cao", "Người báo cáo (họ tên, chức vụ)", "unit", "text", private=True),
    HeaderField("lien_he", "Điện thoại, e-mail người báo cáo (không công bố)", "unit", "text", private=True),
    HeaderField("ngay_gui", "Ngày gửi báo cáo (ngày/tháng/năm)", "unit", "date"),
    HeaderField("ghi_chu", "Ghi chú của đơn vị", "unit", "text"),
    HeaderField("quyet_dinh", "Ý kiến, quyết định thẩm định (đơn vị thẩm định ghi)", "reviewer", "text"),
)
CHOICES_BAN_KHUYEN_HOC = ("Có", "Không")
HEADER_FIRST_ROW = 4
STATUS_ROW = HEADER_FIRST_ROW + len(HEADER_FIELDS)
STATUS_LABEL = "Trạng thái kiểm tra (hoctap tự ghi sau mỗi lần lấy dữ liệu)"
TABLE_HEADER_ROW = STATUS_ROW + 2
INDICATOR_ID = re.compile(r"^\d+(\.\d+)+$")


def a1(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def header_cell(key: str) -> str:
    """Where a header field's value lives (fixed for every rubric)."""
    for offset, f in enumerate(HEADER_FIELDS):
        if f.key == key:
            return a1(HEADER_FIRST_ROW + offset, VALUE_COL)
    raise KeyError(key)


STATUS_CELL = a1(STATUS_ROW, VALUE_COL)


@dataclass(frozen=True)
class CellSpec:
    row: int
    col: int
    value: str | int | float | None
    role: Role
    formula: bool = False  # value is a formula starting with "="

    @property
    def address(self) -> str:
        return a1(self.row, self.col)


@dataclass(frozen=True)
class Check:
    """An input check on a range: a number in [min, max], a whole number, a choice, a date."""

    range: str
    kind: Literal["decimal", "whole", "choice", "date"]
    message: str
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TabLayout:
    title: str
    unit_id: str
    year: int
    cells: tuple[CellSpec, ...]
    merges: tuple[str, ...]
    checks: tuple[Check, ...]
    unit_ranges: tuple[str, ...]  # editable by the unit's editors only
    reviewer_ranges: tuple[str, ...]  # editable by the reviewing body only
    indicator_rows: dict[str, int] = field(default_factory=dict)
    total_row: int = 0
    class_row: int = 0
    n_rows: int = 0
    n_cols: int = N_COLS
    # Lines of wrapped text per row, so writers can size rows (neither Excel nor Sheets grows them on load).
    row_lines: dict[int, int] = field(default_factory=dict)

    @property
    def status_cell(self) -> str:
        return STATUS_CELL

    def cell(self, address: str) -> CellSpec:
        for c in self.cells:
            if c.address == address:
                return c
        raise KeyError(address)


def tab_title(unit: Unit) -> str:
    """A tab name both Excel and Google accept, readable by the agency (its short name)."""
    title = _TAB_FORBIDDEN.sub("-", unit.short_name).strip("' ")
    return title[:TAB_TITLE_MAX] or unit.id[:TAB_TITLE_MAX]


def _fmt_max(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def class_formula(total_ref: str, count_ref: str, n: int, rubric: Rubric) -> str:
    """Điều 6 as a sheet formula; ROUND keeps 84.999… from a float sum out of the lower band."""
    expr = f'"{rubric.classes[-1].name}"'
    for band in reversed(rubric.classes[:-1]):
        expr = f'IF(ROUND({total_ref},2)>={_fmt_max(band.min)},"{band.name}",{expr})'
    return f'=IF(COUNT({count_ref})<{n},"Chưa đủ điểm",{expr})'


def _row_lines(cells: list[CellSpec], merges: list[str]) -> dict[int, int]:
    """Wrapped lines each row needs, from the text length against its column's width."""
    merged_from = {m.split(":")[0] for m in merges}
    lines: dict[int, int] = {}
    for c in cells:
        if not isinstance(c.value, str) or c.formula or c.address in merged_from:
            continue
        width = max(COLUMN_WIDTHS.get(c.col, 10) - 2, 4)
        needed = sum(max(1, math.ceil(len(part) / width)) for part in c.value.split("\n"))
        if needed > 1:
            lines[c.row] = max(lines.get(c.row, 1), needed)
    return lines


def build_layout(rubric: Rubric, unit: Unit, year: int, deadline_words: str) -> TabLayout:
    cells: list[CellSpec] = []
    merges: list[str] = []
    checks: list[Check] = []
    unit_ranges: list[str] = []
    reviewer_ranges: list[str] = []
    last_col = get_column_letter(N_COLS)

    cells.append(CellSpec(1, 1, f"PHIẾU TỰ ĐÁNH GIÁ, XẾP LOẠI ĐƠN VỊ HỌC TẬP NĂM {year}", "title"))
    merges.append(f"A1:{last_col}1")
    cells.append(
        CellSpec(
            2, 1,
            f"Theo {rubric.short_title}. Gửi Sở GD&ĐT trước {deadline_words}. "
            "Chỉ nhập vào các ô nền vàng; xem trang «Hướng dẫn».",
            "subtitle",
        )
    )
    merges.append(f"A2:{last_col}2")

    fixed_values: dict[str, str | int] = {"ma_don_vi": unit.id, "ten_don_vi": unit.name, "nam": year}
    for offset, f in enumerate(HEADER_FIELDS):
        row = HEADER_FIRST_ROW + offset
        cells.append(CellSpec(row, COL_TEXT, f.label, "label"))
        value_range = f"{a1(row, VALUE_COL)}:{a1(row, COL_EVIDENCE)}"
        merges.append(value_range)
        if f.editor is None:
            cells.append(CellSpec(row, VALUE_COL, fixed_values[f.key], "fixed"))
            continue
        cells.append(CellSpec(row, VALUE_COL, None, "unit-input" if f.editor == "unit" else "reviewer-input"))
        (unit_ranges if f.editor == "unit" else reviewer_ranges).append(value_range)
        address = a1(row, VALUE_COL)
        if f.kind == "whole":
            checks.append(Check(address, "whole", "Nhập một số nguyên không âm.", min=Decimal(0)))
        elif f.kind == "choice":
            checks.append(Check(address, "choice", "Chọn Có hoặc Không.", choices=CHOICES_BAN_KHUYEN_HOC))
        elif f.kind == "date":
            checks.append(Check(address, "date", "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 25/01/2026."))

    cells.append(CellSpec(STATUS_ROW, COL_TEXT, STATUS_LABEL, "label"))
    cells.append(CellSpec(STATUS_ROW, VALUE_COL, "Chưa kiểm tra.", "status"))
    merges.append(f"{STATUS_CELL}:{a1(STATUS_ROW, N_COLS)}")

    for col, text in enumerate(TABLE_HEADERS, start=1):
        cells.append(CellSpec(TABLE_HEADER_ROW, col, text, "table-header"))

    row = TABLE_HEADER_ROW + 1
    indicator_rows: dict[str, int] = {}
    self_refs: list[str] = []
    verified_refs: list[str] = []
    for criterion in rubric.criteria:
        crow = row
        first, last = crow + 1, crow + len(criterion.indicators)
        cells.append(CellSpec(crow, COL_ID, criterion.id, "criterion"))
        cells.append(CellSpec(crow, COL_TEXT, f"{criterion.title} ({criterion.citation})", "criterion"))
        cells.append(CellSpec(crow, COL_MAX, _fmt_max(criterion.max), "criterion"))
        self_range = f"{a1(first, COL_SELF)}:{a1(last, COL_SELF)}"
        verified_range = f"{a1(first, COL_VERIFIED)}:{a1(last, COL_VERIFIED)}"
        cells.append(CellSpec(crow, COL_SELF, f"=SUM({self_range})", "criterion", formula=True))
        cells.append(
            CellSpec(crow, COL_VERIFIED, f'=IF(COUNT({verified_range})=0,"",SUM({verified_range}))', "criterion", formula=True)
        )
        for ind in criterion.indicators:
            row += 1
            indicator_rows[ind.id] = row
            text = f"{ind.text} ({ind.citation})"
            if ind.details:
                text += "\n" + "\n".join(f"- {d}" for d in ind.details)
            cells.append(CellSpec(row, COL_ID, ind.id, "indicator"))
            cells.append(CellSpec(row, COL_TEXT, text, "indicator"))
            cells.append(CellSpec(row, COL_MAX, _fmt_max(ind.max), "indicator"))
            cells.append(CellSpec(row, COL_SELF, None, "unit-input"))
            cells.append(CellSpec(row, COL_EVIDENCE, None, "unit-input"))
            cells.append(CellSpec(row, COL_VERIFIED, None, "reviewer-input"))
            cells.append(CellSpec(row, COL_NOTE, None, "reviewer-input"))
            message = f"Nhập một số từ 0 đến {_fmt_max(ind.max)} (tối đa {rubric.decimals} chữ số thập phân)."
            for col in (COL_SELF, COL_VERIFIED):
                checks.append(Check(a1(row, col), "decimal", message, min=Decimal(0), max=ind.max))
            self_refs.append(a1(row, COL_SELF))
            verified_refs.append(a1(row, COL_VERIFIED))
        unit_ranges.append(f"{a1(first, COL_SELF)}:{a1(last, COL_EVIDENCE)}")
        reviewer_ranges.append(f"{a1(first, COL_VERIFIED)}:{a1(last, COL_NOTE)}")
        row += 1

    n = len(self_refs)
    total_row, class_row = row, row + 1
    self_all = ",".join(self_refs)
    verified_all = ",".join(verified_refs)
    cells.append(CellSpec(total_row, COL_TEXT, "TỔNG ĐIỂM", "total"))
    cells.append(CellSpec(total_row, COL_MAX, _fmt_max(rubric.max_total), "total"))
    cells.append(CellSpec(total_row, COL_SELF, f"=SUM({self_all})", "total", formula=True))
    cells.append(
        CellSpec(total_row, COL_VERIFIED, f'=IF(COUNT({verified_all})<{n},"",SUM({verified_all}))', "total", formula=True)
    )
    cells.append(CellSpec(class_row, COL_TEXT, "XẾP LOẠI (tạm tính theo Điều 6)", "class"))
    total_self = a1(total_row, COL_SELF)
    total_verified = a1(total_row, COL_VERIFIED)
    cells.append(CellSpec(class_row, COL_SELF, class_formula(total_self, self_all, n, rubric), "class", formula=True))
    cells.append(
        CellSpec(
            class_row, COL_VERIFIED,
            f'=IF({total_verified}="","",{class_formula(total_verified, verified_all, n, rubric)[1:]})',
            "class", formula=True,
        )
    )
    return TabLayout(
        title=tab_title(unit),
        unit_id=unit.id,
        year=year,
        cells=tuple(cells),
        merges=tuple(merges),
        checks=tuple(checks),
        unit_ranges=tuple(unit_ranges),
        reviewer_ranges=tuple(reviewer_ranges),
        indicator_rows=indicator_rows,
        total_row=total_row,
        class_row=class_row,
        n_rows=class_row,
        row_lines=_row_lines(cells, merges),
    )


def instructions(rubric: Rubric, deadline_words: str) -> tuple[str, ...]:
    """The instructions tab, one line per row; the classes come from the rubric, not from here."""
    bands = rubric.classes
    class_lines = [f"- {bands[0].name}: từ {_fmt_max(bands[0].min)} điểm"]
    for upper, band in itertools.pairwise(bands[:-1]):
        class_lines.append(f"- {band.name}: từ {_fmt_max(band.min)} đến dưới {_fmt_max(upper.min)} điểm")
    class_lines.append(f"- {bands[-1].name}: dưới {_fmt_max(bands[-2].min)} điểm")
    return (
        "HƯỚNG DẪN TỰ ĐÁNH GIÁ, XẾP LOẠI ĐƠN VỊ HỌC TẬP",
        f"Căn cứ: {rubric.title}. Hạn gửi báo cáo: trước {deadline_words}.",
        "",
        "1. Mỗi đơn vị có một trang tính mang tên đơn vị. Chỉ nhập vào trang của đơn vị mình.",
        "2. Chỉ các ô nền vàng là ô nhập liệu: thông tin chung, điểm tự đánh giá và đường liên kết minh chứng.",
        "3. Điểm tự đánh giá là một số từ 0 đến điểm tối đa của chỉ số, có thể có phần thập phân (ví dụ 8,5).",
        "   Để trống nghĩa là chưa chấm, không phải 0 điểm: phiếu còn ô trống sẽ chưa được xếp loại.",
        "4. Đường liên kết minh chứng: dán địa chỉ (http:// hoặc https://) tới hồ sơ minh chứng đã lưu trữ.",
        "5. Tổng điểm và xếp loại tạm tính do bảng tính tự cộng; kết quả chính thức do Sở GD&ĐT công bố.",
        "6. Cột «Điểm thẩm định» và «Ghi chú» do đơn vị thẩm định ghi; khi đủ điểm thẩm định,"
        " kết quả công bố dùng điểm thẩm định.",
        "7. Sau mỗi lần hệ thống lấy dữ liệu, ô «Trạng thái kiểm tra» cho biết phiếu hợp lệ hay ô nào cần sửa.",
        "8. Họ tên, điện thoại, e-mail người báo cáo chỉ dùng để liên hệ và không bao giờ được công bố.",
        "",
        f"Xếp loại theo {bands[0].citation or rubric.short_title}:",
        *class_lines,
    )
