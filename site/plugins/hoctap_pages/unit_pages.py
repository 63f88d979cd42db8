"""A unit's page: its history across years (and across the 2025 merger), each year's detail, its recognition.

Points years (Thông tư 22/2020) show the points per indicator and the class;
levels years (Thông tư 24/2023) show each chỉ tiêu with its threshold, what
the unit reported, its evidence and the Hội đồng's judgement. Every link a
submitter typed goes through `scoring.text.safe_url`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scoring.levels_rubric import DIGITAL_LEVELS, LevelIndicator, LevelsRubric
from scoring.points import PointsRubric
from scoring.recognition import stage
from scoring.registry import Unit
from scoring.results import BASIS_LABELS, CHECK_LABELS, STATUS_LABELS, Deadline, IndicatorCheck, ResultRow
from scoring.results_json import RejectedRow
from scoring.text import safe_url
from scoring.vietnamese import vi_number, vi_percent

from .charts import Chart, criteria_chart, history_chart
from .site_data import SiteData, UnitAuthority, unit_url
from .year_pages import STAGE_LABELS


@dataclass(frozen=True)
class Link:
    url: str | None  # a safe http(s) link, or None
    text: str | None  # what was typed, shown as text when it is not a safe link


def link(value: str | None) -> Link:
    url = safe_url(value)
    return Link(url, None if url else value)


@dataclass(frozen=True)
class CheckView:
    indicator: LevelIndicator
    text: str
    citation: str
    requirement: str
    reported: str
    evidence: Link
    check: IndicatorCheck
    label: str
    own_label: str
    council_label: str


def requirement(ind: LevelIndicator, level: int, learners: bool) -> str:
    rule = ind.rule(level)
    if ind.kind == "digital" and rule.digital_min:
        return DIGITAL_LEVELS[rule.digital_min]
    if rule.threshold is not None:
        text = f"≥ {vi_number(rule.threshold)}% thành viên"
        if ind.kind == "cdht" and learners and rule.learners_threshold is not None:
            text += f"; ≥ {vi_number(rule.learners_threshold)}% người học"
        return text
    return "Đạt"


def count(value: int) -> str:
    """A head count the Vietnamese way: 1.200."""
    return vi_number(Decimal(value))


def reported(check: IndicatorCheck, members: int | None, learners: int | None) -> str:
    if check.count is not None and members:
        text = f"{count(check.count)}/{count(members)} thành viên ({vi_percent(check.share)})" if check.share is not None else ""
        if check.learners_count is not None and learners and check.learners_share is not None:
            text += f"; {count(check.learners_count)}/{count(learners)} người học ({vi_percent(check.learners_share)})"
        return text
    if check.answer in DIGITAL_LEVELS:
        return DIGITAL_LEVELS[check.answer]
    if check.answer in CHECK_LABELS:
        return CHECK_LABELS[check.answer]
    return "—"


def check_views(row: ResultRow, rubric: LevelsRubric) -> list[dict[str, Any]]:
    """Per tiêu chí, its chỉ tiêu as judged, against the requested level's text and threshold."""
    levels = row.levels
    assert levels is not None
    cset = rubric.sets[levels.set]
    unit_learners = levels.learners is not None
    out = []
    for crit in cset.criteria:
        items = []
        for ind in crit.indicators:
            check = levels.checks[ind.id]
            rule = ind.rule(levels.level_requested)
            applies = check.result != "khong-ap-dung"
            items.append(CheckView(
                indicator=ind, text=rule.text, citation=rule.citation,
                requirement=requirement(ind, levels.level_requested, unit_learners) if applies else "—",
                reported=reported(check, row.members, levels.learners) if applies else "—",
                evidence=link(check.evidence), check=check, label=CHECK_LABELS[check.result],
                own_label=CHECK_LABELS[check.self_result],
                council_label=CHECK_LABELS[check.council] if check.council else "—",
            ))
        out.append({"criterion": crit, "met": levels.criteria_met.get(crit.id, False),
                    "citation": crit.citations[levels.level_requested], "rows": items})
    return out


def points_breakdown(row: ResultRow, rubric: PointsRubric) -> list[dict[str, Any]]:
    points = row.points
    assert points is not None
    out = []
    for c in rubric.criteria:
        indicators = [{"indicator": ind, "points": points.points.get(ind.id), "evidence": link(row.evidence.get(ind.id))}
                      for ind in c.indicators]
        out.append({"criterion": c, "points": points.criteria.get(c.id), "indicators": indicators})
    return out


