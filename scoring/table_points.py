"""The `points` method (Thông tư 22/2020) over whole columns: which rows are clean, and their totals.

A row is taken here only when `scoring.points.judge_points` and the header
checks would find nothing wrong with it; any doubt (a blank, a word, a value
over the maximum, a foreign column) sends it to the row-by-row path, which
names the cell. Points are integers in 1/10^decimals from cell to total, so
the class bands (Điều 6) and the ranks compare exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from scoring.points import PointsRubric
from scoring.table_cells import BAD, BLANK, Cells, scaled_points, whole
from scoring.wide_table import COUNCIL, OWN, VERIFIED


@dataclass
class PointsColumns:
    """The clean rows of one points rubric, as columns (one array entry per row of `index`)."""

    index: np.ndarray  # positions in the wide table
    points: dict[str, np.ndarray]  # per indicator, the points that count (verified when complete, else own)
    own: dict[str, np.ndarray]
    verified: np.ndarray  # bool: the reviewer filled every indicator
    criteria: dict[str, np.ndarray]
    total: np.ndarray
    self_total: np.ndarray
    klass: np.ndarray  # the band's name
    members: list[int | None]
    cdht: list[int | None]


def _summed(columns: list[np.ndarray], size: int) -> np.ndarray:
    out = np.zeros(size, dtype=np.int64)
    for column in columns:
        out += column
    return out


def assess_points(cells: Cells, rubric: PointsRubric) -> tuple[np.ndarray, PointsColumns]:
    """(clean, columns): `clean` marks the rows of `cells` assessed here; the others go row by row."""
    n = len(cells)
    scale = 10 ** rubric.decimals
    parse = scaled_points(rubric.decimals)
    clean = np.ones(n, dtype=bool)
    own: dict[str, np.ndarray] = {}
    verified: dict[str, np.ndarray] = {}
    for ind in rubric.indicators:
        maximum = int(ind.max * scale)
        mine = cells.codes(OWN + ind.id, parse)
        clean &= (mine >= 0) & (mine <= maximum)
        theirs = cells.codes(VERIFIED + ind.id, parse)
        clean &= (theirs == BLANK) | ((theirs >= 0) & (theirs <= maximum))
        own[ind.id], verified[ind.id] = mine, theirs
    known = set(rubric.indicator_ids)
    for column in cells.names:
        prefix, _, ind_id = column.partition(":")
        if (prefix + ":" in (OWN, VERIFIED) and ind_id not in known) or prefix + ":" == COUNCIL:
            clean &= ~cells.filled(column)
    # Optional head counts, as integer codes: blank (BLANK) is None, unreadable (BAD) goes row by row, and no more
    # CDHT than members.
    members, cdht = cells.codes("so_thanh_vien", whole), cells.codes("so_cdht", whole)
    clean &= (members != BAD) & (cdht != BAD) & ~((members >= 0) & (cdht > members))

    keep = np.flatnonzero(clean)
    complete = np.logical_and.reduce([verified[i][keep] >= 0 for i in rubric.indicator_ids]) if keep.size else np.zeros(0, bool)
    points = {i: np.where(complete, verified[i][keep], own[i][keep]) for i in rubric.indicator_ids}
    own_kept = {i: own[i][keep] for i in rubric.indicator_ids}
    criteria = {c.id: _summed([points[i.id] for i in c.indicators], keep.size) for c in rubric.criteria}
    total = _summed(list(criteria.values()), keep.size)
    self_total = _summed(list(own_kept.values()), keep.size)
    klass = np.full(keep.size, rubric.classes[-1].name, dtype=object)
    for band in reversed(rubric.classes):  # highest minimum last, so it wins
        klass[total >= int(band.min * scale)] = band.name
    return clean, PointsColumns(
        index=keep, points=points, own=own_kept, verified=complete, criteria=criteria, total=total,
        self_total=self_total, klass=klass,
        members=[None if v == BLANK else v for v in members[keep].tolist()],
        cdht=[None if v == BLANK else v for v in cdht[keep].tolist()],
    )


def scale_of(rubric: PointsRubric) -> Decimal:
    return Decimal(10) ** rubric.decimals
