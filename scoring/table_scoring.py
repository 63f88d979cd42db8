"""The vectorised path of `scoring.engine.score`: the wide table's clean rows, assessed a column at a time.

It decides, for every row, whether the row-by-row rules would accept it
without a word (unit known and active, year readable and covered, no
duplicate, header fields readable, every cell of the year's method clean);
those rows are assessed here (`table_points`, `table_levels`) and turned
into the same `ResultRow`s. Every other row is handed back by position for
`scoring.validate`, which writes the messages. Nothing is decided twice and
nothing is dropped: each position is in exactly one of the two lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from scoring.canonical import Place
from scoring.lazy_mapping import LazyMapping
from scoring.levels_rubric import LevelsRubric
from scoring.options import ScoringOptions
from scoring.points import PointsRubric
from scoring.ranking import hundredths, rank_arrays
from scoring.registry import Registry, Unit
from scoring.results import (
    Deadline,
    LevelsOutcome,
    PointsOutcome,
    Recognition,
    ResultRow,
    SubmissionStatus,
)
from scoring.rubric import Rubric
from scoring.table_cells import (
    BAD_VALUE,
    OPTIONAL_BOOL,
    OPTIONAL_DATE,
    EvidenceCells,
    evidence_cells,
    hundredths_to_decimal,
    mapped,
    raw,
    text_or_none,
    year_codes,
)
from scoring.table_checks import ColumnChecks, share
from scoring.table_levels import LevelsColumns, assess_group
from scoring.table_points import PointsColumns, assess_points
from scoring.wide_table import Submissions


@dataclass
class Common:
    """What every clean row publishes besides its outcome, one list entry per row of the wide table."""

    units: list[Unit | None]
    years: np.ndarray
    rubrics: dict[int, Rubric | None]
    ban: list[Any]
    submitted: list[Any]
    plan: list[str | None]
    note: list[str | None]
    quyet_dinh: list[str | None]
    evidence: EvidenceCells
    origins: list[Place]
    deadlines: dict[int, Deadline]
    targets: dict[int, tuple[Decimal, int] | None]
    decisions: dict[tuple[str, int], Recognition]

    def evidence_of(self, i: int) -> LazyMapping[str, str]:
        """Row i's filled evidence cells in column order, as `scoring.validate` keeps them; built when read."""
        text = self.evidence.text
        return LazyMapping(lambda: {ind: values[i] for ind, values in text.items() if values[i] is not None})


