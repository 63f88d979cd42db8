"""Score accepted submissions: exact totals, Điều 6 classes, ranks, year-on-year change.

Points stay `Decimal` from the cell to the total, so a tab adding up to
exactly 85 is Tốt however floats would have summed it. pandas does the
grouping (criteria subtotals, competition ranks, previous-year joins).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from scoring.canonical import Submission
from scoring.errors import ScoringError
from scoring.methods import METHODS
from scoring.registry import Registry
from scoring.results import ScoreReport, UnitResult, UnitStatus
from scoring.rubric import Rubric
from scoring.validate import Accepted, validate


def default_deadline(year: int) -> date:
    """Long An's 2020 letter: reports reach the Sở GD&ĐT before 31/01 of the following year."""
    return date(year + 1, 1, 31)


@dataclass(frozen=True)
class ScoringOptions:
    deadline: Callable[[int], date] = default_deadline
    # year → (share, milestone year); None when no target applies
    cdht_target: Callable[[int], tuple[Decimal, int] | None] = field(default=lambda year: None)
    rubrics: Sequence[Rubric] | None = None


def _result(acc: Accepted, options: ScoringOptions) -> UnitResult:
    points = acc.verified_points if acc.verified_points is not None else acc.self_points
    assessment = METHODS[acc.rubric.method].assess(acc.rubric, points)
    share = None
    meets = None
    if acc.members and acc.cdht is not None:
        share = (Decimal(acc.cdht) / Decimal(acc.members)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        target = options.cdht_target(acc.year)
        meets = None if target is None else share >= target[0]
    deadline = options.deadline(acc.year)
    if acc.submitted is None:
        status = "khong-ro-ngay"
    else:
        status = "dung-han" if acc.submitted <= deadline else "tre-han"
    return UnitResult(
        unit_id=acc.unit.id,
        year=acc.year,
        name=acc.unit.name,
        short_name=acc.unit.short_name,
        group=acc.unit.group,
        rubric=acc.rubric.id,
        points=dict(points),
        criteria=assessment.criteria,
        total=assessment.total,
        klass=assessment.klass,
        basis="verified" if acc.verified_points is not None else "self",
        self_total=sum(acc.self_points.values(), Decimal(0)),
        origin=acc.submission.origin,
        members=acc.members,
        cdht=acc.cdht,
        cdht_share=share,
        cdht_meets_target=meets,
        ban_khuyen_hoc=acc.ban_khuyen_hoc,
        plan_url=acc.plan_url,
        submitted=acc.submitted,
        submission_status=status,
        evidence=acc.evidence,
        note=acc.note,
        decision=acc.decision,
    )


def _rank(results: list[UnitResult]) -> list[UnitResult]:
    """Competition ranks (1, 2, 2, 4) per year and per year and group; change against the previous year scored."""
    if not results:
        return []
    frame = pd.DataFrame(
        {
            "i": range(len(results)),
            "unit_id": [r.unit_id for r in results],
            "year": [r.year for r in results],
            "group": [r.group for r in results],
            # Decimals with at most a few places order exactly as their floats do.
            "total": [float(r.total) for r in results],
        }
    )
    frame["rank"] = frame.groupby("year")["total"].rank(method="min", ascending=False).astype(int)
    frame["rank_in_group"] = frame.groupby(["year", "group"])["total"].rank(method="min", ascending=False).astype(int)
    frame = frame.sort_values(["unit_id", "year"])
    frame["previous_i"] = frame.groupby("unit_id")["i"].shift(1).fillna(-1).astype(int)
    out = list(results)
    columns = zip(
        frame["i"].tolist(), frame["rank"].tolist(), frame["rank_in_group"].tolist(), frame["previous_i"].tolist(),
        strict=True,
    )
    for i, rank, rank_in_group, previous_i in columns:
        r = results[i]
        prev = results[previous_i] if previous_i >= 0 else None
        out[i] = replace(
            r,
            rank=rank,
            rank_in_group=rank_in_group,
            previous_year=prev.year if prev else None,
            previous_total=prev.total if prev else None,
            change=(r.total - prev.total) if prev else None,
        )
    out.sort(key=lambda r: (r.year, r.rank, r.unit_id))
    return out


def _statuses(results: list[UnitResult], report_rejected: list[tuple[str | None, int | None]],
              registry: Registry, years: list[int]) -> list[UnitStatus]:
    by_key = {(r.unit_id, r.year): r for r in results}
    rejected = {(u, y) for u, y in report_rejected}
    out = []
    for year in years:
        for unit in registry.active(year):
            result = by_key.get((unit.id, year))
            if result is not None:
                out.append(UnitStatus(unit.id, year, result.submission_status, result.submitted))
            elif (unit.id, year) in rejected:
                out.append(UnitStatus(unit.id, year, "bi-tu-choi", None))
            else:
                out.append(UnitStatus(unit.id, year, "chua-nop", None))
    return out


def score(
    submissions: Sequence[Submission], registry: Registry, options: ScoringOptions | None = None
) -> ScoreReport:
    """Validate, score, classify and rank every submission; `read == scored + rejected` always."""
    options = options or ScoringOptions()
    accepted, rejected = validate(submissions, registry, options.rubrics)
    results = _rank([_result(a, options) for a in accepted])
    years = sorted({r.year for r in results} | {r.year for r in rejected if r.year is not None})
    statuses = _statuses(results, [(r.unit_id, r.year) for r in rejected], registry, years)
    report = ScoreReport(
        read=len(submissions),
        results=results,
        rejected=rejected,
        statuses=statuses,
        deadlines={y: options.deadline(y) for y in years},
    )
    if report.read != len(report.results) + len(report.rejected):
        raise ScoringError("Một phiếu đã bị bỏ sót khi chấm điểm: số đọc được không khớp (lỗi chương trình).")
    return report
