"""Lay out (and repair) the shared Google spreadsheet: one tab per unit plus the instructions.

The tabs come from the same `intake.layout` description as the .xlsx
template, translated here into `spreadsheets:batchUpdate` requests: values
and formulas (`updateCells`, i.e. USER_ENTERED semantics), formatting,
merges, input checks (`setDataValidation`), column widths, grid size and
protected ranges.

Set-up is a reconciliation, so running it again is safe and cheap: one
`spreadsheets.get` reads the whole current state (tab sizes, merges,
protected ranges, and each cell's entered value, format and check); the
plan compares it with the layout and asks only for what differs, in one
`spreadsheets:batchUpdate` (split only if the body would pass
`MAX_BATCH_BYTES`), and in none when nothing differs. A value in an input
cell is never written, whatever the plan, so nothing an agency typed is lost;
the status cell is written only while it is empty (write-back owns it).

We read with one `spreadsheets.get` carrying grid data rather than the
pull's metadata + `values:batchGet`: a values read cannot tell a formula
from its result, nor see checks, formats or protection, and those are what a
repair must compare.

Protection, as Sheets expresses it: the sheet is protected with every input
range listed as an `unprotectedRange` (so the sheet protection does not also
cover them; overlapping protections would lock the inputs for everybody but
the owner), and each input range carries its own protected range whose
`editors.users` are that unit's editors (or the reviewing body's). Each
protected range hoctap makes is tagged in its description with a key and a
digest of what it should be, so a later run recognises its own ranges,
updates the ones whose editors changed and leaves other people's alone.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import range_boundaries

from intake.errors import IntakeError, SheetsError
from intake.layout import (
    COLUMN_WIDTHS,
    INPUT_ROLES,
    INSTRUCTIONS_TAB,
    ROLE_STYLES,
    CellSpec,
    Check,
    RoleStyle,
    TabLayout,
    build_layout,
    deadline_text,
    header_cell,
    instructions,
)
from intake.settings import Settings
from intake.sheets_client import (
    BAD_SHAPE,
    RetryPolicy,
    SheetsClient,
    expect_dict,
    make_sheets_client,
    sheets_call,
)
from scoring.registry import load_registry
from scoring.rubric import rubric_for_year

Request = dict[str, Any]
Box = tuple[int, int, int, int]  # 0-based, half-open: start row, end row, start col, end col

SETUP_FIELDS = (
    "spreadsheetId,properties(title,locale),"
    "sheets(properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount)),"
    "merges,protectedRanges,"
    "data(startRow,startColumn,rowData.values(userEnteredValue,userEnteredFormat,dataValidation),"
    "columnMetadata.pixelSize,rowMetadata.pixelSize))"
)
MAX_BATCH_BYTES = 2_000_000  # the payload Google recommends as the most for one request
EDITOR_ROLES = ("don-vi", "tham-dinh")
ALL_UNITS = "*"
_TAG = re.compile(r"\[hoctap (\S+) ([0-9a-f]{8})\]\s*$")
# Languages whose locales write decimals with a comma (Sheets parses condition values in the sheet's locale).
_COMMA_DECIMAL_LANGS = frozenset({
    "vi", "de", "fr", "es", "it", "pt", "ru", "id", "nl", "pl", "tr", "cs", "sk", "sv",
    "da", "nb", "fi", "el", "hu", "ro", "bg", "uk", "hr", "sl", "sr", "lt", "lv", "et",
})


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
DATE_CELL = header_cell("ngay_gui")


# --- editors.csv -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Editors:
    """Who may type where: a unit's own editors, and the reviewing body's (for one unit or all)."""

    by_unit: dict[str, tuple[str, ...]]
    reviewers_by_unit: dict[str, tuple[str, ...]]
    reviewers_all: tuple[str, ...]

    def unit(self, unit_id: str) -> tuple[str, ...]:
        return self.by_unit.get(unit_id, ())

    def reviewers(self, unit_id: str) -> tuple[str, ...]:
        return tuple(sorted({*self.reviewers_all, *self.reviewers_by_unit.get(unit_id, ())}))


EDITORS_HELP = (
    "Tệp CSV (UTF-8) có dòng tiêu đề «ma_don_vi,email,vai_tro», mỗi dòng một người: "
    "vai_tro «don-vi» là người nhập liệu của đơn vị ma_don_vi, «tham-dinh» là người của đơn vị thẩm định "
    "(ma_don_vi «*» nếu thẩm định mọi đơn vị). Tệp này riêng tư: không đưa lên kho mã, không công bố."
)


def load_editors(path: Path) -> Editors:
    """Read the private editors file; refuse it whole, with every bad line named, if it is wrong."""
    if not path.exists():
        raise IntakeError(f"Không tìm thấy tệp danh sách người nhập liệu {path}. {EDITORS_HELP}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in ("ma_don_vi", "email", "vai_tro") if c not in (reader.fieldnames or [])]
            if missing:
                raise IntakeError(f"{path.name}: thiếu cột {', '.join(missing)}. {EDITORS_HELP}")
            rows = list(enumerate(reader, start=2))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise IntakeError(f"Không đọc được {path}: {type(exc).__name__}.") from None
    by_unit: dict[str, set[str]] = {}
    reviewers_by_unit: dict[str, set[str]] = {}
    reviewers_all: set[str] = set()
    problems: list[str] = []
    for line, row in rows:
        unit = (row.get("ma_don_vi") or "").strip()
        email = (row.get("email") or "").strip().lower()
        role = (row.get("vai_tro") or "").strip().lower()
        if not unit and not email and not role:
            continue
        if not re.fullmatch(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+", email):
            problems.append(f"dòng {line}: e-mail «{email}» không hợp lệ")
        elif role not in EDITOR_ROLES:
            problems.append(f"dòng {line}: vai_tro «{role}» phải là don-vi hoặc tham-dinh")
        elif not unit:
            problems.append(f"dòng {line}: thiếu ma_don_vi")
        elif role == "don-vi" and unit == ALL_UNITS:
            problems.append(f"dòng {line}: người nhập liệu (don-vi) phải gắn với một đơn vị, không dùng «*»")
        elif role == "don-vi":
            by_unit.setdefault(unit, set()).add(email)
        elif unit == ALL_UNITS:
            reviewers_all.add(email)
        else:
            reviewers_by_unit.setdefault(unit, set()).add(email)
    if problems:
        raise IntakeError(f"{path.name}: " + "; ".join(problems) + ".")
    return Editors(
        by_unit={k: tuple(sorted(v)) for k, v in by_unit.items()},
        reviewers_by_unit={k: tuple(sorted(v)) for k, v in reviewers_by_unit.items()},
        reviewers_all=tuple(sorted(reviewers_all)),
    )


# --- what a tab should be ----------------------------------------------------------------------

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
        widths={col: _px(w) for col, w in COLUMN_WIDTHS.items()},
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


# --- what a tab is -----------------------------------------------------------------------------

@dataclass
class Observed:
    sheet_id: int
    title: str
    rows: int
    cols: int
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (row, col) 1-based
    merges: set[Box] = field(default_factory=set)
    protected: list[dict[str, Any]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)
    heights: dict[int, int] = field(default_factory=dict)

    def cell(self, row: int, col: int) -> dict[str, Any]:
        return self.cells.get((row, col), {})


def _grid_box(rng: dict[str, Any], rows: int, cols: int) -> Box:
    return (
        int(rng.get("startRowIndex", 0)), int(rng.get("endRowIndex", rows)),
        int(rng.get("startColumnIndex", 0)), int(rng.get("endColumnIndex", cols)),
    )


def parse_state(raw: Any, spreadsheet_id: str) -> tuple[str, list[Observed]]:
    """The locale and every grid tab of a `spreadsheets.get` with grid data."""
    data = expect_dict(raw, spreadsheet_id)
    props = expect_dict(data.get("properties", {}), spreadsheet_id)
    sheets = data.get("sheets", [])
    if not isinstance(sheets, list):
        raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.")
    out: list[Observed] = []
    try:
        for sheet in sheets:
            p = sheet["properties"]
            if p.get("sheetType", "GRID") != "GRID":
                continue
            grid = p.get("gridProperties", {})
            obs = Observed(int(p["sheetId"]), str(p["title"]), int(grid.get("rowCount", 0)),
                           int(grid.get("columnCount", 0)))
            for m in sheet.get("merges", []):
                obs.merges.add(_grid_box(m, obs.rows, obs.cols))
            obs.protected = [dict(pr) for pr in sheet.get("protectedRanges", [])]
            for gd in sheet.get("data", []):
                r0, c0 = int(gd.get("startRow", 0)), int(gd.get("startColumn", 0))
                for i, row in enumerate(gd.get("rowData", [])):
                    for j, value in enumerate(row.get("values", [])):
                        if value:
                            obs.cells[(r0 + i + 1, c0 + j + 1)] = dict(value)
                for j, meta in enumerate(gd.get("columnMetadata", [])):
                    if "pixelSize" in meta:
                        obs.widths[c0 + j + 1] = int(meta["pixelSize"])
                for i, meta in enumerate(gd.get("rowMetadata", [])):
                    if "pixelSize" in meta:
                        obs.heights[r0 + i + 1] = int(meta["pixelSize"])
            out.append(obs)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.") from None
    return str(props.get("locale") or ""), out


# --- comparing ---------------------------------------------------------------------------------

def _same(want: Any, have: Any) -> bool:
    """`want` is contained in `have`: Google adds defaults and rounds colours to 1/255."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(_same(v, have.get(k)) for k, v in want.items())
    if isinstance(want, bool) or isinstance(have, bool):
        return bool(want == have)
    if isinstance(want, int | float) and isinstance(have, int | float):
        return abs(float(want) - float(have)) < 0.003
    if isinstance(want, float) and have is None:
        return abs(want) < 0.003  # a colour component of 0 is omitted by the API
    return bool(want == have)


