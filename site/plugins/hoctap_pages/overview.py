"""Province-wide views: the unit × year table (`tong-hop/`) and the charts of the results index (`ket-qua/`).

One row per registry unit and one cell per year: the total and class of a
Thông tư 22/2020 year, the level reached of a Thông tư 24/2023 year, or where
the dossier stands (not submitted, rejected). The charts count the same cells
per year: units by class or by level, and the Công dân học tập share against
the target of Quyết định 677/QĐ-TTg. Everything is computed once per build,
never per unit page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.results import STATUS_LABELS

from .charts import StackChart, TrendChart, stacked_chart, trend_chart
from .site_data import SiteData, unit_url, year_url

LEVEL_SEGMENTS = (("Mức độ 2", "md-2", 2), ("Mức độ 1", "md-1", 1), ("Chưa đạt mức độ 1", "md-0", 0))


@dataclass(frozen=True)
class Cell:
    kind: str  # "diem", "muc-do", "trang-thai" or "" (not assessed that year)
    text: str
    css: str = ""
    sort: str = ""
    value: Any = None  # the total of a points year


def _cell(data: SiteData, unit_id: str, year: int) -> Cell:
    yr = data.year(year)
    result = yr.result_for(unit_id)
    if result is not None and result.points:
        rubric = data.points_rubric(year)
        band = rubric.band(result.points.klass) if rubric else None
        return Cell("diem", result.points.klass, band.css if band else "khac", str(result.points.total), result.points.total)
    if result is not None and result.levels:
        return Cell("muc-do", str(result.levels.level_met), "", str(result.levels.level_met))
    status = yr.status_for(unit_id)
    if yr.rejections_for(unit_id):
        return Cell("trang-thai", STATUS_LABELS["bi-tu-choi"], "bi-tu-choi", "-1")
    if status is not None:
        return Cell("trang-thai", STATUS_LABELS.get(status.status, status.status), status.status, "-1")
    return Cell("", "")


def overview_context(data: SiteData) -> dict[str, Any]:
    years = list(data.years)
    rows = []
    for unit in data.units:
        cells = [_cell(data, unit.id, y) for y in years]
        if not any(c.kind for c in cells):
            continue
        rows.append({"unit": unit, "url": unit_url(unit.id), "cells": cells})
    return {"years": [{"year": y, "url": year_url(y, data.rubric(y))} for y in years], "rows": rows,
            "groups": list(data.groups)}


def distribution(data: SiteData) -> list[dict[str, Any]]:
    """Per year, newest first: how many units reached each class (Thông tư 22/2020) or level (Thông tư 24/2023)."""
    out = []
    for year in reversed(data.years):
        rubric = data.rubric(year)
        results = data.year(year).results
        if isinstance(rubric, PointsRubric):
            classes = Counter(r.points.klass for r in results if r.points)
            parts = [(b.name, b.css, classes.get(b.name, 0)) for b in rubric.classes]
        elif isinstance(rubric, LevelsRubric):
            levels = Counter(r.levels.level_met for r in results if r.levels)
            parts = [(label, css, levels.get(level, 0)) for label, css, level in LEVEL_SEGMENTS]
        else:
            continue
        out.append({"year": year, "method": rubric.method, "parts": parts, "total": sum(p[2] for p in parts),
                    "url": year_url(year, rubric)})
    return out


def cdht_trend(data: SiteData) -> list[dict[str, Any]]:
    """Per year, oldest first: the Công dân học tập share over the units that reported it, and the year's target."""
    out = []
    for year in data.years:
        yr = data.year(year)
        members = sum(r.members for r in yr.results if r.members and r.cdht is not None)
        cdht = sum(r.cdht for r in yr.results if r.members and r.cdht is not None)
        out.append({"year": year, "share": Decimal(cdht) / Decimal(members) if members else None,
                    "target": yr.cdht_target[0] if yr.cdht_target else None})
    return out


def results_index_context(data: SiteData) -> dict[str, Any]:
    dist = distribution(data)
    trend = cdht_trend(data)
    points_rows = [d for d in dist if d["method"] == "points"]
    level_rows = [d for d in dist if d["method"] == "levels"]
    charts: dict[str, StackChart | TrendChart | None] = {
        "points_chart": stacked_chart([(str(d["year"]), d["parts"]) for d in points_rows]) if points_rows else None,
        "levels_chart": stacked_chart([(str(d["year"]), d["parts"]) for d in level_rows]) if level_rows else None,
        "cdht_chart": trend_chart([(str(t["year"]), t["share"], t["target"]) for t in trend])
        if any(t["share"] is not None for t in trend) else None,
    }
    return {"points_rows": points_rows, "level_rows": level_rows, "cdht": trend, **charts}
