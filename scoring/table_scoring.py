"""The vectorised path of `scoring.engine.score`: the wide table's clean rows, assessed a column at a time.

It decides, for every row, whether the row-by-row rules would accept it
without a word (unit known and active, year readable and covered, no
duplicate, header fields readable, every cell of the year's method clean);
those rows are assessed here (`table_points`, `table_levels`), and their
`ResultRow`s, the same as the row-by-row rules would make, are made when
read (`scoring.result_table`). Every other row is handed back by position for
`scoring.validate`, which writes the messages. Nothing is decided twice and
nothing is dropped: each position is in exactly one of the two lists.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
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
from scoring.registry import Registry
from scoring.result_table import MakeRow, ResultTable, TableBuilder
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
    Cells,
    EvidenceCells,
    distinct,
    evidence_cells,
    hundredths_to_decimal,
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

    units: np.ndarray  # the Unit of each row, or None
    ids: np.ndarray  # the unit's id ("" when none)
    groups: np.ndarray  # the unit's group ("" when none)
    years: np.ndarray
    rubrics: dict[int, Rubric | None]
    ban: list[Any]
    submitted: np.ndarray  # a date, None, or BAD_VALUE (never a clean row's)
    texts: dict[str, np.ndarray]  # free-text header cells as read (a link, a note): cleaned when a row is made
    evidence: EvidenceCells
    origin: Callable[[int], Place]  # where row i was read
    origins_of: Callable[[Iterable[int]], list[Place]]  # the same for ascending rows, at once
    deadlines: dict[int, Deadline]
    targets: dict[int, tuple[Decimal, int] | None]
    decisions: dict[tuple[str, int], Recognition]

    def columns(self, index: np.ndarray, ranks: np.ndarray) -> tuple[Any, ...]:
        """The `ResultTable` columns of these rows: unit ids, years, ranks, submission dates."""
        return self.ids[index], self.years[index], ranks, self.submitted[index]

    def text(self, name: str, i: int) -> str | None:
        """Row i's free-text cell `name` as `scoring.validate` keeps it (`text_or_none`)."""
        return text_or_none(self.texts[name][i])

    def evidence_of(self, i: int) -> LazyMapping[str, str]:
        """Row i's filled evidence cells in column order, as `scoring.validate` keeps them; built when read."""
        evidence = self.evidence
        return LazyMapping(lambda: evidence.text(i))


@dataclass
class TableResult:
    """The rows assessed here, and the positions left for the row-by-row path."""

    row_by_row: list[int]
    levels: list[LevelsColumns] = field(default_factory=list)
    points: list[tuple[PointsColumns, PointsRubric]] = field(default_factory=list)
    kept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # the rows assessed here
    common: Common | None = None
    options: ScoringOptions | None = None

    def origins(self) -> dict[tuple[str, int], Place]:
        """Where each row assessed here was read, by (unit, year): for writing statuses back into the tabs."""
        common = self.common
        if common is None:
            return {}
        kept = self.kept.tolist()
        units, years = common.units, common.years[self.kept].tolist()
        places = common.origins_of(kept)
        return {(units[i].id, y): place for i, y, place in zip(kept, years, places, strict=True)}

    def with_ranks(self, others: list[ResultRow]) -> ResultTable:
        """Every result, the row-by-row ones (`others`) included, with points ranked across both.

        The rows assessed here are made only when read (`scoring.result_table`); ranks are decided now."""
        common, options = self.common, self.options
        table = TableBuilder()
        if common is None or options is None:
            return ResultTable.of(others)
        for lcols in self.levels:
            index = lcols.index
            table.add(index.size, _levels_maker(lcols, common, options), *common.columns(index, np.zeros(index.size)))
        ranked_others = [(i, r) for i, r in enumerate(others) if isinstance(r.outcome, PointsOutcome)]
        blocks = [(cols, rubric, cols.index) for cols, rubric in self.points if cols.index.size]
        if not (blocks or ranked_others):
            table.add(len(others), others.__getitem__, *_row_columns(others))
            return table.table()
        ids: list[str] = []
        groups: list[str] = []
        years: list[int] = []
        totals: list[int] = []
        for cols, rubric, index in blocks:
            ids.extend(common.ids[index].tolist())
            groups.extend(common.groups[index].tolist())
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
        starts = [0]
        for _, _, index in blocks:
            starts.append(starts[-1] + index.size)

        def own_total(j: int) -> Decimal:
            """The published total of the j-th ranked row (a block's, then the row-by-row ones)."""
            if j >= starts[-1]:
                return ranked_others[j - starts[-1]][1].outcome.total  # type: ignore[union-attr]
            b = bisect_right(starts, j) - 1
            cols, rubric, _ = blocks[b]
            return _decimal(rubric.decimals)(int(cols.total[j - starts[b]]))

        for b, (cols, rubric, index) in enumerate(blocks):
            span = slice(starts[b], starts[b + 1])
            table.add(index.size, _points_maker(cols, rubric, common, options, rank[span], in_group[span],
                                                before[span], own_total), *common.columns(index, rank[span]))
        merged = list(others)
        j = starts[-1]
        for i, row in ranked_others:
            prev = own_total(int(before[j])) if before[j] >= 0 else None
            points = row.outcome
            assert isinstance(points, PointsOutcome)
            merged[i] = replace(row, outcome=replace(points, rank=int(rank[j]), rank_in_group=int(in_group[j]),
                                                     previous_total=prev,
                                                     change=None if prev is None else points.total - prev))
            j += 1
        table.add(len(merged), merged.__getitem__, *_row_columns(merged))
        return table.table()