def entered(spec: CellSpec) -> dict[str, Any] | None:
    v = spec.value
    if v is None:
        return None
    if spec.formula:
        return {"formulaValue": str(v)}
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int | float):
        return {"numberValue": v}
    return {"stringValue": str(v)}


def _number(value: Decimal, locale: str) -> str:
    """A condition value is parsed as if typed into the sheet, so decimals follow its locale."""
    text = format(value.normalize(), "f")
    if "." in text and locale.split("_")[0].lower() in _COMMA_DECIMAL_LANGS:
        text = text.replace(".", ",")
    return text


def rule(check: Check, locale: str) -> dict[str, Any]:
    """`Check` as a Sheets data-validation rule: strict (reject), with the Vietnamese hint."""
    def values(*items: str) -> list[dict[str, str]]:
        return [{"userEnteredValue": i} for i in items]

    lo = check.min if check.min is not None else Decimal(0)
    if check.kind == "choice":
        condition: dict[str, Any] = {"type": "ONE_OF_LIST", "values": values(*check.choices)}
    elif check.kind == "date":
        condition = {"type": "DATE_IS_VALID"}
    elif check.max is None:
        condition = {"type": "NUMBER_GREATER_THAN_EQ", "values": values(_number(lo, locale))}
    else:
        condition = {"type": "NUMBER_BETWEEN", "values": values(_number(lo, locale), _number(check.max, locale))}
    out: dict[str, Any] = {"condition": condition, "inputMessage": check.message, "strict": True}
    if check.kind == "choice":
        out["showCustomUi"] = True
    return out


