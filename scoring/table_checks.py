"""A clean levels row's checks, made from its group's columns when first read (`table_scoring._levels_rows`).

The checks hold what `scoring.levels.assess_levels` writes for the row, reasons
included; a national year has some 150,000 of them, and most are read once (by
the year's JSON and CSV). They are read from Python lists made once per group,
since each check reads a dozen cells and a numpy scalar costs several times a
list item; the by-level mappings, a handful of distinct ones, are shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Literal

from scoring.levels import LevelCells as RowLevelCells
from scoring.levels import Reported as RowReported
from scoring.levels import _own_result
from scoring.levels_rubric import DIGITAL_LEVELS, LEVELS
from scoring.options import ScoringOptions
from scoring.results import CheckResult, IndicatorCheck
from scoring.table_levels import RESULT_NAMES, LevelsColumns

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
                                 rep.council.tolist(), rep.evidence.tolist(), {lv: a.tolist() for lv, a in rep.own_at.items()},
                                 list(zip(*(rep.by_level[level].tolist() for level in LEVELS), strict=True)))
             for ind, rep in cols.reported.items()})
    return found


# The by-level judgements a check can have, one mapping each, shared by every check that has them (read-only).
_BY_LEVEL: dict[tuple[int, ...], Mapping[int, CheckResult]] = {}
_NOT_APPLICABLE: Mapping[int, CheckResult] = dict.fromkeys(LEVELS, "khong-ap-dung")


def _by_level(codes: tuple[int, ...]) -> Mapping[int, CheckResult]:
    found = _BY_LEVEL.get(codes)
    if found is None:
        found = _BY_LEVEL[codes] = {level: RESULT_NAMES[c] for level, c in zip(LEVELS, codes, strict=True)}
    return found


def row_checks(cols: LevelsColumns, k: int, options: ScoringOptions) -> dict[str, IndicatorCheck]:
    """Row k's checks, reasons included, as `scoring.levels.assess_levels` writes them."""
    cset = cols.cset
    lists = _group_lists(cols)
    requested = lists.requested[k]
    members = lists.members[k]
    learners = lists.learners[k] if lists.learners is not None else None
    checks: dict[str, IndicatorCheck] = {}
    row_cells: RowLevelCells | None = None
    for ind in cset.indicators:
        rep = lists.reported.get(ind.id)
        if rep is None:
            checks[ind.id] = IndicatorCheck(id=ind.id, result="khong-ap-dung", by_level=_NOT_APPLICABLE)
            continue
        by_level = _by_level(rep.by_level[k])
        council = _COUNCIL.get(rep.council[k])
        answer = _ANSWERS[ind.kind].get(rep.answer[k]) if ind.kind in _ANSWERS else None
        count = rep.count[k] if ind.kind in ("share", "cdht") else None
        lcount = rep.learners_count[k] if ind.kind == "cdht" and learners is not None else None
        evidence = rep.evidence[k]
        reasons: tuple[str, ...] = ()
        if by_level[requested] == "khong-dat":
            if council is not None:  # at the requested level the Hội đồng's judgement always holds
                reasons = ("Hội đồng đánh giá: không đạt",)
            else:
                if row_cells is None:
                    row_cells = RowLevelCells(cset, cols.unit_type, cols.public, requested, members, learners, {}, (), None)
                reasons = tuple(_own_result(ind, requested, RowReported(answer, count, lcount, evidence, None), row_cells,
                                            options.cdht_rule)[1])
        checks[ind.id] = IndicatorCheck(
            id=ind.id, result=by_level[requested], by_level=by_level, answer=answer, count=count,
            share=share(count, members) if count is not None else None, learners_count=lcount,
            learners_share=share(lcount, learners) if lcount is not None and learners else None,
            evidence=evidence, self_result=RESULT_NAMES[rep.own_at[requested][k]], council=council, reasons=reasons,
        )
    return checks