@dataclass
class TableResult:
    """The rows assessed here, and the positions left for the row-by-row path."""

    row_by_row: list[int]
    levels_rows: list[ResultRow] = field(default_factory=list)
    points: list[tuple[PointsColumns, PointsRubric]] = field(default_factory=list)
    origins: dict[tuple[str, int], Place] = field(default_factory=dict)
    common: Common | None = None
    options: ScoringOptions | None = None

    def with_ranks(self, others: list[ResultRow]) -> list[ResultRow]:
        """Every result, the row-by-row ones (`others`) included, with points ranked across both."""
        common, options = self.common, self.options
        ranked_others = [(i, r) for i, r in enumerate(others) if isinstance(r.outcome, PointsOutcome)]
        blocks = [(cols, rubric, cols.index) for cols, rubric in self.points if cols.index.size]
        if common is None or options is None or not (blocks or ranked_others):
            return list(self.levels_rows) + list(others)
        ids: list[str] = []
        groups: list[str] = []
        years: list[int] = []
        totals: list[int] = []
        for cols, rubric, index in blocks:
            for i in index:
                unit = common.units[i]
                assert unit is not None
                ids.append(unit.id)
                groups.append(unit.group)
            years.extend(common.years[index].tolist())
            # Ranks compare hundredths, as `ranking.rank_points` does for the row-by-row results.
            totals.extend((cols.total * 100 // 10 ** rubric.decimals).tolist() if rubric.decimals <= 2 else
                          [hundredths(Decimal(int(t)).scaleb(-rubric.decimals)) for t in cols.total])
        for _, r in ranked_others:
            ids.append(r.unit_id)
            groups.append(r.group)
            years.append(r.year)
            totals.append(hundredths(r.outcome.total))  # type: ignore[union-attr]
        rank, in_group, before = rank_arrays(ids, years, groups, totals)
        own_totals: list[Decimal] = []
        for cols, rubric, _ in blocks:
            to = _decimal(rubric.decimals)
            own_totals.extend(to(int(t)) for t in cols.total)
        own_totals.extend(r.outcome.total for _, r in ranked_others)  # type: ignore[union-attr]
        out = list(self.levels_rows)
        j = 0
        for cols, rubric, index in blocks:
            for k in range(index.size):
                prev = own_totals[before[j]] if before[j] >= 0 else None
                outcome = _points_outcome(cols, rubric, k, int(rank[j]), int(in_group[j]), prev)
                out.append(_result_row(common, options, int(index[k]), outcome,
                                       "verified" if cols.verified[k] else "self", cols.members[k], cols.cdht[k],
                                       common.quyet_dinh[int(index[k])]))
                j += 1
        merged = list(others)
        for i, row in ranked_others:
            prev = own_totals[before[j]] if before[j] >= 0 else None
            points = row.outcome
            assert isinstance(points, PointsOutcome)
            merged[i] = replace(row, outcome=replace(points, rank=int(rank[j]), rank_in_group=int(in_group[j]),
                                                     previous_total=prev,
                                                     change=None if prev is None else points.total - prev))
            j += 1
        return out + merged


def _points_outcome(cols: PointsColumns, rubric: PointsRubric, k: int, rank: int, rank_in_group: int,
                    previous: Decimal | None) -> PointsOutcome:
    to = _decimal(rubric.decimals)
    total = to(int(cols.total[k]))
    return PointsOutcome(
        points=LazyMapping(lambda: {i: to(int(cols.points[i][k])) for i in rubric.indicator_ids}),
        criteria={c: to(int(v[k])) for c, v in cols.criteria.items()}, total=total, klass=str(cols.klass[k]),
        self_total=to(int(cols.self_total[k])), rank=rank, rank_in_group=rank_in_group, previous_total=previous,
        change=None if previous is None else total - previous,
    )


@lru_cache(maxsize=8)
def _decimal(decimals: int) -> Callable[[int], Decimal]:
    return hundredths_to_decimal(decimals)


def _status(submitted: date | None, deadline: Deadline) -> SubmissionStatus:
    if submitted is None:
        return "khong-ro-ngay"
    return "dung-han" if deadline.on_time(submitted) else "tre-han"


def _result_row(common: Common, options: ScoringOptions, i: int, outcome: PointsOutcome | LevelsOutcome, basis: str,
                members: int | None, cdht: int | None, council_note: str | None) -> ResultRow:
    unit = common.units[i]
    assert unit is not None
    yr = int(common.years[i])
    rubric = common.rubrics[yr]
    assert rubric is not None
    cdht_share = meets = None
    if members and cdht is not None:
        cdht_share = share(cdht, members)
        target = common.targets[yr]
        meets = None if target is None else cdht_share >= target[0]
    submitted = common.submitted[i]
    return ResultRow(
        unit_id=unit.id, year=yr, name=unit.name, short_name=unit.short_name, group=unit.group, rubric=rubric.id,
        basis=basis,  # type: ignore[arg-type]
        outcome=outcome, source=common.origins[i].describe(), members=members, cdht=cdht, cdht_share=cdht_share,
        cdht_meets_target=meets, ban_khuyen_hoc=common.ban[i], plan_url=common.plan[i], submitted=submitted,
        submission_status=_status(submitted, common.deadlines[yr]), evidence=common.evidence_of(i),
        note=common.note[i], council_note=council_note, recognition=common.decisions.get((unit.id, yr)),
    )


def _candidates(frame: pd.DataFrame, registry: Registry, options: ScoringOptions) -> tuple[np.ndarray, Common]:
    """Rows the row-by-row header checks would pass: the unit, the year, duplicates, the common header fields."""
    typed = mapped(raw(frame, "unit"), text_or_none)
    known = {t: registry.get(t.casefold()) for t in typed.unique() if t is not None}
    units: list[Unit | None] = [None if t is None else known[t] for t in typed]
    years = year_codes(frame)
    first, _ = options.rubrics.years
    in_range = (years >= first) & (years <= options.today.year + 1)
    rubrics = {int(y): options.rubrics.for_year(int(y)) for y in np.unique(years[in_range])}
    has_unit = np.array([u is not None for u in units], dtype=bool)
    starts = np.array([u.first_year if u else 0 for u in units], dtype=np.int64)
    ends = np.array([u.last_year if u and u.last_year is not None else 10_000 for u in units], dtype=np.int64)
    keyed = has_unit & in_range
    ids = pd.Series([u.id if u else "" for u in units], dtype=object)
    duplicate = np.zeros(len(frame), dtype=bool)
    if keyed.any():
        pairs = pd.DataFrame({"u": ids[keyed].to_numpy(), "y": years[keyed]})
        duplicate[keyed] = pairs.duplicated(keep=False).to_numpy()
    ban = mapped(raw(frame, "ban_khuyen_hoc"), OPTIONAL_BOOL)
    submitted = mapped(raw(frame, "ngay_gui"), OPTIONAL_DATE)
    covered = np.array([rubrics.get(int(y)) is not None for y in years], dtype=bool) & in_range
    candidate = (has_unit & covered & (starts <= years) & (years <= ends) & ~duplicate
                 & ~frame["irregular"].to_numpy(dtype=bool)
                 & (ban != BAD_VALUE).to_numpy() & (submitted != BAD_VALUE).to_numpy())
    deadlines = {y: options.deadline(y, r) for y, r in rubrics.items() if r is not None}
    decisions: dict[tuple[str, int], Recognition] = {}
    for d in options.decisions:
        decisions.setdefault((d.unit_id, d.year), d)  # the first, as `scoring.recognition.decision_for`
    common = Common(
        units=units, years=years, rubrics=rubrics, ban=list(ban), submitted=list(submitted),
        plan=list(mapped(raw(frame, "link_ke_hoach"), text_or_none)), note=list(mapped(raw(frame, "ghi_chu"), text_or_none)),
        quyet_dinh=list(mapped(raw(frame, "quyet_dinh"), text_or_none)), evidence=EvidenceCells({}, {}), origins=[],
        deadlines=deadlines, targets={y: options.cdht_target(y) for y in rubrics}, decisions=decisions,
    )
    return candidate, common


def _levels_groups(rows: np.ndarray, common: Common, rubric: LevelsRubric) -> Iterator[tuple[tuple[str, str, bool], np.ndarray]]:
    """Rows of one levels rubric by (criteria set, unit type, public); units the rubric cannot place are left out."""
    groups: dict[tuple[str, str, bool], list[int]] = {}
    for i in rows:
        unit = common.units[i]
        assert unit is not None
        cset = rubric.set_for_cap(unit.cap or "")
        utype = rubric.unit_types.get(unit.loai or "")
        if cset is None or utype is None:
            continue  # "chua-phan-loai": the row-by-row path says so
        public = unit.cong_lap if unit.cong_lap is not None else utype.public_default
        groups.setdefault((cset.id, utype.id, public), []).append(int(i))
    for key, members in groups.items():
        yield key, np.array(members, dtype=np.int64)


def assess_table(subs: Submissions, registry: Registry, options: ScoringOptions) -> TableResult:
    frame = subs.frame()
    n = len(frame)
    if n == 0:
        return TableResult(row_by_row=[])
    candidate, common = _candidates(frame, registry, options)
    common.evidence = evidence_cells(frame)
    clean = np.zeros(n, dtype=bool)
    result = TableResult(row_by_row=[], common=common, options=options)
    level_blocks: list[tuple[LevelsColumns, np.ndarray]] = []
    for yr in sorted(common.rubrics):
        rubric = common.rubrics[yr]
        rows = np.flatnonzero(candidate & (common.years == yr))
        if rubric is None or rows.size == 0:
            continue
        if isinstance(rubric, PointsRubric):
            ok, cols = assess_points(frame.iloc[rows], rubric)
            clean[rows[ok]] = True
            cols.index = rows[cols.index]
            result.points.append((cols, rubric))
        elif isinstance(rubric, LevelsRubric):
            for (set_id, type_id, public), group in _levels_groups(rows, common, rubric):
                proof = {ind: values[group] for ind, values in common.evidence.proof.items()}
                ok, lcols = assess_group(frame.iloc[group], proof, rubric.sets[set_id], rubric.unit_types[type_id],
                                         public, options.cdht_rule)
                clean[group[ok]] = True
                lcols.index = group[lcols.index]
                level_blocks.append((lcols, group))
    result.row_by_row = [int(i) for i in np.flatnonzero(~clean)]
    kept = np.flatnonzero(clean)
    common.origins = [Place("")] * n
    for i, place in zip(kept, subs.origins(int(i) for i in kept), strict=True):
        common.origins[i] = place
    for lcols, _ in level_blocks:
        result.levels_rows.extend(_levels_rows(lcols, common, options))
    for i in kept:
        unit = common.units[i]
        assert unit is not None
        result.origins[(unit.id, int(common.years[i]))] = common.origins[i]
    return result


def _levels_rows(cols: LevelsColumns, common: Common, options: ScoringOptions) -> Iterator[ResultRow]:
    """One `ResultRow` per clean row of a levels group; its checks are built when first read (`_checks`)."""
    cset = cols.cset
    council_used = np.zeros(cols.index.size, dtype=bool)
    for rep in cols.reported.values():
        council_used |= rep.council >= 0
    # ResultRow.cdht and LevelsOutcome.learners_cdht read chỉ tiêu 3.1 ("Công dân học tập") when it is a count.
    cdht_ind, cdht = cset.indicator("3.1"), cols.reported.get("3.1")
    counted = cdht is not None and cdht_ind is not None and cdht_ind.kind in ("share", "cdht")
    cdht_counts = cdht.count if counted and cdht is not None else None
    with_learners = counted and cdht_ind is not None and cdht_ind.kind == "cdht" and cols.learners is not None
    learners_cdht = cdht.learners_count if with_learners and cdht is not None else None
    criteria = list(cols.criteria_met.items())
    for k in range(cols.index.size):
        learners = int(cols.learners[k]) if cols.learners is not None else None
        lcount = int(learners_cdht[k]) if learners_cdht is not None else None
        outcome = LevelsOutcome(
            set=cset.id, level_requested=int(cols.requested[k]), level_met=int(cols.level_met[k]),
            self_level_met=int(cols.self_level_met[k]), checks=ColumnChecks(cols, k, options),
            criteria_met={c: bool(v[k]) for c, v in criteria}, learners=learners, learners_cdht=lcount,
            council_reasons=cols.council_reasons[k],
        )
        yield _result_row(common, options, int(cols.index[k]), outcome, "verified" if council_used[k] else "self",
                          int(cols.members[k]), int(cdht_counts[k]) if cdht_counts is not None else None,
                          cols.council_reasons[k])