def _rule_matches(want: dict[str, Any], have: Any) -> bool:
    if not isinstance(have, dict):
        return False
    cond, hcond = want["condition"], have.get("condition") or {}
    return (
        cond["type"] == hcond.get("type")
        and [v.get("userEnteredValue") for v in cond.get("values", [])]
        == [v.get("userEnteredValue") for v in hcond.get("values", []) or []]
        and bool(have.get("strict")) is True
        and have.get("inputMessage") == want["inputMessage"]
        and bool(have.get("showCustomUi")) == bool(want.get("showCustomUi"))
    )


def _value_matches(want: dict[str, Any] | None, have: Any) -> bool:
    if want is None:
        return not have
    if not isinstance(have, dict) or set(have) != set(want):
        return False
    (kind, value), = want.items()
    if kind == "numberValue":
        return isinstance(have[kind], int | float) and abs(float(have[kind]) - float(value)) < 1e-9
    return bool(have[kind] == value)


# --- planning ----------------------------------------------------------------------------------

def grid_range(sheet_id: int, b: Box) -> dict[str, int]:
    return {"sheetId": sheet_id, "startRowIndex": b[0], "endRowIndex": b[1],
            "startColumnIndex": b[2], "endColumnIndex": b[3]}


def cell_format(spec: CellSpec) -> dict[str, Any]:
    """The role's format; the date field also shows its serial number as a Vietnamese date."""
    fmt = ROLE_FORMATS[spec.role]
    if spec.address == DATE_CELL:
        fmt = {**fmt, "numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}}
    return fmt


def _cell_data(spec: CellSpec, with_value: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"userEnteredFormat": cell_format(spec)}
    value = entered(spec)
    if with_value and value is not None:
        data["userEnteredValue"] = value
    return data


def _single(sheet_id: int, spec: CellSpec) -> dict[str, int]:
    return grid_range(sheet_id, (spec.row - 1, spec.row, spec.col - 1, spec.col))


def plan_cells(spec: TabSpec, obs: Observed | None, sheet_id: int) -> list[Request]:
    """Values and formats. A new tab gets one `updateCells` for its whole block; an existing tab
    gets a request per cell that differs, and input cells only ever have their format touched."""
    if obs is None:
        by_pos = {(c.row, c.col): c for c in spec.cells}
        rows = []
        for r in range(1, spec.n_rows + 1):
            values = []
            for c in range(1, spec.n_cols + 1):
                cs = by_pos.get((r, c))
                values.append(_cell_data(cs, with_value=True) if cs else {})
            rows.append({"values": values})
        return [{"updateCells": {"range": grid_range(sheet_id, (0, spec.n_rows, 0, spec.n_cols)),
                                 "rows": rows, "fields": "userEnteredValue,userEnteredFormat"}}]
    requests: list[Request] = []
    for cs in spec.cells:
        have = obs.cell(cs.row, cs.col)
        fmt_ok = _same(cell_format(cs), have.get("userEnteredFormat", {}))
        if cs.role in INPUT_ROLES or (cs.role == "status" and have.get("userEnteredValue")):
            if not fmt_ok:
                requests.append({"repeatCell": {"range": _single(sheet_id, cs),
                                                "cell": _cell_data(cs, with_value=False),
                                                "fields": "userEnteredFormat"}})
            continue
        if fmt_ok and _value_matches(entered(cs), have.get("userEnteredValue")):
            continue
        requests.append({"updateCells": {"range": _single(sheet_id, cs),
                                         "rows": [{"values": [_cell_data(cs, with_value=True)]}],
                                         "fields": "userEnteredValue,userEnteredFormat"}})
    return requests


def plan_merges(spec: TabSpec, obs: Observed | None, sheet_id: int) -> tuple[list[Request], list[Request]]:
    """(unmerge first, merge after the values): only when the tab's merges are not the layout's."""
    want = {box(m) for m in spec.merges}
    area = (0, spec.n_rows, 0, spec.n_cols)
    merge = [{"mergeCells": {"range": grid_range(sheet_id, b), "mergeType": "MERGE_ALL"}} for b in sorted(want)]
    if obs is None:
        return [], merge

    def overlaps(b: Box) -> bool:
        return b[0] < area[1] and area[0] < b[1] and b[2] < area[3] and area[2] < b[3]

    have = {b for b in obs.merges if overlaps(b)}
    if have == want:
        return [], []
    return [{"unmergeCells": {"range": grid_range(sheet_id, area)}}], merge


def plan_checks(spec: TabSpec, obs: Observed | None, sheet_id: int, locale: str) -> list[Request]:
    requests: list[Request] = []
    for check in spec.checks:
        want = rule(check, locale)
        b = box(check.range)
        if obs is not None and all(
            _rule_matches(want, obs.cell(r + 1, c + 1).get("dataValidation"))
            for r in range(b[0], b[1]) for c in range(b[2], b[3])
        ):
            continue
        requests.append({"setDataValidation": {"range": grid_range(sheet_id, b), "rule": want}})
    return requests


def plan_sizes(spec: TabSpec, obs: Observed | None, sheet_id: int) -> list[Request]:
    """Column widths, and heights for rows of wrapped text (Sheets does not grow rows on its own)."""
    requests: list[Request] = []
    for dimension, want, have in (("COLUMNS", spec.widths, obs.widths if obs else {}),
                                  ("ROWS", spec.heights, obs.heights if obs else {})):
        for index, px in sorted(want.items()):
            if obs is not None and have.get(index) == px:
                continue
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": dimension, "startIndex": index - 1, "endIndex": index},
                "properties": {"pixelSize": px}, "fields": "pixelSize"}})
    return requests


