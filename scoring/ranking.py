"""Competition ranks and year-on-year change for `points` results (Thông tư 22/2020).

pandas does the grouping; totals are compared as integers (hundredths), so
the ranking is exact (two units on 88,5 share a rank whatever floats would
say). "Change" compares with the previous calendar year only: a unit with no
result the year before has no change, not a change against an older year.
Both scoring paths rank through `rank_arrays`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd

from scoring.results import PointsOutcome, ResultRow


def hundredths(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def rank_arrays(unit_ids: Sequence[str], years: Sequence[int], groups: Sequence[str],
                totals: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rank per year, rank per year and group, position of the same unit's previous-year row or -1): 1, 2, 2, 4."""
    frame = pd.DataFrame({"unit_id": unit_ids, "year": years, "group": groups, "total": totals})
    rank = frame.groupby("year")["total"].rank(method="min", ascending=False).to_numpy(dtype=np.int64)
    in_group = frame.groupby(["year", "group"])["total"].rank(method="min", ascending=False).to_numpy(dtype=np.int64)
    previous = pd.DataFrame({"unit_id": frame["unit_id"], "year": frame["year"] + 1, "before": np.arange(len(frame))})
    joined = frame[["unit_id", "year"]].merge(previous, on=["unit_id", "year"], how="left")
    return rank, in_group, joined["before"].fillna(-1).to_numpy(dtype=np.int64)


def rank_points(results: list[ResultRow]) -> list[ResultRow]:
    """Ranks per year and per year and group, and the change against the previous year."""
    scored = [(i, r.outcome) for i, r in enumerate(results) if isinstance(r.outcome, PointsOutcome)]
    if not scored:
        return results
    rows = [results[i] for i, _ in scored]
    rank, in_group, before = rank_arrays([r.unit_id for r in rows], [r.year for r in rows], [r.group for r in rows],
                                         [hundredths(o.total) for _, o in scored])
    out = list(results)
    for k, (i, outcome) in enumerate(scored):
        prev_total = scored[before[k]][1].total if before[k] >= 0 else None
        out[i] = replace(results[i], outcome=replace(
            outcome, rank=int(rank[k]), rank_in_group=int(in_group[k]), previous_total=prev_total,
            change=None if prev_total is None else outcome.total - prev_total,
        ))
    return out
