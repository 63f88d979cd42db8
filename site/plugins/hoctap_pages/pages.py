"""Every page the plugin writes: (output path, template, context), computed from the published results.

The templates only lay the data out. Year pages, unit pages and status pages
have their own modules; this one assembles the list and computes the home,
criteria, recognition and search pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, partial
from typing import Any

from scoring.levels_rubric import LEVELS, LevelsRubric
from scoring.points import PointsRubric
from scoring.recognition import Standing, current_standings
from scoring.registry import Unit
from scoring.rubric import Rubric, default_rubrics
from scoring.text import fold, safe_url

from .overview import overview_context, results_index_context
from .paging import PAGE_ROWS, paged
from .site_data import SiteData, unit_url, vi_sort_key, year_url
from .status_pages import status_context, status_counts, status_rows
from .unit_pages import unit_context
from .year_pages import (
    group_sections,
    level_rows,
    level_summary,
    levels_year_context,
    points_year_context,
    ranking_rows,
    year_links,
)


@dataclass(frozen=True)
class Page:
    """One page to write: where, with which template, its context (built only when rendered) and what it reads.

    `deps` names the data the context is made from, for the incremental build's key (`page_keys`):
    `("unit", id)` a unit's history, `("year", y)` one year's results, `("status", y)` its status rows,
    `("registry",)` the registry, `("rows", …)` one page of a long table (`RowKeys`), `("all",)` everything.
    """

    save_as: str
    template: str
    make: Callable[[], dict[str, Any]]
    deps: tuple[Any, ...] = ("all",)

    @property
    def url(self) -> str:
        return self.save_as.removesuffix("index.html")

    @property
    def context(self) -> dict[str, Any]:
        """Built each time it is asked for, and not kept: ten thousand pages' contexts would all stay in memory."""
        return self.make()


