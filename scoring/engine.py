"""Score every submission: validate, assess by the year's method, rank, compare years, join decisions.

`score()` is the one entry point. Clean rows are assessed a column at a time
(`scoring.table_scoring`); every other row, and every rejection with its
messages, goes through the row-by-row rules (`scoring.validate`), which
`score_rows()` applies to every row: the reference the vectorised path is
tested against. Neither drops a row: `read == scored + rejected` is checked
before a report is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from scoring.bulk import collector_paused
from scoring.canonical import Place, Submission
from scoring.errors import ScoringError
from scoring.lazy_mapping import LazyMapping
from scoring.options import ScoringOptions, rubric_deadline
from scoring.problems import Rejection
from scoring.ranking import rank_points
from scoring.recognition import decision_for
from scoring.registry import Registry
from scoring.result_table import ResultTable, YearStatuses
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


def _statuses(results: ResultTable, rejected: list[Rejection], registry: Registry, years: list[int],
              deadlines: dict[int, Deadline]) -> YearStatuses:
    """Each active unit's status per year, a year's made when first read (by the process writing that year)."""
    refused = {(r.unit_id, r.year) for r in rejected if r.known_unit}

    def of_year(year: int) -> list[StatusRow]:
        mine = results.of_year(year)
        by_unit = dict(zip(mine.unit_ids.tolist(), mine.submitted.tolist(), strict=True))
        deadline = deadlines.get(year)
        out = []
        for unit in registry.active(year):
            if unit.id in by_unit:
                submitted = by_unit[unit.id]
                assert deadline is not None  # a result's year has a rubric
                out.append(StatusRow(unit.id, year, _status(submitted, deadline), submitted))
            elif (unit.id, year) in refused:
                out.append(StatusRow(unit.id, year, "bi-tu-choi", None))
            else:
                out.append(StatusRow(unit.id, year, "chua-nop", None))
        return out

    return YearStatuses(of_year, [y for y in years if any(u.active_in(y) for u in registry.units)])


def _report(read: int, results: ResultTable, rejected: list[Rejection], registry: Registry,
            options: ScoringOptions, origins: Mapping[tuple[str, int], Place]) -> ScoreReport:
    results = results.sorted()
    years = sorted(set(results.years.tolist()) | {r.year for r in rejected if r.year is not None})
    deadlines = {y: d for y in years if (d := options.deadline_for(y)) is not None}
    report = ScoreReport(read=read, results=results, rejected=rejected,
                         statuses=_statuses(results, rejected, registry, years, deadlines), deadlines=deadlines, origins=origins)
    if report.read != len(report.results) + len(report.rejected):
        raise ScoringError("Một phiếu đã bị bỏ sót khi chấm điểm: số đọc được không khớp (lỗi chương trình).")
    return report


def score_rows(submissions: Sequence[Submission], registry: Registry, options: ScoringOptions) -> ScoreReport:
    """Every row through the row-by-row rules: the reference `score()` must equal."""
    accepted, rejected = validate(submissions, registry, _validation(options))
    results = ResultTable.of(rank_points([_row(a, options) for a in accepted]))
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
        # Read only to write statuses back into tabs: made then (tens of thousands of places in a national run).
        origins = LazyMapping(lambda: fast.origins() | {(a.unit.id, a.year): a.submission.origin for a in accepted})
        return _report(len(subs), results, rejected, registry, options, origins)


def _validation(options: ScoringOptions) -> ValidationOptions:
    return ValidationOptions(options.rubrics, options.today, options.cdht_rule)


__all__ = ["ScoringOptions", "rubric_deadline", "score", "score_rows"]
