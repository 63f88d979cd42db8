"""A clean levels row's checks, made from its group's columns when first read (`table_scoring._levels_rows`).

The checks hold what `scoring.levels.assess_levels` writes for the row, reasons
included; a national year has some 150,000 of them, and most are read once (by
the year's JSON and CSV). They are read from Python lists made once per group,
since each check reads a dozen cells and a numpy scalar costs several times a
list item; the by-level mappings, a handful of distinct ones, are shared.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache, partial
from typing import Any, Literal

from scoring.levels import LevelCells as RowLevelCells
from scoring.levels import Reported as RowReported
from scoring.levels import _own_result
from scoring.levels_rubric import DIGITAL_LEVELS, LEVELS
from scoring.options import ScoringOptions
from scoring.results import CheckResult, IndicatorCheck
from scoring.results_json import RawChecks, number
from scoring.table_levels import RESULT_NAMES, LevelsColumns
from scoring.text import clean_text

_ANSWERS = {"yes-no": {1: "dat", 0: "khong-dat"}, "digital": dict(enumerate(DIGITAL_LEVELS))}
_COUNCIL: dict[int, Literal["dat", "khong-dat"]] = {1: "dat", 0: "khong-dat"}


@lru_cache(maxsize=262144)
def share(count: int, total: int) -> Decimal:
    """count / total to four decimals, half up: the one rounding of `scoring.levels.share_of` and the CDHT share."""
    return (Decimal(count) / Decimal(total)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class _ReportedLists:
    """One chỉ tiêu's columns of a group as Python lists: a row's checks read a dozen cells each, and a list
    item costs a fraction of a numpy scalar and its conversion."""

    answer: list[int]
    count: list[int]
    learners_count: list[int]
    council: list[int]
    evidence: list[str | None]
    own_at: dict[int, list[int]]
    by_level: list[tuple[int, ...]]  # per row, the codes at each of LEVELS


@dataclass(frozen=True)
class _GroupLists:
    requested: list[int]
    members: list[int]
    learners: list[int] | None
    reported: dict[str, _ReportedLists]


def _group_lists(cols: LevelsColumns) -> _GroupLists:
    found = cols.lists
    if not isinstance(found, _GroupLists):
        found = cols.lists = _GroupLists(
            cols.requested.tolist(), cols.members.tolist(), cols.learners.tolist() if cols.learners is not None else None,
            {ind: _ReportedLists(rep.answer.tolist(), rep.count.tolist(), rep.learners_count.tolist(),
                                 rep.council.tolist(), _cleaned(rep.evidence.tolist()),
                                 {lv: a.tolist() for lv, a in rep.own_at.items()},
                                 list(zip(*(rep.by_level[level].tolist() for level in LEVELS), strict=True)))
             for ind, rep in cols.reported.items()})
    return found


def _cleaned(evidence: list[Any]) -> list[str | None]:
    """A chỉ tiêu's evidence cells as a check publishes them (`table_cells.evidence_text`: a cell the scorer
    kept as evidence is no mark, so it is only cleaned)."""
    return [None if value is None else clean_text(value) for value in evidence]


# The by-level judgements a check can have, one mapping each, shared by every check that has them (read-only).
_BY_LEVEL: dict[tuple[int, ...], Mapping[int, CheckResult]] = {}
_NOT_APPLICABLE: Mapping[int, CheckResult] = dict.fromkeys(LEVELS, "khong-ap-dung")


def _by_level(codes: tuple[int, ...]) -> Mapping[int, CheckResult]:
    found = _BY_LEVEL.get(codes)
    if found is None:
        found = _BY_LEVEL[codes] = {level: RESULT_NAMES[c] for level, c in zip(LEVELS, codes, strict=True)}
    return found


def _row_fields(cols: LevelsColumns, k: int, options: ScoringOptions) -> Iterator[tuple[Any, ...]]:
    """Row k's checks, reasons included, as `scoring.levels.assess_levels` writes them: per chỉ tiêu, the
    fields of its `IndicatorCheck` in order (`by_level` as its codes, or None where not applicable)."""
    cset = cols.cset
    lists = _group_lists(cols)
    requested = lists.requested[k]
    members = lists.members[k]
    learners = lists.learners[k] if lists.learners is not None else None
    at = LEVELS.index(requested)
    row_cells: RowLevelCells | None = None
    for ind in cset.indicators:
        rep = lists.reported.get(ind.id)
        if rep is None:
            yield ind.id, "khong-ap-dung", None, None, None, None, None, None, None, "khong-ap-dung", None, ()
            continue
        codes = rep.by_level[k]
        result = RESULT_NAMES[codes[at]]
        council = _COUNCIL.get(rep.council[k])
        answer = _ANSWERS[ind.kind].get(rep.answer[k]) if ind.kind in _ANSWERS else None
        count = rep.count[k] if ind.kind in ("share", "cdht") else None
        lcount = rep.learners_count[k] if ind.kind == "cdht" and learners is not None else None
        evidence = rep.evidence[k]
        reasons: tuple[str, ...] = ()
        if result == "khong-dat":
            if council is not None:  # at the requested level the Hội đồng's judgement always holds
                reasons = ("Hội đồng đánh giá: không đạt",)
            else:
                if row_cells is None:
                    row_cells = RowLevelCells(cset, cols.unit_type, cols.public, requested, members, learners, {}, (), None)
                reasons = tuple(_own_result(ind, requested, RowReported(answer, count, lcount, evidence, None), row_cells,
                                            options.cdht_rule)[1])
        yield (ind.id, result, codes, answer, count, share(count, members) if count is not None else None, lcount,
               share(lcount, learners) if lcount is not None and learners else None, evidence,
               RESULT_NAMES[rep.own_at[requested][k]], council, reasons)


def row_checks(cols: LevelsColumns, k: int, options: ScoringOptions) -> dict[str, IndicatorCheck]:
    """Row k's checks as objects."""
    return {f[0]: IndicatorCheck(
        id=f[0], result=f[1], by_level=_by_level(f[2]) if f[2] is not None else _NOT_APPLICABLE, answer=f[3],
        count=f[4], share=f[5], learners_count=f[6], learners_share=f[7], evidence=f[8], self_result=f[9],
        council=f[10], reasons=f[11]) for f in _row_fields(cols, k, options)}