def _row_columns(rows: list[ResultRow]) -> tuple[list[Any], ...]:
    return ([r.unit_id for r in rows], [r.year for r in rows],
            [r.outcome.rank if isinstance(r.outcome, PointsOutcome) else 0 for r in rows], [r.submitted for r in rows])


def _points_maker(cols: PointsColumns, rubric: PointsRubric, common: Common, options: ScoringOptions,
                  rank: np.ndarray, in_group: np.ndarray, before: np.ndarray,
                  own_total: Callable[[int], Decimal]) -> MakeRow:
    """The k-th row of a points block, ranked (`rank`, `in_group`; `before`: the previous year's ranked row)."""

    def make(k: int) -> ResultRow:
        prev = own_total(int(before[k])) if before[k] >= 0 else None
        outcome = _points_outcome(cols, rubric, k, int(rank[k]), int(in_group[k]), prev)
        i = int(cols.index[k])
        return _result_row(common, options, i, outcome, "verified" if cols.verified[k] else "self",
                           cols.members[k], cols.cdht[k], common.text("quyet_dinh", i))

    return make


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
        outcome=outcome, source=common.origin(i).describe(), members=members, cdht=cdht, cdht_share=cdht_share,
        cdht_meets_target=meets, ban_khuyen_hoc=common.ban[i], plan_url=common.text("link_ke_hoach", i),
        submitted=submitted,
        submission_status=_status(submitted, common.deadlines[yr]), evidence=common.evidence_of(i),
        note=common.text("ghi_chu", i), council_note=council_note, recognition=common.decisions.get((unit.id, yr)),
    )


def _candidates(subs: Submissions, registry: Registry, options: ScoringOptions) -> tuple[np.ndarray, Common]:
    """Rows the row-by-row header checks would pass: the unit, the year, duplicates, the common header fields."""
    every = Cells(subs)
    # Per distinct cell (a unit's id, typed in each year's file), then spread: the unit, its years, id, group.
    positions, typed = distinct(every.raw("unit"))
    named = [text_or_none(t) for t in typed]
    by_cell = [None if t is None else registry.get(t.casefold()) for t in named]
    found = list({id(u): u for u in by_cell if u is not None}.values())
    at = {id(u): j + 1 for j, u in enumerate(found)}  # 0: no unit
    which = np.array([at[id(u)] if u is not None else 0 for u in by_cell], dtype=np.int64)[positions]
    units = np.array([None, *found], dtype=object)[which]
    has_unit = which > 0
    starts = np.array([0] + [u.first_year for u in found], dtype=np.int64)[which]
    ends = np.array([10_000] + [u.last_year if u.last_year is not None else 10_000 for u in found],
                    dtype=np.int64)[which]
    ids = np.array(["", *(u.id for u in found)], dtype=object)[which]
    groups = np.array(["", *(u.group for u in found)], dtype=object)[which]
    years = year_codes(subs)
    first, _ = options.rubrics.years
    in_range = (years >= first) & (years <= options.today.year + 1)
    rubrics = {int(y): options.rubrics.for_year(int(y)) for y in np.unique(years[in_range])}
    keyed = has_unit & in_range
    duplicate = np.zeros(len(subs), dtype=bool)
    if keyed.any():
        pairs = pd.DataFrame({"u": ids[keyed], "y": years[keyed]})
        duplicate[keyed] = pairs.duplicated(keep=False).to_numpy()
    ban = every.mapped("ban_khuyen_hoc", OPTIONAL_BOOL)
    submitted = every.mapped("ngay_gui", OPTIONAL_DATE)
    covered = np.isin(years, [y for y, r in rubrics.items() if r is not None]) & in_range
    candidate = (has_unit & covered & (starts <= years) & (years <= ends) & ~duplicate
                 & ~every.raw("irregular")
                 & (ban != BAD_VALUE).to_numpy() & (submitted != BAD_VALUE).to_numpy())
    deadlines = {y: options.deadline(y, r) for y, r in rubrics.items() if r is not None}
    decisions: dict[tuple[str, int], Recognition] = {}
    for d in options.decisions:
        decisions.setdefault((d.unit_id, d.year), d)  # the first, as `scoring.recognition.decision_for`
    common = Common(
        units=units, ids=ids, groups=groups, years=years, rubrics=rubrics, ban=list(ban),
        submitted=submitted.to_numpy(dtype=object),
        texts={name: every.raw(name) for name in ("link_ke_hoach", "ghi_chu", "quyet_dinh")},
        evidence=EvidenceCells({}, {}), origin=subs.origin, origins_of=subs.origins,
        deadlines=deadlines, targets={y: options.cdht_target(y) for y in rubrics}, decisions=decisions,
    )
    return candidate, common


