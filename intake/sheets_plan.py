"""Compare a tab's desired spec with its observed state, and plan the requests that repair the difference.

A value in an input cell is never written, whatever the plan, so nothing an
agency typed is lost; the status cell is written only while it is empty
(write-back owns it), but a formula styled as a status (the level a TT 24
unit meets) is set-up's and is repaired. Requests are ordered as the API
must apply them.
"""

from __future__ import annotations

import re
import zlib
from decimal import Decimal
from typing import Any

from intake.layout import INPUT_ROLES, CellSpec, Check
from intake.sheets_spec import ROLE_FORMATS, Box, Protection, TabSpec, box
from intake.sheets_state import Observed, _grid_box

Request = dict[str, Any]
_TAG = re.compile(r"\[hoctap (\S+) ([0-9a-f]{8})\]\s*$")
# Languages whose locales write decimals with a comma (Sheets parses condition values in the sheet's locale).
_COMMA_DECIMAL_LANGS = frozenset({
    "vi", "de", "fr", "es", "it", "pt", "ru", "id", "nl", "pl", "tr", "cs", "sk", "sv",
    "da", "nb", "fi", "el", "hu", "ro", "bg", "uk", "hr", "sl", "sr", "lt", "lv", "et",
})


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


def grid_range(sheet_id: int, b: Box) -> dict[str, int]:
    return {"sheetId": sheet_id, "startRowIndex": b[0], "endRowIndex": b[1],
            "startColumnIndex": b[2], "endColumnIndex": b[3]}


# The layout's number formats (Excel codes) in the Sheets API's terms.
NUMBER_FORMATS: dict[str, dict[str, str]] = {
    "DD/MM/YYYY": {"type": "DATE", "pattern": "dd/mm/yyyy"},
    "0.0%": {"type": "PERCENT", "pattern": "0.0%"},
}


def cell_format(spec: CellSpec) -> dict[str, Any]:
    """The role's format, plus the cell's number format (a date shown as dd/mm/yyyy, a share as a percent)."""
    fmt = ROLE_FORMATS[spec.role]
    if spec.number_format:
        fmt = {**fmt, "numberFormat": NUMBER_FORMATS[spec.number_format]}
    return fmt


def _cell_data(spec: CellSpec, with_value: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"userEnteredFormat": cell_format(spec)}
    value = entered(spec)
    if with_value and value is not None:
        data["userEnteredValue"] = value
    return data


def _written_back(spec: CellSpec, have: dict[str, Any]) -> bool:
    """The status text write-back owns, once it holds one. A computed status-style cell (the level a
    TT 24 unit currently meets) is a formula set-up owns: it is repaired like any other."""
    return spec.role == "status" and not spec.formula and bool(have.get("userEnteredValue"))


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
        if cs.role in INPUT_ROLES or _written_back(cs, have):
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