def _protected_range(p: Protection, sheet_id: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "range": {"sheetId": sheet_id} if p.box is None else grid_range(sheet_id, p.box),
        "description": p.tagged,
        "warningOnly": False,
        "editors": {"users": list(p.editors)},
    }
    if p.unprotected:
        body["unprotectedRanges"] = [grid_range(sheet_id, b) for b in p.unprotected]
    return body


def _protection_ok(p: Protection, have: dict[str, Any], obs: Observed) -> bool:
    rng = have.get("range") or {}
    users = {str(u).lower() for u in (have.get("editors") or {}).get("users", [])}
    if p.box is None:
        range_ok = set(rng) <= {"sheetId"}
    else:
        range_ok = _grid_box(rng, obs.rows, obs.cols) == p.box
    return bool(
        range_ok
        and have.get("description") == p.tagged
        and not have.get("warningOnly")
        and set(p.editors) <= users
    )


def plan_protection(spec: TabSpec, obs: Observed | None, sheet_id: int) -> list[Request]:
    """Add missing ranges, update drifted ones, delete ranges hoctap made that the layout no longer has."""
    existing: dict[str, dict[str, Any]] = {}
    requests: list[Request] = []
    for have in [] if obs is None else obs.protected:
        m = _TAG.search(str(have.get("description", "")))
        if m is None:
            continue  # someone else's protection: not ours to touch
        if m.group(1) in existing or m.group(1) not in {p.key for p in spec.protections}:
            requests.append({"deleteProtectedRange": {"protectedRangeId": have["protectedRangeId"]}})
            continue
        existing[m.group(1)] = have
    for p in spec.protections:
        found = existing.get(p.key)
        if found is None:
            requests.append({"addProtectedRange": {"protectedRange": _protected_range(p, sheet_id)}})
        elif obs is not None and not _protection_ok(p, found, obs):
            body = _protected_range(p, sheet_id) | {"protectedRangeId": found["protectedRangeId"]}
            body.setdefault("unprotectedRanges", [])
            requests.append({"updateProtectedRange": {
                "protectedRange": body, "fields": "range,description,warningOnly,editors,unprotectedRanges"}})
    return requests