# The by-level judgements as the results file writes them, one per distinct set of codes.
_BY_LEVEL_JSON: dict[tuple[int, ...] | None, dict[str, str]] = {None: {str(lv): "khong-ap-dung" for lv in LEVELS}}


def row_checks_json(cols: LevelsColumns, k: int, options: ScoringOptions) -> dict[str, dict[str, Any]]:
    """Row k's checks as `scoring.results_json` writes them (what `row_checks`' objects are written as), made
    without the objects: the results file and the CSV read a national year's 150,000 checks once each."""
    out = {}
    for ind, result, codes, answer, count, sh, lcount, lsh, evidence, own, council, reasons in _row_fields(cols, k, options):
        by_level = _BY_LEVEL_JSON.get(codes)
        if by_level is None:
            by_level = _BY_LEVEL_JSON[codes] = {str(lv): RESULT_NAMES[c] for lv, c in zip(LEVELS, codes, strict=True)}
        out[ind] = {"result": result, "by_level": by_level, "answer": answer, "count": count, "share": number(sh),
                    "learners_count": lcount, "learners_share": number(lsh), "evidence": evidence,
                    "self_result": own, "council": council, "reasons": list(reasons)}
    return out


class ColumnChecks(RawChecks):
    """A clean levels row's checks, held as its place in its group's columns: read as the results file writes
    them (`unread`) by the results writer and the CSV, built as objects only when something asks for them."""

    __slots__ = ("_place", "_raw")

    def __init__(self, cols: LevelsColumns, k: int, options: ScoringOptions) -> None:
        super().__init__(partial(row_checks, cols, k, options))
        self._place: tuple[LevelsColumns, int, ScoringOptions] | None = (cols, k, options)
        self._raw: dict[str, dict[str, Any]] | None = None

    def _dict(self) -> dict[str, IndicatorCheck]:
        built = self._data
        if built is None:
            built = super()._dict()
            self._place = self._raw = None  # the objects stand for them now; the group's columns may go
        return built

    @property
    def unread(self) -> dict[str, dict[str, Any]] | None:
        if self._data is not None:
            return None  # built: the objects stand for them
        if self._raw is None:
            assert self._place is not None
            self._raw = row_checks_json(*self._place)
        return self._raw
