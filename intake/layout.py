"""The agency tab, described once: what every tab shares, whatever the law of its year.

A tab is a `TabLayout`: cells with a role (label, input, formula …), merges,
input checks, the ranges each kind of editor may type in, sizes. Two builders
make one: `intake.layout_points` (Thông tư 22/2020: points per indicator) and
`intake.layout_levels` (Thông tư 24/2023: đạt/không đạt per chỉ tiêu). The
.xlsx writer, the Google Sheets writer and the tab reader all work from the
layout, so a change to the sheet is made in one place. Each tab names its
kind in cell A3 (`Family.marker`), so the reader knows which columns to read.
Rows and columns are 1-based; addresses are A1 strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from openpyxl.utils import get_column_letter

from scoring.registry import Unit
from scoring.vietnamese import vi_date

Role = Literal[
    "title", "subtitle", "marker", "label", "fixed", "unit-input", "reviewer-input", "status",
    "table-header", "criterion", "indicator", "total", "class", "formula",
]
Editor = Literal["unit", "reviewer"]

INSTRUCTIONS_TAB = "Hướng dẫn"
TAB_TITLE_MAX = 31  # Excel's limit; Google allows more, the stricter wins
_TAB_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
INDICATOR_ID = re.compile(r"^\d+(\.\d+)+$")
HEADER_FIRST_ROW = 4
VALUE_COL = 4  # header values sit in column D
MARKER_CELL = "A3"
STATUS_LABEL = "Trạng thái kiểm tra (hoctap tự ghi sau mỗi lần lấy dữ liệu)"  # beside every unit tab's status cell


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
    "marker": RoleStyle(italic=True, color="6B6B6B"),
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
    "formula": RoleStyle(color="1F4E79"),
}
INPUT_ROLES: frozenset[Role] = frozenset({"unit-input", "reviewer-input"})


def deadline_text(before: date) -> str:
    """The deadline as every template writes it: "ngày 15/01/2027" (hồ sơ gửi trước ngày đó)."""
    return f"ngày {vi_date(before)}"


@dataclass(frozen=True)
class HeaderField:
    key: str
    label: str
    editor: Editor | None  # None: written by hoctap and locked
    kind: Literal["text", "whole", "choice", "url", "date", "level"] = "text"
    private: bool = False  # the reporter's name and contact: never read back, never published


@dataclass(frozen=True)
class Family:
    """One kind of tab: its marker, header block and the table columns the reader needs."""

    id: str
    marker: str  # the text of cell A3, e.g. "Mẫu theo Thông tư 24/2023/TT-BGDĐT"
    header_fields: tuple[HeaderField, ...]
    col_value: int  # the unit's own value per indicator (points, count, đạt/không đạt …)
    col_evidence: int
    col_reviewer: int  # verified points (TT 22) or the Hội đồng's judgement (TT 24)
    reviewer: Literal["verified", "council"]
    table_header_row: int
    n_cols: int
    widths: dict[int, int]  # column → Excel width in characters

    @property
    def status_row(self) -> int:
        return HEADER_FIRST_ROW + len(self.header_fields)

    @property
    def status_cell(self) -> str:
        return a1(self.status_row, VALUE_COL)

    def header_cell(self, key: str) -> str:
        """Where a header field's value lives."""
        for offset, f in enumerate(self.header_fields):
            if f.key == key:
                return a1(HEADER_FIRST_ROW + offset, VALUE_COL)
        raise KeyError(key)