def plan_tab(spec: TabSpec, obs: Observed | None, sheet_id: int, locale: str, index: int | None) -> list[Request]:
    """Every request one tab needs, in the order the API must apply them."""
    requests: list[Request] = []
    if obs is None:
        props: dict[str, Any] = {"sheetId": sheet_id, "title": spec.title,
                                 "gridProperties": {"rowCount": spec.n_rows, "columnCount": spec.n_cols}}
        if index is not None:
            props["index"] = index
        requests.append({"addSheet": {"properties": props}})
    elif obs.rows < spec.n_rows or obs.cols < spec.n_cols:
        # Writes outside the grid fail with 400 "exceeds grid limits": grow it first.
        requests.append({"updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "gridProperties": {
                "rowCount": max(obs.rows, spec.n_rows), "columnCount": max(obs.cols, spec.n_cols)}},
            "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
    unmerge, merge = plan_merges(spec, obs, sheet_id)
    requests += unmerge
    requests += plan_cells(spec, obs, sheet_id)
    requests += merge
    requests += plan_checks(spec, obs, sheet_id, locale)
    requests += plan_sizes(spec, obs, sheet_id)
    requests += plan_protection(spec, obs, sheet_id)
    return requests


def new_sheet_id(title: str, taken: set[int]) -> int:
    """A stable id from the title, so later requests in the same batch can address the new tab."""
    sid = zlib.crc32(title.encode("utf-8")) & 0x7FFFFFFF
    while sid in taken or sid == 0:
        sid = (sid + 1) & 0x7FFFFFFF
    taken.add(sid)
    return sid


# --- the set-up --------------------------------------------------------------------------------

@dataclass
class SetupReport:
    spreadsheet_id: str
    added_tabs: list[str] = field(default_factory=list)
    repaired_tabs: list[str] = field(default_factory=list)
    api_calls: int = 0
    requests: int = 0
    batch_updates: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.added_tabs and not self.repaired_tabs:
            head = f"Bảng tính {self.spreadsheet_id} đã đúng bố cục, không cần sửa gì"
        else:
            head = (
                f"Bảng tính {self.spreadsheet_id}: thêm {len(self.added_tabs)} trang, "
                f"sửa {len(self.repaired_tabs)} trang ({self.requests} thay đổi trong "
                f"{self.batch_updates} lệnh cập nhật)"
            )
        lines = [f"{head}; {self.api_calls} lệnh gọi API."]
        if self.repaired_tabs:
            lines.append("Trang đã sửa: " + ", ".join(self.repaired_tabs) + ".")
        lines += [f"Lưu ý: {w}" for w in self.warnings]
        return "\n".join(lines)


