"""What each generated page shows: plain data for the templates, computed from the results folder.

`site_pages()` lists every page as (output path, template name, context). The
templates only lay it out; every URL a submitter typed has already gone
through `safety.safe_url` here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from scoring.results import BASIS_LABELS, STATUS_LABELS

from .charts import criteria_chart, history_chart
from .results import SiteData, YearResults
from .rubrics import Rubric, all_rubrics, rubric_of
from .safety import fold, safe_url, slugify

CLASSES = ("Tốt", "Khá", "Trung bình", "Chưa đạt")
CLASS_CSS = {"Tốt": "tot", "Khá": "kha", "Trung bình": "trung-binh", "Chưa đạt": "chua-dat"}
BASIS_LABEL = {k: v.capitalize() for k, v in BASIS_LABELS.items()}  # a table cell starts a sentence
STATUS_LABEL = STATUS_LABELS
STATUS_ORDER = tuple(STATUS_LABEL)
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


@dataclass(frozen=True)
class Page:
    save_as: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.save_as.removesuffix("index.html")


def unit_slug(unit_id: Any) -> str:
    text = str(unit_id)
    return text if _SAFE_ID.match(text) else slugify(text)


def unit_url(unit_id: Any) -> str:
    return f"don-vi/{unit_slug(unit_id)}/"


def group_url(year: int, group: str) -> str:
    return f"xep-hang/{year}/{slugify(group)}/"


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _active(unit: dict[str, Any], year: int) -> bool:
    first = unit.get("first_year")
    last = unit.get("last_year")
    return (first is None or int(first) <= year) and (last is None or year <= int(last))


# --- the shared part: banner, navigation, site facts --------------------------------------------


def common_context(data: SiteData) -> dict[str, Any]:
    latest = data.latest
    return {
        "sample": data.sample,
        "province": data.province,
        "generated": data.generated,
        "years": list(data.years),
        "latest_year": data.latest_year,
        "deadline": latest.deadline if latest else None,
        "plans": plan_links(data),
        "class_css": CLASS_CSS,
    }


def plan_links(data: SiteData) -> list[dict[str, Any]]:
    """Each unit's published plan from the latest results; only http(s) links are kept."""
    latest = data.latest
    if latest is None:
        return []
    rows = []
    for r in latest.results:
        url = safe_url(r.get("plan_url"))
        if url:
            rows.append({"name": r.get("name") or r.get("unit_id"), "url": url, "unit_url": unit_url(r["unit_id"]),
                         "group": r.get("group")})
    return sorted(rows, key=lambda p: fold(str(p["name"])))


# --- rankings ------------------------------------------------------------------------------------


def ranking_rows(year_results: YearResults) -> list[dict[str, Any]]:
    def key(r: dict[str, Any]) -> tuple[int, str]:
        rank = r.get("rank")
        return (int(rank) if isinstance(rank, int | float) else 10**9, fold(str(r.get("name") or "")))

    return [
        {**r, "url": unit_url(r.get("unit_id")), "basis_label": BASIS_LABEL.get(str(r.get("basis")), "—"),
         "class_css": CLASS_CSS.get(str(r.get("class")), "")}
        for r in sorted(year_results.results, key=key)
    ]


