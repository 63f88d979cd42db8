"""The `levels` method (Thông tư 24/2023) over whole columns, one unit kind at a time.

Rows are taken a group at a time: one criteria set, one unit type, public or
not. Within a group every applicability and threshold is a constant, so each
chỉ tiêu is a handful of array operations per level. A row is taken here only
when `scoring.levels.judge_levels` would find nothing wrong and nothing to
warn about; the others go row by row. Shares are compared exactly from
counts (`100 × count × q ≥ p × members` for a threshold p/q), as the
row-by-row `_meets` does with Decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.levels import CdhtRule
from scoring.levels_rubric import LEVELS, CriteriaSet, LevelIndicator, UnitType
from scoring.results import CheckResult
from scoring.table_cells import (
    BLANK,
    DIGITAL_ORDER,
    Cells,
    digital,
    verdict,
    whole,
)
from scoring.wide_table import COUNCIL, OWN, VERIFIED

DAT, KHONG_DAT, KHONG_AP_DUNG = 1, 0, 2
RESULT_NAMES: dict[int, CheckResult] = {DAT: "dat", KHONG_DAT: "khong-dat", KHONG_AP_DUNG: "khong-ap-dung"}


@dataclass
class Reported:
    """One applicable chỉ tiêu's parsed cells, for the clean rows."""

    answer: np.ndarray  # verdict or digital code; BLANK for counts
    count: np.ndarray  # BLANK unless a share
    learners_count: np.ndarray
    council: np.ndarray  # BLANK, KHONG_DAT or DAT
    evidence: np.ndarray  # the cell as read where it counts as evidence (`table_cells.EvidenceCells.proof`), else None
    own_at: dict[int, np.ndarray]  # per level: DAT / KHONG_DAT / KHONG_AP_DUNG
    by_level: dict[int, np.ndarray]


@dataclass
class LevelsColumns:
    """The clean rows of one group, as columns."""

    index: np.ndarray
    cset: CriteriaSet
    unit_type: UnitType
    public: bool
    requested: np.ndarray
    members: np.ndarray
    learners: np.ndarray | None
    reported: dict[str, Reported]  # only chỉ tiêu applicable at some level
    level_met: np.ndarray
    self_level_met: np.ndarray
    criteria_met: dict[str, np.ndarray]  # per tiêu chí, at the requested level
    council_reasons: np.ndarray  # the Hội đồng's reasons as typed: cleaned (`text_or_none`) when a result is made
    lists: object = None  # the same columns as Python lists, made by `table_checks` when a row's checks are first read


def applies(ind: LevelIndicator, level: int, unit_type: UnitType, public: bool) -> bool:
    return ind.rule(level).applies.applies(unit_type.id, public)


def _meets(count: np.ndarray, total: np.ndarray, threshold: object) -> np.ndarray:
    p, q = threshold.as_integer_ratio()  # type: ignore[attr-defined]
    return np.asarray(100 * count * q >= p * total, dtype=bool)


def _foreign_clean(cells: Cells, cset: CriteriaSet) -> np.ndarray:
    """No value under a column of another set (own or Hội đồng) or of TT 22 (reviewer's points)."""
    clean = np.ones(len(cells), dtype=bool)
    known = set(cset.indicator_ids)
    for column in cells.names:
        prefix, _, ind_id = column.partition(":")
        prefix += ":"
        if (prefix in (OWN, COUNCIL) and ind_id not in known) or prefix == VERIFIED:
            clean &= ~cells.filled(column)
    return clean


def _own_ok(ind: LevelIndicator, level: int, rep: Reported, unit_type: UnitType, members: np.ndarray,
            learners: np.ndarray | None, rule_name: CdhtRule, evidenced: np.ndarray) -> np.ndarray:
    rule = ind.rule(level)
    if ind.kind == "yes-no":
        ok = rep.answer == DAT
    elif ind.kind == "digital":
        assert rule.digital_min is not None
        ok = rep.answer >= DIGITAL_ORDER[rule.digital_min]
    else:
        assert rule.threshold is not None
        ok = np.ones(len(members), dtype=bool)
        if not (ind.kind == "cdht" and unit_type.learners and rule_name == "nguoi-hoc"):
            ok &= _meets(rep.count, members, rule.threshold)
        if ind.kind == "cdht" and unit_type.learners:
            assert rule.learners_threshold is not None and learners is not None
            ok &= _meets(rep.learners_count, learners, rule.learners_threshold)
    return np.asarray(ok & evidenced, dtype=bool)


