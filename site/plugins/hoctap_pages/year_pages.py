"""Each assessment year's results page: a points ranking (Thông tư 22/2020) or the levels reached (Thông tư 24/2023).

Thông tư 24/2023 has no points and no ranking: its years list the units by
level reached and by where they stand in the procedure (self-assessed,
appraised by the Hội đồng, recognised by decision, refused with reasons).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.recognition import Stage, stage
from scoring.results import BASIS_LABELS, ResultRow
from scoring.results_json import judged
from scoring.text import slugify

from .site_data import SiteData, unit_url, vi_sort_key, year_url

STAGE_LABELS: dict[str, str] = {
    "cong-nhan": "Đã có quyết định công nhận",
    "da-tham-dinh": "Hội đồng đã thẩm định, đề nghị công nhận",
    "khong-cong-nhan": "Hội đồng thẩm định không đạt mức đề nghị",
    "tu-danh-gia": "Tự đánh giá, chờ Hội đồng thẩm định",
    "chua-dat-muc-de-nghi": "Tự đánh giá chưa đạt mức đề nghị",
}


@dataclass(frozen=True)
class RankRow:
    row: ResultRow
    url: str
    band_css: str
    basis_label: str


def ranking_rows(data: SiteData, year: int) -> list[RankRow]:
    return data.once("ranking_rows", year, lambda: _ranking_rows(data, year))


def _ranking_rows(data: SiteData, year: int) -> list[RankRow]:
    rubric = data.points_rubric(year)
    rows = [r for r in data.year(year).results if r.points]
    rows.sort(key=lambda r: (r.points.rank if r.points else 0, vi_sort_key(r.name)))
    out = []
    for r in rows:
        band = rubric.band(r.points.klass) if rubric and r.points else None
        out.append(RankRow(r, unit_url(r.unit_id), band.css if band else "khac", BASIS_LABELS[r.basis].capitalize()))
    return out


def group_sections(data: SiteData, rows: list[Any], year: int, prefix: str,
                   group_of: Callable[[Any], str] = lambda r: r.row.group) -> list[dict[str, Any]]:
    """One section per group that had units to assess that year (a group created later gets no empty page);
    `group_of` reads a row's group (`rows` are a page's rows, `RankRow`s, unless told)."""
    yr = data.year(year)
    present = {group_of(r) for r in rows} | {s.group for s in yr.status}
    sections = []
    for group in data.groups:
        if group not in present:
            continue
        members = [r for r in rows if group_of(r) == group]
        sections.append({"name": group, "slug": slugify(group), "url": f"{prefix}{year}/{slugify(group)}/",
                         "rows": members, "count": len(members)})
    return sections


@dataclass(frozen=True)
class LevelRow:
    row: ResultRow
    url: str
    stage: Stage
    stage_label: str
    unit_type: str
    set_title: str
    failing: tuple[str, ...]  # the chỉ tiêu judged không đạt at the requested level


def failing(row: ResultRow) -> tuple[str, ...]:
    levels = row.levels
    return judged(levels.checks, "khong-dat") if levels else ()


def level_rows(data: SiteData, year: int) -> list[LevelRow]:
    return data.once("level_rows", year, lambda: _level_rows(data, year))


def _level_rows(data: SiteData, year: int) -> list[LevelRow]:
    rubric = data.levels_rubric(year)
    out = []
    for r in data.year(year).results:
        if r.levels is None or rubric is None:
            continue
        unit = data.unit_by_id.get(r.unit_id)
        utype = rubric.unit_types.get(unit.loai or "") if unit else None
        cset = rubric.sets.get(r.levels.set)
        st = stage(r)
        out.append(LevelRow(r, unit_url(r.unit_id), st, STAGE_LABELS[st], utype.label if utype else "—",
                            cset.title if cset else r.levels.set, failing(r)))
    out.sort(key=lambda x: (-(x.row.levels.level_met if x.row.levels else 0), vi_sort_key(x.row.name)))
    return out


def level_summary(rows: list[LevelRow], data: SiteData, year: int) -> dict[str, Any]:
    """Counts by level reached, by stage, and by group and unit type."""
    by_level = Counter(r.row.levels.level_met for r in rows if r.row.levels)
    by_stage: Counter[str] = Counter(r.stage for r in rows)
    by_group: dict[str, Counter[int]] = {}
    by_type: dict[str, Counter[int]] = {}
    for r in rows:
        level = r.row.levels.level_met if r.row.levels else 0
        by_group.setdefault(r.row.group, Counter())[level] += 1
        by_type.setdefault(r.unit_type, Counter())[level] += 1
    return {
        "levels": [{"level": lv, "count": by_level.get(lv, 0)} for lv in (2, 1, 0)],
        "stages": [{"code": k, "label": v, "count": by_stage.get(k, 0)} for k, v in STAGE_LABELS.items()],
        "groups": [{"name": g, "counts": [c.get(lv, 0) for lv in (2, 1, 0)], "total": sum(c.values())}
                   for g, c in sorted(by_group.items(), key=lambda kv: vi_sort_key(kv[0]))],
        "types": [{"name": t, "counts": [c.get(lv, 0) for lv in (2, 1, 0)], "total": sum(c.values())}
                  for t, c in sorted(by_type.items(), key=lambda kv: vi_sort_key(kv[0]))],
        "scored": len(rows),
        "has_district": any(r.row.levels and r.row.levels.set == "cap-huyen" for r in rows),
    }


def year_links(data: SiteData) -> list[dict[str, Any]]:
    out = []
    for y in reversed(data.years):
        rubric = data.rubric(y)
        out.append({"year": y, "url": year_url(y, rubric), "scored": len(data.year(y).results),
                    "status_url": f"tinh-hinh-nop/{y}/", "method": rubric.method if rubric else "",
                    "rubric": rubric.info.short_title if rubric else ""})
    return out


def points_year_context(data: SiteData, year: int) -> dict[str, Any]:
    rubric = data.points_rubric(year)
    assert isinstance(rubric, PointsRubric)
    rows = ranking_rows(data, year)
    return {"year": year, "yr": data.year(year), "rubric": rubric, "rows": rows,
            "groups": group_sections(data, rows, year, "xep-hang/"), "year_links": year_links(data)}


def levels_year_context(data: SiteData, year: int) -> dict[str, Any]:
    rubric = data.levels_rubric(year)
    assert isinstance(rubric, LevelsRubric)
    rows = level_rows(data, year)
    return {"year": year, "yr": data.year(year), "rubric": rubric, "rows": rows,
            "summary": level_summary(rows, data, year), "year_links": year_links(data),
            "decision_by": rubric.decision_by}
