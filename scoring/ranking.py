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


def _min_ranks(keys: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Competition ranks ("1, 2, 2, 4": the highest total first) of `totals` within each value of `keys`."""
    n = len(totals)
    order = np.lexsort((-totals, keys))
    k, t = keys[order], totals[order]
    at = np.arange(n)
    new_key = np.ones(n, dtype=bool)
    new_key[1:] = k[1:] != k[:-1]
    new_total = new_key.copy()
    new_total[1:] |= t[1:] != t[:-1]
    key_start = np.maximum.accumulate(np.where(new_key, at, 0))
    total_start = np.maximum.accumulate(np.where(new_total, at, 0))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = total_start - key_start + 1
    return ranks


def rank_arrays(unit_ids: Sequence[str], years: Sequence[int], groups: Sequence[str],
                totals: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rank per year, rank per year and group, position of the same unit's previous-year row or -1): 1, 2, 2, 4.

    Integer arrays throughout (a national run ranks some 30,000 results): units and groups as codes."""
    year = np.asarray(years, dtype=np.int64)
    total = np.asarray(totals, dtype=np.int64)
    if not len(total):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    group = pd.factorize(np.asarray(groups, dtype=object))[0].astype(np.int64)
    unit = pd.factorize(np.asarray(unit_ids, dtype=object))[0].astype(np.int64)
    span = int(year.max() - year.min()) + 2
    rank = _min_ranks(year, total)
    in_group = _min_ranks(year * (int(group.max()) + 1) + group, total)
    # The previous year's row of the same unit: keys unit × span + year, looked up one year earlier.
    key = unit * span + (year - year.min() + 1)
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    wanted = key - 1
    found = np.searchsorted(ordered, wanted)
    hit = (found < len(ordered)) & (ordered[np.minimum(found, len(ordered) - 1)] == wanted)
    before = np.where(hit, order[np.minimum(found, len(ordered) - 1)], -1)
    return rank, in_group, before.astype(np.int64)


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