def assess_group(cells: Cells, proof: dict[str, np.ndarray], cset: CriteriaSet, unit_type: UnitType,
                 public: bool, cdht_rule: CdhtRule) -> tuple[np.ndarray, LevelsColumns]:
    """(clean, columns) for the rows of one group; `clean` marks the rows assessed here.

    `proof` holds the group's evidence cells as a chỉ tiêu reads them (`table_cells.evidence_cells`).
    """
    n = len(cells)
    requested = cells.codes("muc_de_nghi", whole)
    clean = np.isin(requested, LEVELS)
    members = cells.codes("so_thanh_vien", whole)
    clean &= members >= 1
    learners = None
    if unit_type.learners:
        learners = cells.codes("so_nguoi_hoc", whole)
        clean &= learners >= 1
    clean &= _foreign_clean(cells, cset)
    parsed: dict[str, tuple[LevelIndicator, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    blank = np.full(n, BLANK, dtype=np.int64)
    for ind in cset.indicators:
        own_col, council_col = OWN + ind.id, COUNCIL + ind.id
        if not any(applies(ind, level, unit_type, public) for level in LEVELS):
            # A value typed where the chỉ tiêu does not apply earns a warning: the row-by-row path writes it.
            clean &= cells.marks(own_col) & cells.marks(council_col)
            continue
        answer = count = learners_count = blank
        if ind.kind == "yes-no":
            answer = cells.codes(own_col, verdict)
            clean &= answer >= 0
        elif ind.kind == "digital":
            answer = cells.codes(own_col, digital)
            clean &= answer >= 0
        else:
            count = cells.codes(own_col, whole)
            clean &= (count >= 0) & (count <= members)
            if ind.kind == "cdht" and learners is not None:
                learners_count = cells.codes("nguoi_hoc_cdht", whole)
                clean &= (learners_count >= 0) & (learners_count <= learners)
        council = cells.codes(council_col, verdict)
        clean &= council != -2
        evidence = proof.get(ind.id, np.full(n, None, dtype=object))
        parsed[ind.id] = (ind, answer, count, learners_count, council, evidence)

    keep = np.flatnonzero(clean)
    req, mem = requested[keep], members[keep]
    lrn = learners[keep] if learners is not None else None
    met = {level: np.ones(keep.size, dtype=bool) for level in LEVELS}
    met_own = {level: np.ones(keep.size, dtype=bool) for level in LEVELS}
    reported: dict[str, Reported] = {}
    for ind_id, (ind, answer, count, learners_count, council, evidence) in parsed.items():
        rep = Reported(answer[keep], count[keep], learners_count[keep], council[keep], evidence[keep], {}, {})
        evidenced = np.fromiter((e is not None for e in rep.evidence.tolist()), dtype=bool, count=keep.size)
        for level in LEVELS:
            if not applies(ind, level, unit_type, public):
                rep.own_at[level] = rep.by_level[level] = np.full(keep.size, KHONG_AP_DUNG, dtype=np.int64)
                continue
            own = np.where(_own_ok(ind, level, rep, unit_type, mem, lrn, cdht_rule, evidenced), DAT, KHONG_DAT)
            # The Hội đồng's judgement where it holds (scoring.levels._council_at): its "không đạt" always;
            # its "đạt" at and below the requested level, and at any level for a yes/no chỉ tiêu.
            holds = (rep.council == KHONG_DAT) | ((rep.council == DAT) & ((ind.kind == "yes-no") | (level <= req)))
            rep.own_at[level], rep.by_level[level] = own, np.where(holds, rep.council, own)
            met[level] &= rep.by_level[level] != KHONG_DAT
            met_own[level] &= own != KHONG_DAT
        reported[ind_id] = rep

    def highest(m: dict[int, np.ndarray]) -> np.ndarray:
        out = np.zeros(keep.size, dtype=np.int64)
        for level in LEVELS:  # the highest level met on its own wins (scoring.levels._highest)
            out[m[level]] = level
        return out

    criteria_met = {}
    for criterion in cset.criteria:
        ok = np.ones(keep.size, dtype=bool)
        for ind in criterion.indicators:
            if ind.id in reported:
                at = reported[ind.id].by_level
                ok &= np.where(req == 1, at[1], at[2]) != KHONG_DAT
        criteria_met[criterion.id] = ok
    reasons = cells.raw("hd_ly_do")[keep]
    return clean, LevelsColumns(
        index=keep, cset=cset, unit_type=unit_type, public=public, requested=req, members=mem, learners=lrn,
        reported=reported, level_met=highest(met), self_level_met=highest(met_own), criteria_met=criteria_met,
        council_reasons=reasons,
    )