@dataclass
class UnitYear:
    year: int
    unit: Unit  # the unit of that year (a predecessor before the merger)
    # Of the year, only what the page shows: a unit's page must not depend on the other units' results.
    deadline: Deadline | None
    cdht_target: tuple[Decimal, int] | None
    result: ResultRow | None
    rejections: list[RejectedRow]
    status: str
    status_label: str
    submitted: Any
    rubric: Any
    plan: Link
    authority: UnitAuthority
    band_css: str = "khac"
    basis_label: str = "—"
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    stage_label: str = ""
    criteria_chart: Chart | None = None


def _unit_year(data: SiteData, unit: Unit, year: int) -> UnitYear | None:
    yr = data.year(year)
    result = yr.result_for(unit.id)
    rejections = yr.rejections_for(unit.id)
    status = yr.status_for(unit.id)
    if result is None and not rejections and status is None and not unit.active_in(year):
        return None
    # A year rejected after the unit ended has no status row: it was rejected, never "not submitted".
    code = status.status if status else (result.submission_status if result else
                                         "bi-tu-choi" if rejections else "chua-nop")
    rubric = data.rubric(year)
    uy = UnitYear(year=year, unit=unit, deadline=yr.deadline, cdht_target=yr.cdht_target, result=result,
                  rejections=rejections, status=code,
                  status_label=STATUS_LABELS.get(code, code),
                  submitted=(status.submitted if status else None) or (result.submitted if result else None),
                  rubric=rubric, plan=link(result.plan_url if result else None),
                  authority=data.authority_for(year, unit))
    if result is None:
        return uy
    uy.basis_label = BASIS_LABELS[result.basis]
    if isinstance(rubric, PointsRubric) and result.points:
        band = rubric.band(result.points.klass)
        uy.band_css = band.css if band else "khac"
        uy.breakdown = points_breakdown(result, rubric)
        uy.criteria_chart = criteria_chart([(c.id, result.points.criteria.get(c.id), c.max) for c in rubric.criteria])
    elif isinstance(rubric, LevelsRubric) and result.levels:
        uy.checks = check_views(result, rubric)
        uy.stage_label = STAGE_LABELS[stage(result)]
    return uy


def search_summary(unit: Unit, years: list[UnitYear]) -> str:
    """One line for the search results: the group and level, the years assessed, the latest result."""
    span = (f"năm {unit.first_year}" if unit.last_year == unit.first_year else
            f"từ năm {unit.first_year}" + (f" đến năm {unit.last_year}" if unit.last_year else ""))
    parts = [unit.group, *([unit.level] if unit.level else []), f"thuộc diện đánh giá {span}"]
    latest = next((y for y in reversed(years) if y.result), None)
    if latest is not None and latest.result is not None:
        r = latest.result
        if r.points:
            parts.append(f"năm {latest.year}: {vi_number(r.points.total)} điểm, {r.points.klass}")
        elif r.levels:
            level = f"mức độ {r.levels.level_met}" if r.levels.level_met else "chưa đạt mức độ 1"
            parts.append(f"năm {latest.year}: {level}")
    return " · ".join(parts)


def unit_context(data: SiteData, unit: Unit) -> dict[str, Any]:
    lineage = [data.unit_by_id[i] for i in data.lineage(unit.id) if i in data.unit_by_id]
    years: list[UnitYear] = []
    for year in data.years:
        for member in lineage:
            uy = _unit_year(data, member, year)
            if uy is not None:
                years.append(uy)
                break
    points_years = [y for y in years if isinstance(y.rubric, PointsRubric)]
    # Whose totals the chart shows: before the merger, the predecessor's.
    chart_names = list(dict.fromkeys(y.unit.name for y in points_years if y.result))
    chart = None
    if any(y.result for y in points_years):
        rubric = next(y.rubric for y in reversed(points_years) if y.result)
        chart = history_chart([(y.year, y.result.points.total if y.result and y.result.points else None)
                               for y in points_years],
                              [(b.min, b.name) for b in rubric.classes], rubric.max_total)
    successor = data.unit_by_id.get(unit.successor) if unit.successor else None
    recognitions = sorted((d for d in data.results.decisions if d.unit_id in {u.id for u in lineage}),
                          key=lambda d: d.year)
    return {
        "unit": unit, "unit_years": years, "history_chart": chart, "successor": successor,
        "successor_url": unit_url(successor.id) if successor else None,
        "predecessors": [(u, unit_url(u.id)) for u in lineage if u.id != unit.id],
        "recognitions": recognitions, "ever_submitted": any(y.result or y.rejections for y in years),
        "chart_names": chart_names, "unit_names": {u.id: u.name for u in lineage},
        # The newest year with a detail is shown open; the older ones are folded (a page of a few screens on a phone).
        "search_summary": search_summary(unit, years),
        "newest_detail": max((y.year for y in years if y.result), default=None),
    }
