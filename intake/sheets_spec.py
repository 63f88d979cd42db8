"""What set-up wants each tab to be: cells, merges, checks, sizes and protected ranges.

Built from the same `intake.layout` description as the .xlsx template and
translated into the Sheets API's shapes (CellFormat, grid ranges). Each
protected range carries a tag with a digest of what it should be, so a later
run recognises its own ranges and repairs only the ones that drifted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils.cell import range_boundaries

from intake.layout import INSTRUCTIONS_TAB, ROLE_STYLES, CellSpec, Check, RoleStyle, TabLayout
from intake.sheets_editors import Editors

Box = tuple[int, int, int, int]  # 0-based, half-open: start row, end row, start col, end col


def _rgb(hex_color: str) -> dict[str, float]:
    return {k: int(hex_color[i : i + 2], 16) / 255 for k, i in (("red", 1), ("green", 3), ("blue", 5))}


_WRAP = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}


def _format(style: RoleStyle) -> dict[str, Any]:
    """`intake.layout.ROLE_STYLES` in the Sheets API's CellFormat shape."""
    fmt: dict[str, Any] = dict(_WRAP)
    if style.fill:
        fmt["backgroundColor"] = _rgb("#" + style.fill)
    if style.center:
        fmt["horizontalAlignment"] = "CENTER"
    text: dict[str, Any] = {}
    if style.bold:
        text["bold"] = True
    if style.italic:
        text["italic"] = True
    if style.size:
        text["fontSize"] = style.size
    if style.color:
        text["foregroundColor"] = _rgb("#" + style.color)
    if text:
        fmt["textFormat"] = text
    return fmt


ROLE_FORMATS: dict[str, dict[str, Any]] = {role: _format(style) for role, style in ROLE_STYLES.items()}


@dataclass(frozen=True)
class Protection:
    key: str
    description: str
    box: Box | None  # None: the whole sheet
    editors: tuple[str, ...]
    unprotected: tuple[Box, ...] = ()

    @property
    def digest(self) -> str:
        blob = json.dumps([self.key, self.box, self.editors, self.unprotected])
        return hashlib.sha256(blob.encode()).hexdigest()[:8]

    @property
    def tagged(self) -> str:
        return f"{self.description} [hoctap {self.key} {self.digest}]"


@dataclass(frozen=True)
class TabSpec:
    """Everything set-up writes into one tab, whatever produced it (unit layout or instructions)."""

    title: str
    cells: tuple[CellSpec, ...]
    merges: tuple[str, ...]
    checks: tuple[Check, ...]
    protections: tuple[Protection, ...]
    widths: dict[int, int]  # 1-based column → pixels
    n_rows: int
    n_cols: int
    heights: dict[int, int] = field(default_factory=dict)  # 1-based row → pixels, rows of wrapped text only


def box(a1_range: str) -> Box:
    min_col, min_row, max_col, max_row = range_boundaries(a1_range)
    if None in (min_col, min_row, max_col, max_row):
        raise ValueError(a1_range)
    assert min_col is not None and min_row is not None and max_col is not None and max_row is not None
    return (min_row - 1, max_row, min_col - 1, max_col)


def _px(chars: float) -> int:
    """Excel column width (characters) to Sheets pixels, so both templates look alike."""
    return round(chars * 7 + 5)


LINE_PX = 20  # the .xlsx gives a wrapped row 15 points per line: 20 pixels


def unit_spec(layout: TabLayout, editors: Editors) -> TabSpec:
    unit_boxes = tuple(box(r) for r in layout.unit_ranges)
    reviewer_boxes = tuple(box(r) for r in layout.reviewer_ranges)
    protections = [
        Protection(
            "trang", f"hoctap: trang của {layout.unit_id}, chỉ chủ bảng tính sửa", None, (),
            unit_boxes + reviewer_boxes,
        )
    ]
    for r, b in zip(layout.unit_ranges, unit_boxes, strict=True):
        protections.append(
            Protection(f"don-vi:{r}", f"hoctap: ô nhập của đơn vị {layout.unit_id}", b, editors.unit(layout.unit_id))
        )
    for r, b in zip(layout.reviewer_ranges, reviewer_boxes, strict=True):
        protections.append(
            Protection(f"tham-dinh:{r}", "hoctap: ô của đơn vị thẩm định", b, editors.reviewers(layout.unit_id))
        )
    return TabSpec(
        title=layout.title,
        cells=layout.cells,
        merges=layout.merges,
        checks=layout.checks,
        protections=tuple(protections),
        widths={col: _px(w) for col, w in layout.family.widths.items()},
        n_rows=layout.n_rows,
        n_cols=layout.n_cols,
        heights={row: LINE_PX * lines for row, lines in layout.row_lines.items()},
    )


def instructions_spec(lines: Sequence[str]) -> TabSpec:
    cells = tuple(
        CellSpec(row, 1, text, "title" if row == 1 else "label")
        for row, text in enumerate(lines, start=1)
        if text
    )
    return TabSpec(
        title=INSTRUCTIONS_TAB,
        cells=cells,
        merges=(),
        checks=(),
        protections=(Protection("trang", "hoctap: trang hướng dẫn, chỉ chủ bảng tính sửa", None, ()),),
        widths={1: _px(120)},
        n_rows=len(lines),
        n_cols=1,
    )