def group_sections(data: SiteData, rows: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    sections = []
    for group in data.groups:
        members = [r for r in rows if r.get("group") == group]
        sections.append({"name": group, "slug": slugify(group), "url": group_url(year, group), "rows": members})
    return sections


# --- units ---------------------------------------------------------------------------------------


def all_units(data: SiteData) -> list[dict[str, Any]]:
    """Units of the index, plus any unit that appears only in results, A–Z by name."""
    units: dict[str, dict[str, Any]] = {str(u["id"]): dict(u) for u in data.units}
    for yr in data.by_year.values():
        for r in [*yr.results, *yr.status, *yr.rejected]:
            uid = r.get("unit_id")
            if uid and str(uid) not in units:
                units[str(uid)] = {"id": str(uid), "name": r.get("name") or str(uid), "short_name": r.get("short_name"),
                                   "group": r.get("group"), "first_year": None, "last_year": None}
    out = []
    for u in units.values():
        out.append({**u, "slug": unit_slug(u["id"]), "url": unit_url(u["id"]), "name": u.get("name") or u["id"]})
    return sorted(out, key=lambda u: fold(str(u["name"])))


def _breakdown(rubric: Rubric | None, result: dict[str, Any]) -> list[dict[str, Any]]:
    if rubric is None:
        return []
    points = result.get("points") or {}
    criteria = result.get("criteria") or {}
    evidence = result.get("evidence") or {}
    out = []
    for c in rubric.criteria:
        indicators = []
        for ind in c.indicators:
            raw = evidence.get(ind.id)
            url = safe_url(raw)
            indicators.append({"indicator": ind, "points": points.get(ind.id),
                               "evidence_url": url, "evidence_text": raw if raw and not url else None})
        out.append({"criterion": c, "points": criteria.get(c.id), "indicators": indicators})
    return out


def unit_years(data: SiteData, unit: dict[str, Any]) -> list[dict[str, Any]]:
    uid = unit["id"]
    rows = []
    for year in data.years:
        yr = data.by_year[year]
        result = yr.result_for(uid)
        rejections = yr.rejections_for(uid)
        status = yr.status_for(uid)
        if result is None and not rejections and status is None and not _active(unit, year):
            continue
        rubric = rubric_of(yr.rubric_id or (result or {}).get("rubric"), year)
        status_code = (status or {}).get("status") or ((result or {}).get("submission_status"))
        if status_code is None:
            status_code = "bi-tu-choi" if rejections else ("dung-han" if result else "chua-nop")
        target = yr.cdht_target or {}
        row = {
            "year": year,
            "result": result,
            "rejections": rejections,
            "status": status_code,
            "status_label": STATUS_LABEL.get(str(status_code), str(status_code)),
            "submitted": (status or {}).get("submitted") or (result or {}).get("submitted"),
            "deadline": yr.deadline,
            "rubric": rubric,
            "breakdown": _breakdown(rubric, result) if result else [],
            "basis_label": BASIS_LABEL.get(str((result or {}).get("basis")), "—"),
            "class_css": CLASS_CSS.get(str((result or {}).get("class")), ""),
            "plan_url": safe_url((result or {}).get("plan_url")),
            "plan_text": (result or {}).get("plan_url") if not safe_url((result or {}).get("plan_url")) else None,
            "target_share": target.get("share"),
            "target_year": target.get("by_year"),
        }
        if result and rubric:
            row["criteria_chart"] = criteria_chart(
                [(c.id, (result.get("criteria") or {}).get(c.id), c.max) for c in rubric.criteria]
            )
        rows.append(row)
    return rows


def unit_context(data: SiteData, unit: dict[str, Any]) -> dict[str, Any]:
    years = unit_years(data, unit)
    scored = [y for y in years if y["result"]]
    rubric = scored[-1]["rubric"] if scored else None
    thresholds = [(b.min, b.name) for b in rubric.classes] if rubric else [(85, "Tốt"), (70, "Khá"), (50, "Trung bình")]
    chart = history_chart([(y["year"], (y["result"] or {}).get("total")) for y in years], thresholds,
                          rubric.max_total if rubric else 100) if years else None
    return {"unit": unit, "unit_years": years, "latest_scored": scored[-1] if scored else None,
            "history_chart": chart, "ever_submitted": bool(scored) or any(y["rejections"] for y in years)}


# --- submission status ---------------------------------------------------------------------------


def status_rows(data: SiteData, yr: YearResults) -> list[dict[str, Any]]:
    rows = []
    seen = set()
    for s in yr.status:
        uid = s.get("unit_id")
        seen.add(uid)
        code = str(s.get("status") or "chua-nop")
        rows.append({**s, "url": unit_url(uid), "label": STATUS_LABEL.get(code, code), "code": code,
                     "rejections": yr.rejections_for(str(uid))})
    # A rejected unit missing from the status list is still shown.
    for rej in yr.rejected:
        uid = rej.get("unit_id")
        if uid in seen:
            continue
        seen.add(uid)
        unit = data.unit(str(uid)) or {}
        rows.append({"unit_id": uid, "name": unit.get("name") or uid, "group": unit.get("group"), "submitted": None,
                     "url": unit_url(uid), "label": STATUS_LABEL["bi-tu-choi"], "code": "bi-tu-choi",
                     "rejections": yr.rejections_for(str(uid))})
    order = {code: i for i, code in enumerate(STATUS_ORDER)}
    return sorted(rows, key=lambda r: (order.get(r["code"], 99), fold(str(r.get("name") or ""))))


def status_counts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter(r["code"] for r in rows)
    return [{"code": c, "label": STATUS_LABEL[c], "count": counts.get(c, 0)} for c in STATUS_ORDER]


# --- home ----------------------------------------------------------------------------------------


def year_summary(data: SiteData, yr: YearResults) -> dict[str, Any]:
    classes = Counter(str(r.get("class")) for r in yr.results)
    totals = [d for d in (_dec(r.get("total")) for r in yr.results) if d is not None]
    average = sum(totals, Decimal(0)) / len(totals) if totals else None
    members = cdht = Decimal(0)
    meets = known = 0
    for r in yr.results:
        m, c = _dec(r.get("members")), _dec(r.get("cdht"))
        if m and c is not None and m > 0:
            members += m
            cdht += c
            known += 1
            meets += 1 if r.get("cdht_meets_target") else 0
    target = yr.cdht_target or {}
    rows = status_rows(data, yr)
    return {
        "year": yr.year,
        "deadline": yr.deadline,
        "class_counts": [{"name": c, "css": CLASS_CSS[c], "count": classes.get(c, 0)} for c in CLASSES],
        "scored": len(yr.results),
        "average": average,
        "cdht_share": (cdht / members) if members else None,
        "cdht_units_known": known,
        "cdht_units_meeting": meets,
        "target_share": target.get("share"),
        "target_year": target.get("by_year"),
        "status_counts": status_counts(rows),
        "active": len(rows),
    }


# --- criteria ------------------------------------------------------------------------------------


def criteria_context(data: SiteData) -> dict[str, Any]:
    rubrics = []
    for rubric in all_rubrics():
        years = [y for y in data.years if rubric.covers(y)]
        rubrics.append({"rubric": rubric, "years_with_results": years})
    return {"rubrics": rubrics}


# --- all pages -----------------------------------------------------------------------------------


def site_pages(data: SiteData, articles: list[Any], downloads: list[dict[str, Any]]) -> list[Page]:
    pages: list[Page] = []
    latest = data.latest
    summary = year_summary(data, latest) if latest else None
    pages.append(Page("index.html", "home", {
        "title": "Trang chủ", "summary": summary, "announcements": list(articles)[:3],
        "top": ranking_rows(latest)[:5] if latest else []}))

    year_links = [{"year": y, "url": f"xep-hang/{y}/", "scored": len(data.by_year[y].results),
                   "status_url": f"tinh-hinh-nop/{y}/"} for y in reversed(data.years)]
    pages.append(Page("xep-hang/index.html", "xep-hang", {"title": "Xếp hạng theo năm", "year_links": year_links}))
    for year in data.years:
        yr = data.by_year[year]
        rows = ranking_rows(yr)
        groups = group_sections(data, rows, year)
        base = {"year": year, "yr": yr, "groups": groups, "year_links": year_links,
                "rubric": rubric_of(yr.rubric_id, year)}
        pages.append(Page(f"xep-hang/{year}/index.html", "xep-hang-nam",
                          {**base, "title": f"Xếp hạng năm {year}", "rows": rows, "group": None}))
        for g in groups:
            pages.append(Page(f"{g['url']}index.html", "xep-hang-nam",
                              {**base, "title": f"Xếp hạng năm {year} — {g['name']}", "rows": g["rows"], "group": g}))

    units = all_units(data)
    pages.append(Page("don-vi/index.html", "don-vi-danh-sach", {"title": "Các đơn vị", "units": units,
                                                                 "groups": list(data.groups)}))
    for unit in units:
        pages.append(Page(f"don-vi/{unit['slug']}/index.html", "don-vi",
                          {"title": str(unit["name"]), **unit_context(data, unit)}))

    pages.append(Page("tieu-chi/index.html", "tieu-chi", {"title": "Tiêu chí đánh giá", **criteria_context(data)}))

    status_years = [{"year": y, "url": f"tinh-hinh-nop/{y}/"} for y in reversed(data.years)]
    for year in data.years:
        yr = data.by_year[year]
        rows = status_rows(data, yr)
        ctx = {"title": f"Tình hình nộp báo cáo năm {year}", "yr": yr, "rows": rows, "counts": status_counts(rows),
               "status_years": status_years, "year": year}
        pages.append(Page(f"tinh-hinh-nop/{year}/index.html", "tinh-hinh-nop", ctx))
        if year == data.latest_year:
            pages.append(Page("tinh-hinh-nop/index.html", "tinh-hinh-nop", {**ctx, "is_index": True}))

    pages.append(Page("du-lieu/index.html", "du-lieu", {"title": "Tải dữ liệu", "downloads": downloads}))
    pages.append(Page("tim-kiem/index.html", "tim-kiem", {"title": "Tìm kiếm", "units": units,
                                                           "letters": _letters(units)}))
    pages.append(Page("thong-bao/index.html", "thong-bao", {"title": "Thông báo", "announcements": list(articles)}))
    pages.append(Page("404.html", "404", {"title": "Không tìm thấy trang"}))
    return pages


def _letters(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units grouped by the first letter of their name (tone marks removed), for the A–Z list."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for u in units:
        first = fold(str(u["name"]))[:1].upper() or "#"
        groups.setdefault(first if first.isalpha() else "#", []).append(u)
    return [{"letter": k, "units": v} for k, v in sorted(groups.items())]
