"""Score every submission: validate, assess by the year's method, rank, compare years, join decisions.

`score()` is the one entry point. Clean rows are assessed a column at a time
(`scoring.table_scoring`); every other row, and every rejection with its
messages, goes through the row-by-row rules (`scoring.validate`), which
`score_rows()` applies to every row: the reference the vectorised path is
tested against. Neither drops a row: `read == scored + rejected` is checked
before a report is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from scoring.bulk import collector_paused
from scoring.canonical import Place, Submission
from scoring.errors import ScoringError
from scoring.options import ScoringOptions, rubric_deadline
from scoring.problems import Rejection
from scoring.ranking import rank_points
from scoring.recognition import decision_for
from scoring.registry import Registry
from scoring.results import Deadline, ResultRow, ScoreReport, StatusRow, SubmissionStatus
from scoring.table_scoring import assess_table
from scoring.validate import Accepted, ValidationOptions, validate
from scoring.wide_table import as_submissions


def _status(submitted: date | None, deadline: Deadline) -> SubmissionStatus:
    if submitted is None:
        return "khong-ro-ngay"
    return "dung-han" if deadline.on_time(submitted) else "tre-han"


def _row(acc: Accepted, options: ScoringOptions) -> ResultRow:
    share = meets = None
    if acc.members and acc.cdht is not None:
        share = (Decimal(acc.cdht) / Decimal(acc.members)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        target = options.cdht_target(acc.year)
        meets = None if target is None else share >= target[0]
    return ResultRow(
        unit_id=acc.unit.id,
        year=acc.year,
        name=acc.unit.name,
        short_name=acc.unit.short_name,
        group=acc.unit.group,
        rubric=acc.rubric.id,
        basis=acc.basis,
        outcome=acc.outcome,
        source=acc.submission.origin.describe(),
        members=acc.members,
        cdht=acc.cdht,
        cdht_share=share,
        cdht_meets_target=meets,
        ban_khuyen_hoc=acc.ban_khuyen_hoc,
        plan_url=acc.plan_url,
        submitted=acc.submitted,
        submission_status=_status(acc.submitted, options.deadline(acc.year, acc.rubric)),
        evidence=acc.evidence,
        note=acc.note,
        council_note=acc.council_note,
        recognition=decision_for(options.decisions, acc.unit.id, acc.year),
        warnings=acc.warnings,
    )


def _statuses(results: list[ResultRow], rejected: list[Rejection], registry: Registry, years: list[int]) -> list[StatusRow]:
    by_key = {(r.unit_id, r.year): r for r in results}
    refused = {(r.unit_id, r.year) for r in rejected if r.known_unit}
    out = []
    for year in years:
        for unit in registry.active(year):
            result = by_key.get((unit.id, year))
            if result is not None:
                out.append(StatusRow(unit.id, year, result.submission_status, result.submitted))
            elif (unit.id, year) in refused:
                out.append(StatusRow(unit.id, year, "bi-tu-choi", None))
            else:
                out.append(StatusRow(unit.id, year, "chua-nop", None))
    return out


def _report(read: int, results: list[ResultRow], rejected: list[Rejection], registry: Registry,
            options: ScoringOptions, origins: dict[tuple[str, int], Place]) -> ScoreReport:
    results.sort(key=lambda r: (r.year, r.points.rank if r.points else 0, r.unit_id))
    years = sorted({r.year for r in results} | {r.year for r in rejected if r.year is not None})
    deadlines = {y: d for y in years if (d := options.deadline_for(y)) is not None}
    report = ScoreReport(read=read, results=results, rejected=rejected,
                         statuses=_statuses(results, rejected, registry, years), deadlines=deadlines, origins=origins)
    if report.read != len(report.results) + len(report.rejected):
        raise ScoringError("Một phiếu đã bị bỏ sót khi chấm điểm: số đọc được không khớp (lỗi chương trình).")
    return report


def score_rows(submissions: Sequence[Submission], registry: Registry, options: ScoringOptions) -> ScoreReport:
    """Every row through the row-by-row rules: the reference `score()` must equal."""
    accepted, rejected = validate(submissions, registry, _validation(options))
    results = rank_points([_row(a, options) for a in accepted])
    return _report(len(submissions), results, rejected, registry, options,
                   {(a.unit.id, a.year): a.submission.origin for a in accepted})


def score(submissions: Sequence[Submission], registry: Registry, options: ScoringOptions) -> ScoreReport:
    """Validate, assess, rank and compare every submission; `read == scored + rejected` always."""
    subs = as_submissions(submissions)
    with collector_paused():
        fast = assess_table(subs, registry, options)
        others = [subs[i] for i in fast.row_by_row]
        accepted, rejected = validate(others, registry, _validation(options))
        results = fast.with_ranks([_row(a, options) for a in accepted])
        origins = fast.origins
        origins.update({(a.unit.id, a.year): a.submission.origin for a in accepted})
        return _report(len(subs), results, rejected, registry, options, origins)


def _validation(options: ScoringOptions) -> ValidationOptions:
    return ValidationOptions(options.rubrics, options.today, options.cdht_rule)


__all__ = ["ScoringOptions", "rubric_deadline", "score", "score_rows"]
