"""Competition ranks and year-on-year change for `points` results (Thông tư 22/2020).

pandas does the grouping; totals are compared as integer hundredths, so the
ranking is exact (two units on 88,5 share a rank whatever floats would say).
"Change" compares with the previous calendar year only: a unit with no
result the year before has no change, not a change against an older year.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd

from scoring.results import PointsOutcome, ResultRow


def hundredths(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def rank_points(results: list[ResultRow]) -> list[ResultRow]:
    """Ranks (1, 2, 2, 4) per year and per year and group, and the change against the previous year."""
    scored = [(i, r) for i, r in enumerate(results) if isinstance(r.outcome, PointsOutcome)]
    if not scored:
        return results
    frame = pd.DataFrame(
        {
            "i": [i for i, _ in scored],
            "unit_id": [r.unit_id for _, r in scored],
            "year": [r.year for _, r in scored],
            "group": [r.group for _, r in scored],
            "total": [hundredths(r.outcome.total) for _, r in scored],  # type: ignore[union-attr]
        }
    )
    frame["rank"] = frame.groupby("year")["total"].rank(method="min", ascending=False).astype(int)
    frame["rank_in_group"] = frame.groupby(["year", "group"])["total"].rank(method="min", ascending=False).astype(int)
    previous = frame[["unit_id", "year", "i"]].rename(columns={"i": "previous_i"})
    previous["year"] = previous["year"] + 1
    frame = frame.merge(previous, on=["unit_id", "year"], how="left")
    out = list(results)
    for i, rank, in_group, prev_i in zip(frame["i"], frame["rank"], frame["rank_in_group"], frame["previous_i"],
                                         strict=True):
        row = results[int(i)]
        outcome = row.outcome
        assert isinstance(outcome, PointsOutcome)
        before = results[int(prev_i)].outcome if pd.notna(prev_i) else None
        prev_total = before.total if isinstance(before, PointsOutcome) else None
        out[int(i)] = replace(row, outcome=replace(
            outcome, rank=int(rank), rank_in_group=int(in_group), previous_total=prev_total,
            change=None if prev_total is None else outcome.total - prev_total,
        ))
    return out