def _fixed(context: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: context


@dataclass(frozen=True)
class RowKeys:
    """How a long table's pages are keyed one by one (`page_keys` `("rows", …)`): the year its rows come from
    (None: every year), what a page shows besides its rows (`frame`, from the table's context), and each row's unit."""

    year: int | None
    frame: Callable[[dict[str, Any]], Any]
    unit: Callable[[Any], str]


def _tables(base: str, template: str, deps: tuple[Any, ...], whole: Callable[[], dict[str, Any]],
            rows_key: str, count: int, extra: Callable[[dict[str, Any], list[Any]], dict[str, Any]] | None = None,
            by_rows: RowKeys | None = None) -> list[Page]:
    """A table page split by `paging.paged`; `whole` (computed once) holds every row under `rows_key`. With
    `by_rows`, each page is keyed on its own rows instead of on `deps`."""
    shared = cache(whole)

    @cache
    def parts() -> list[tuple[str, list[Any], Any]]:
        """The table split once, for every page's key and context."""
        ctx = shared()
        if len(ctx[rows_key]) != count:
            raise AssertionError(f"{base}: {len(ctx[rows_key])} dòng, không phải {count} (lỗi chương trình)")
        return paged(base, ctx[rows_key])

    def part(n: int) -> tuple[list[Any], Any]:
        """Page n's rows and pager."""
        _, page_rows, pager = parts()[n]
        return page_rows, pager

    def frame() -> Any:
        assert by_rows is not None
        return count, by_rows.frame(shared())

    def units(n: int) -> list[str]:
        assert by_rows is not None
        return [by_rows.unit(r) for r in part(n)[0]]

    out = []
    for number, (save_as, _, _) in enumerate(paged(base, range(count))):
        def make(n: int = number) -> dict[str, Any]:
            ctx = shared()
            page_rows, pager = part(n)
            return {**ctx, rows_key: page_rows, "pager": pager, **(extra(ctx, page_rows) if extra else {})}
        page_deps = deps if by_rows is None else ("rows", by_rows.year, frame, partial(units, number))
        out.append(Page(save_as, template, make, page_deps))
    return out


def _without(ctx: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in ctx.items() if k not in names}


def _year_frame(ctx: dict[str, Any]) -> dict[str, Any]:
    """A year table's context but its rows: the year's file only for what the template reads of it."""
    yr = ctx["yr"]
    return {**_without(ctx, "rows", "yr", "rubric"), "yr": (yr.authority, yr.deadline, yr.rejected),
            "rubric": ctx["rubric"].id}


def common_context(data: SiteData) -> dict[str, Any]:
    """Shared by every page, Pelican's own included: the banner, the authority in force, the plans."""
    latest = data.latest
    rubric = data.rubric(latest.year) if latest else None
    return {
        "sample": data.results.sample,
        "province": data.results.province,
        "authority": latest.authority if latest else None,
        "generated": data.results.generated.date(),  # the footer shows the day; the minute would change every page
        "years": list(data.years),
        "latest_year": data.results.latest_year,
        "latest_url": year_url(latest.year, rubric) if latest else None,
        "deadline": latest.deadline if latest else None,
        "rubric_in_force": default_rubrics().for_year(data.results.generated.year),
        "plans": plan_links(data),
        "page_rows": PAGE_ROWS,
        "official_texts": official_texts(),
    }


def official_texts() -> list[dict[str, Any]]:
    """The original texts of the rules the site applies, in force first, linked where the rubric names its source."""
    out = []
    for rubric in sorted(default_rubrics(), key=lambda r: -r.info.first_year):
        info = rubric.info
        out.append({"title": info.title, "issuer": info.issuer, "issued": info.issued, "in_force": info.in_force,
                    "repealed": info.repealed, "repealed_by": info.repealed_by, "url": safe_url(info.source_url)})
    return out


def plan_links(data: SiteData) -> list[dict[str, Any]]:
    """Each unit's published plan from the latest results; only http(s) links are kept."""
    latest = data.latest
    if latest is None:
        return []
    rows = []
    for r in latest.results:
        url = safe_url(r.plan_url)
        if url:
            rows.append({"name": r.name, "url": url, "unit_url": unit_url(r.unit_id), "group": r.group})
    return sorted(rows, key=lambda p: vi_sort_key(str(p["name"])))


def cdht_summary(data: SiteData, year: int) -> dict[str, Any]:
    """The Công dân học tập share across units with figures, against the QĐ 677/QĐ-TTg target of the year."""
    yr = data.year(year)
    members = cdht = 0
    known = meets = 0
    for r in yr.results:
        if r.members and r.cdht is not None:
            members += r.members
            cdht += r.cdht
            known += 1
            meets += 1 if r.cdht_meets_target else 0
    target = yr.cdht_target
    return {"share": Decimal(cdht) / Decimal(members) if members else None, "known": known, "meeting": meets,
            "target_share": target[0] if target else None, "target_year": target[1] if target else None}


def home_context(data: SiteData) -> dict[str, Any]:
    latest = data.latest
    if latest is None:
        return {"summary": None}
    year = latest.year
    rubric = data.rubric(year)
    rows = status_rows(data, year)
    summary: dict[str, Any] = {"year": year, "yr": latest, "rubric": rubric, "url": year_url(year, rubric),
                               "status_counts": status_counts(rows), "active": len(rows),
                               "cdht": cdht_summary(data, year), "scored": len(latest.results)}
    if isinstance(rubric, PointsRubric):
        ranked = ranking_rows(data, year)
        classes = Counter(r.row.points.klass for r in ranked if r.row.points)
        summary["classes"] = [{"band": b, "count": classes.get(b.name, 0)} for b in rubric.classes]
        # Ties kept: everyone whose competition rank is within the first five.
        summary["top"] = [r for r in ranked if r.row.points and r.row.points.rank <= 5]
    elif isinstance(rubric, LevelsRubric):
        summary["levels"] = level_summary(level_rows(data, year), data, year)
    return {"summary": summary}


def criteria_context(data: SiteData) -> dict[str, Any]:
    """Every rubric, the one in force first, with the years it governs on this site and its applicability table."""
    rubrics: list[Rubric] = sorted(default_rubrics(), key=lambda r: -r.info.first_year)
    items = []
    for rubric in rubrics:
        years = [y for y in data.years if (r := data.rubric(y)) is not None and r.id == rubric.id]
        item: dict[str, Any] = {"rubric": rubric, "years_with_results": years}
        if isinstance(rubric, LevelsRubric):
            item["applicability"] = applicability_tables(rubric)
        items.append(item)
    return {"rubrics": items, "notes": data.results.settings_notes, "rubric_2023": data.rubric(2023)}


def applicability_tables(rubric: LevelsRubric) -> list[dict[str, Any]]:
    """Per set: which chỉ tiêu apply to which unit type, at level 1 and level 2 (Điều 6, 7, 12, 13)."""
    out = []
    for cset in rubric.sets.values():
        rows = []
        for utype in rubric.unit_types.values():
            cells = []
            for ind in cset.indicators:
                at = [lv for lv in LEVELS if ind.rule(lv).applies.applies(utype.id, utype.public_default)]
                cells.append("Có" if at == list(LEVELS) else (f"Mức {at[0]}" if at else "—"))
            rows.append({"type": utype, "cells": cells})
        out.append({"set": cset, "indicators": cset.indicators, "rows": rows})
    return out


def recognition_context(data: SiteData) -> dict[str, Any]:
    """Recognitions in force this year, those whose validity ends this year or next, and level-2 eligibility.

    A recognition outlives the unit it was given to only through a successor: what is due (công nhận lại,
    level 2) is listed under the unit that exists today, and not at all when that unit has a recognition of
    its own or when the unit ended without one (the district units of 2024).
    """
    today: date = data.results.generated.date()
    rubric = next((r for r in default_rubrics() if isinstance(r, LevelsRubric)), None)
    months = rubric.upgrade_months.value if rubric else 12
    standings = sorted(current_standings(data.results.decisions, today.year, months),
                       key=lambda s: vi_sort_key(data.unit_by_id[s.recognition.unit_id].name
                                                 if s.recognition.unit_id in data.unit_by_id else s.recognition.unit_id))
    held = {s.recognition.unit_id for s in standings}

    def current_holder(unit_id: str) -> Unit | None:
        unit = data.unit_by_id.get(unit_id)
        seen: set[str] = set()
        while unit is not None and unit.last_year is not None and unit.last_year < today.year and unit.id not in seen:
            seen.add(unit.id)
            unit = data.unit_by_id.get(unit.successor) if unit.successor else None
        return unit

    def view(s: Standing) -> dict[str, Any]:
        unit = data.unit_by_id.get(s.recognition.unit_id)
        holder = current_holder(s.recognition.unit_id)
        return {"standing": s, "unit": unit, "url": unit_url(s.recognition.unit_id) if unit else None,
                "ended": unit is not None and holder is not unit, "holder": holder,
                "holder_url": unit_url(holder.id) if holder else None}

    def actionable(v: dict[str, Any]) -> bool:
        holder = v["holder"]
        return holder is not None and (not v["ended"] or holder.id not in held)

    views = [view(s) for s in standings]
    return {"today": today, "rubric": rubric, "standings": views,
            "renewal": [v for v in views if v["standing"].due_for_renewal and actionable(v)],
            "level2": [v for v in views if v["standing"].eligible_for_level_2 is not None and actionable(v)]}


def _letters(data: SiteData) -> list[dict[str, Any]]:
    """Units grouped by the first letter of their name in Vietnamese order (Đ after D), for the A–Z list."""
    groups: dict[str, list[Any]] = {}
    for u in data.units:
        first = u.name[:1].upper()
        letter = "Đ" if first == "Đ" else fold(first).upper()[:1]
        groups.setdefault(letter if letter.isalpha() else "#", []).append({"unit": u, "url": unit_url(u.id)})
    return [{"letter": k, "units": v} for k, v in sorted(groups.items(), key=lambda kv: vi_sort_key(kv[0]))]


def _groups_on(ctx: dict[str, Any], units: list[Any]) -> dict[str, Any]:
    present = {v["unit"].group for v in units}
    return {"groups": [g for g in ctx["groups"] if g in present]}


def site_pages(data: SiteData, articles: list[Any], downloads: dict[str, Any]) -> list[Page]:
    pages = [Page("index.html", "home", lambda: {"title": "Trang chủ", **home_context(data),
                                                  "announcements": articles[:3]})]
    pages.append(Page("ket-qua/index.html", "ket-qua", lambda: {"title": "Kết quả theo năm", "year_links": year_links(data),
                                                                 **results_index_context(data)}))
    overview = cache(lambda: {"title": "Tổng hợp các đơn vị qua các năm", **overview_context(data)})
    pages += _tables("tong-hop/", "tong-hop", ("all",), overview, "rows", len(overview()["rows"]),
                     by_rows=RowKeys(None, lambda ctx: _without(ctx, "rows"), lambda r: r["unit"].id))
    for year in data.years:
        rubric = data.rubric(year)
        deps: tuple[str | int, ...] = ("year", year)
        yr = data.year(year)
        if isinstance(rubric, PointsRubric):
            ctx = cache(partial(points_year_context, data, year))
            pages += _tables(f"xep-hang/{year}/", "xep-hang-nam", deps,
                             _titled(ctx, title=f"Xếp hạng năm {year}", group=None),
                             "rows", len(yr.results))
            # The sections' addresses and sizes: the ranked rows (those with points) by group, not yet the
            # ranking itself, which only the pages rendered again need.
            ranked = [r for r in yr.results if r.points]
            for g in group_sections(data, ranked, year, "xep-hang/", group_of=lambda r: r.group):
                pages += _tables(g["url"], "xep-hang-nam", deps,
                                 partial(_group_page, ctx, year, g["slug"]), "rows", g["count"])
        elif isinstance(rubric, LevelsRubric):
            pages += _tables(f"ket-qua/{year}/", "ket-qua-nam", deps,
                             _titled(partial(levels_year_context, data, year),
                                     title=f"Kết quả đánh giá, công nhận năm {year}"),
                             "rows", len(yr.results), by_rows=RowKeys(year, _year_frame, lambda r: r.row.unit_id))
    pages += _tables("don-vi/", "don-vi-danh-sach", ("registry",),
                     lambda: {"title": "Các đơn vị", "units": [{"unit": u, "url": unit_url(u.id)} for u in data.units],
                              "groups": list(data.groups)}, "units", len(data.units), _groups_on)
    for unit in data.units:
        pages.append(Page(unit_url(unit.id) + "index.html", "don-vi",
                          _titled(partial(unit_context, data, unit), title=unit.name), ("unit", unit.id)))
    pages.append(Page("tieu-chi/index.html", "tieu-chi", lambda: {"title": "Tiêu chí đánh giá", **criteria_context(data)}))
    pages.append(Page("cong-nhan/index.html", "cong-nhan", lambda: {"title": "Quyết định công nhận",
                                                                    **recognition_context(data),
                                                                    "decision_lists": downloads.get("decision_lists", [])}))
    for year in data.years:
        ctx = cache(partial(status_context, data, year))
        count = len(data.year(year).status)
        pages += _tables(f"tinh-hinh-nop/{year}/", "tinh-hinh-nop", ("status", year),
                         _titled(ctx, title=f"Tình hình nộp hồ sơ năm {year}"), "rows", count)
        if year == data.results.latest_year:
            pages += _tables("tinh-hinh-nop/", "tinh-hinh-nop", ("status", year),
                             _titled(ctx, title=f"Tình hình nộp hồ sơ năm {year}", is_index=True),
                             "rows", count)
    pages.append(Page("du-lieu/index.html", "du-lieu", lambda: {"title": "Tải dữ liệu", "downloads": downloads["years"],
                                                                "all_years": downloads["all_years"]}))
    letters = _letters(data) if len(data.units) <= PAGE_ROWS else []
    pages.append(Page("tim-kiem/index.html", "tim-kiem", _fixed({"title": "Tìm kiếm", "letters": letters}), ("registry",)))
    pages.append(Page("thong-bao/index.html", "thong-bao", _fixed({"title": "Thông báo", "announcements": articles})))
    pages.append(Page("404.html", "404", _fixed({"title": "Không tìm thấy trang"}), ("registry",)))
    return pages


def _titled(make: Callable[[], dict[str, Any]], **extra: Any) -> Callable[[], dict[str, Any]]:
    """A context with a few more keys (the title first, as the page shows it)."""
    return lambda: {**make(), **extra}


def _group_page(ctx: Callable[[], dict[str, Any]], year: int, slug: str) -> dict[str, Any]:
    whole = ctx()
    group = next(g for g in whole["groups"] if g["slug"] == slug)
    return {**whole, "title": f"Xếp hạng năm {year} — {group['name']}", "rows": group["rows"], "group": group}