def desired_tabs(year: int, settings: Settings, editors: Editors) -> tuple[list[TabSpec], list[str]]:
    """The instructions tab then one tab per unit active that year, in registry order; plus warnings."""
    rubric = rubric_for_year(year)
    deadline = deadline_text(settings.deadline(year))
    units = load_registry(settings.path("registry")).active(year)
    specs = [instructions_spec(instructions(rubric, deadline))]
    seen: dict[str, str] = {}
    warnings: list[str] = []
    for unit in units:
        layout = build_layout(rubric, unit, year, deadline)
        if layout.title in seen or layout.title == INSTRUCTIONS_TAB:
            raise IntakeError(
                f"Hai đơn vị {seen.get(layout.title, '?')} và {unit.id} có cùng tên trang «{layout.title}»: "
                "hãy sửa tên viết tắt (short_name) trong danh mục đơn vị."
            )
        seen[layout.title] = unit.id
        specs.append(unit_spec(layout, editors))
    active = {u.id for u in units}
    no_editor = [u.id for u in units if not editors.unit(u.id)]
    if no_editor:
        warnings.append(
            f"{len(no_editor)} đơn vị chưa có người nhập liệu trong tệp editors.csv (chỉ chủ bảng tính sửa được): "
            + ", ".join(no_editor) + "."
        )
    unknown = sorted((set(editors.by_unit) | set(editors.reviewers_by_unit)) - active)
    if unknown:
        warnings.append(f"editors.csv có mã đơn vị không hoạt động năm {year}: {', '.join(unknown)}.")
    return specs, warnings


def _batches(groups: Iterable[list[Request]]) -> list[list[Request]]:
    """Whole tabs per batch (a tab's requests refer to each other), under MAX_BATCH_BYTES."""
    batches: list[list[Request]] = [[]]
    size = 0
    for group in groups:
        cost = len(json.dumps(group, ensure_ascii=False).encode("utf-8"))
        if batches[-1] and size + cost > MAX_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].extend(group)
        size += cost
    return [b for b in batches if b]


def setup_spreadsheet(
    spreadsheet_id: str,
    year: int,
    settings: Settings,
    *,
    client: SheetsClient | None = None,
    policy: RetryPolicy | None = None,
) -> SetupReport:
    """Bring the spreadsheet to the layout of `year`: one read, then at most one write in practice."""
    editors = load_editors(settings.path("editors_file"))
    specs, warnings = desired_tabs(year, settings, editors)
    client = client or make_sheets_client(settings, policy)
    report = SetupReport(spreadsheet_id, warnings=warnings)
    start = client.counter.sent
    with sheets_call(spreadsheet_id, client.service_email):
        raw = client.http.fetch_sheet_metadata(
            spreadsheet_id, params={"includeGridData": "true", "fields": SETUP_FIELDS}
        )
    locale, observed = parse_state(raw, spreadsheet_id)
    by_title = {o.title: o for o in observed}
    taken = {o.sheet_id for o in observed}
    groups: list[list[Request]] = []
    n_existing = len(observed)
    for spec in specs:
        obs = by_title.get(spec.title)
        if obs is None:
            sheet_id = new_sheet_id(spec.title, taken)
            index = 0 if spec.title == INSTRUCTIONS_TAB else n_existing + len(report.added_tabs)
            requests = plan_tab(spec, None, sheet_id, locale, index)
            report.added_tabs.append(spec.title)
        else:
            requests = plan_tab(spec, obs, obs.sheet_id, locale, None)
            if requests:
                report.repaired_tabs.append(spec.title)
        if requests:
            groups.append(requests)
    for batch in _batches(groups):
        with sheets_call(spreadsheet_id, client.service_email):
            reply = client.http.batch_update(spreadsheet_id, {"requests": batch})
        if not isinstance(expect_dict(reply, spreadsheet_id).get("replies", []), list):
            raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.")
        report.batch_updates += 1
        report.requests += len(batch)
    report.api_calls = client.counter.sent - start
    return report
