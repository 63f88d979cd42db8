"""The status hoctap writes back into each agency tab after a check, in Vietnamese.

"Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)" or, under Thông tư 24/2023, the level
reached and every chỉ tiêu that is không đạt with its reason; a rejected tab
gets "Chưa hợp lệ — D12: …", each problem with its A1 cell.
"""

from __future__ import annotations

from collections.abc import Callable

from scoring.canonical import Place
from scoring.results import BASIS_LABELS, LevelsOutcome, PointsOutcome, ResultRow, ScoreReport
from scoring.vietnamese import vi_number


def status_text(row: ResultRow) -> str:
    basis = BASIS_LABELS[row.basis]
    outcome = row.outcome
    if isinstance(outcome, PointsOutcome):
        return f"Hợp lệ — {vi_number(outcome.total)} điểm, {outcome.klass} ({basis})"
    assert isinstance(outcome, LevelsOutcome)
    reached = f"đạt mức độ {outcome.level_met}" if outcome.level_met else "chưa đạt mức độ 1"
    head = f"Hợp lệ — {reached} (đề nghị mức độ {outcome.level_requested}; {basis})"
    failing = [f"chỉ tiêu {c.id}: {'; '.join(c.reasons) or 'không đạt'}" for c in outcome.checks.values()
               if c.result == "khong-dat"]
    parts = [head, *failing, *row.warnings]
    return ". ".join(parts) + "."


def tab_statuses(report: ScoreReport, keep: Callable[[Place], bool]) -> dict[str, str]:
    """The text for each tab's status cell, keyed by tab title, for the sources `keep` accepts."""
    out: dict[str, str] = {}
    for result in report.results:
        place = result_place(result, report)
        if place is not None and keep(place) and place.tab is not None:
            out[place.tab] = status_text(result)
    for rejection in report.rejected:
        if keep(rejection.origin) and rejection.origin.tab is not None:
            problems = "; ".join(p.in_sheet() for p in rejection.problems)
            out[rejection.origin.tab] = f"Chưa hợp lệ — {problems}"
    return out


def result_place(result: ResultRow, report: ScoreReport) -> Place | None:
    return report.origins.get((result.unit_id, result.year))