def a1(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


@dataclass(frozen=True)
class CellSpec:
    row: int
    col: int
    value: str | int | float | None
    role: Role
    formula: bool = False  # value is a formula starting with "="
    number_format: str | None = None

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
    family: Family
    cells: tuple[CellSpec, ...]
    merges: tuple[str, ...]
    checks: tuple[Check, ...]
    unit_ranges: tuple[str, ...]  # editable by the unit's editors only
    reviewer_ranges: tuple[str, ...]  # editable by the reviewing body only
    indicator_rows: dict[str, int] = field(default_factory=dict)
    n_rows: int = 0
    # Lines of wrapped text per row, so writers can size rows (neither Excel nor Sheets grows them on load).
    row_lines: dict[int, int] = field(default_factory=dict)
    named: dict[str, int] = field(default_factory=dict)  # rows worth naming: "total", "class", "level"

    @property
    def n_cols(self) -> int:
        return self.family.n_cols

    @property
    def status_cell(self) -> str:
        return self.family.status_cell

    def header_cell(self, key: str) -> str:
        return self.family.header_cell(key)

    def cell(self, address: str) -> CellSpec:
        for c in self.cells:
            if c.address == address:
                return c
        raise KeyError(address)


def tab_title(unit: Unit) -> str:
    """A tab name both Excel and Google accept, readable by the agency (its short name)."""
    title = _TAB_FORBIDDEN.sub("-", unit.short_name).strip("' ")
    return title[:TAB_TITLE_MAX] or unit.id[:TAB_TITLE_MAX]


def fmt_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def row_lines(cells: Sequence[CellSpec], merges: Sequence[str], widths: dict[int, int]) -> dict[int, int]:
    """Wrapped lines each row needs, from the text length against its column's width."""
    merged_from = {m.split(":")[0] for m in merges}
    lines: dict[int, int] = {}
    for c in cells:
        if not isinstance(c.value, str) or c.formula or c.address in merged_from:
            continue
        width = max(widths.get(c.col, 10) - 2, 4)
        needed = sum(max(1, math.ceil(len(part) / width)) for part in c.value.split("\n"))
        if needed > 1:
            lines[c.row] = max(lines.get(c.row, 1), needed)
    return lines


@dataclass
class Builder:
    """Collects a tab's cells, merges, checks and editable ranges as a layout builder lays them out."""

    family: Family
    cells: list[CellSpec] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    unit_ranges: list[str] = field(default_factory=list)
    reviewer_ranges: list[str] = field(default_factory=list)

    def put(self, row: int, col: int, value: Any, role: Role, *, formula: bool = False,
            number_format: str | None = None) -> None:
        self.cells.append(CellSpec(row, col, value, role, formula, number_format))

    def title_block(self, title: str, subtitle: str) -> None:
        last = get_column_letter(self.family.n_cols)
        self.put(1, 1, title, "title")
        self.merges.append(f"A1:{last}1")
        self.put(2, 1, subtitle, "subtitle")
        self.merges.append(f"A2:{last}2")
        self.put(3, 1, self.family.marker, "marker")
        self.merges.append(f"A3:{last}3")

    def header_block(self, fixed: dict[str, str | int], checks: dict[str, Check]) -> None:
        """Label in B, value in D (merged D…last input column); editable fields go to their editor's ranges."""
        end_col = self.family.col_evidence
        for offset, f in enumerate(self.family.header_fields):
            row = HEADER_FIRST_ROW + offset
            self.put(row, 2, f.label, "label")
            value_range = f"{a1(row, VALUE_COL)}:{a1(row, end_col)}"
            self.merges.append(value_range)
            if f.editor is None or f.key in fixed:
                self.put(row, VALUE_COL, fixed.get(f.key, ""), "fixed")
                continue
            self.put(row, VALUE_COL, None, "unit-input" if f.editor == "unit" else "reviewer-input",
                     number_format="DD/MM/YYYY" if f.kind == "date" else None)
            (self.unit_ranges if f.editor == "unit" else self.reviewer_ranges).append(value_range)
            if f.key in checks:
                self.checks.append(checks[f.key])
        row = self.family.status_row
        self.put(row, 2, STATUS_LABEL, "label")
        self.put(row, VALUE_COL, "Chưa kiểm tra.", "status")
        self.merges.append(f"{a1(row, VALUE_COL)}:{a1(row, self.family.n_cols)}")

    def layout(self, unit: Unit, year: int, n_rows: int, **extra: Any) -> TabLayout:
        return TabLayout(
            title=tab_title(unit), unit_id=unit.id, year=year, family=self.family, cells=tuple(self.cells),
            merges=tuple(self.merges), checks=tuple(self.checks), unit_ranges=tuple(self.unit_ranges),
            reviewer_ranges=tuple(self.reviewer_ranges), n_rows=n_rows,
            row_lines=row_lines(self.cells, self.merges, self.family.widths), **extra,
        )


def header_checks(family: Family) -> dict[str, Check]:
    """The input check of each editable header field, by its kind."""
    out: dict[str, Check] = {}
    for f in family.header_fields:
        if f.editor is None:
            continue
        address = family.header_cell(f.key)
        if f.kind == "whole":
            out[f.key] = Check(address, "whole", "Nhập một số nguyên không âm.", min=Decimal(0))
        elif f.kind == "choice":
            out[f.key] = Check(address, "choice", "Chọn Có hoặc Không.", choices=("Có", "Không"))
        elif f.kind == "level":
            out[f.key] = Check(address, "choice", "Chọn mức độ đề nghị công nhận: 1 hoặc 2.", choices=("1", "2"))
        elif f.kind == "date":
            out[f.key] = Check(address, "date", "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 14/01/2027.")
    return out