def _levels_groups(rows: np.ndarray, common: Common, rubric: LevelsRubric) -> Iterator[tuple[tuple[str, str, bool], np.ndarray]]:
    """Rows of one levels rubric by (criteria set, unit type, public), as ascending positions in `rows`; units
    the rubric cannot place are left out."""
    groups: dict[tuple[str, str, bool], list[int]] = {}
    for at, i in enumerate(rows.tolist()):
        unit = common.units[i]
        assert unit is not None
        cset = rubric.set_for_cap(unit.cap or "")
        utype = rubric.unit_types.get(unit.loai or "")
        if cset is None or utype is None:
            continue  # "chua-phan-loai": the row-by-row path says so
        public = unit.cong_lap if unit.cong_lap is not None else utype.public_default
        groups.setdefault((cset.id, utype.id, public), []).append(at)
    for key, members in groups.items():
        yield key, np.array(members, dtype=np.int64)


def assess_table(subs: Submissions, registry: Registry, options: ScoringOptions) -> TableResult:
    n = len(subs)
    if n == 0:
        return TableResult(row_by_row=[])
    candidate, common = _candidates(subs, registry, options)
    common.evidence = evidence_cells(subs)
    clean = np.zeros(n, dtype=bool)
    result = TableResult(row_by_row=[], common=common, options=options)
    for yr in sorted(common.rubrics):
        rubric = common.rubrics[yr]
        rows = np.flatnonzero(candidate & (common.years == yr))
        if rubric is None or rows.size == 0:
            continue
        cells = Cells(subs, rows)
        if isinstance(rubric, PointsRubric):
            ok, cols = assess_points(cells, rubric)
            clean[rows[ok]] = True
            cols.index = rows[cols.index]
            result.points.append((cols, rubric))
        elif isinstance(rubric, LevelsRubric):
            for (set_id, type_id, public), at in _levels_groups(rows, common, rubric):
                group = rows[at]
                proof = {ind: values[group] for ind, values in common.evidence.proof.items()}
                ok, lcols = assess_group(cells.subset(at), proof, rubric.sets[set_id], rubric.unit_types[type_id],
                                         public, options.cdht_rule)
                clean[group[ok]] = True
                lcols.index = group[lcols.index]
                result.levels.append(lcols)
    result.row_by_row = [int(i) for i in np.flatnonzero(~clean)]
    result.kept = np.flatnonzero(clean)
    return result


def _levels_maker(cols: LevelsColumns, common: Common, options: ScoringOptions) -> MakeRow:
    """The k-th clean row of a levels group; its checks are built when first read (`ColumnChecks`)."""
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

    def make(k: int) -> ResultRow:
        reasons = text_or_none(cols.council_reasons[k])
        learners = int(cols.learners[k]) if cols.learners is not None else None
        lcount = int(learners_cdht[k]) if learners_cdht is not None else None
        outcome = LevelsOutcome(
            set=cset.id, level_requested=int(cols.requested[k]), level_met=int(cols.level_met[k]),
            self_level_met=int(cols.self_level_met[k]), checks=ColumnChecks(cols, k, options),
            criteria_met={c: bool(v[k]) for c, v in criteria}, learners=learners, learners_cdht=lcount,
            council_reasons=reasons,
        )
        return _result_row(common, options, int(cols.index[k]), outcome, "verified" if council_used[k] else "self",
                           int(cols.members[k]), int(cdht_counts[k]) if cdht_counts is not None else None,
                           reasons)

    return make
