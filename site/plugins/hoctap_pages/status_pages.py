"""Submission status per year: who is on time, late, rejected (with reasons) or missing, against the deadline.

A rejected row whose unit id is not in the registry is listed here, escaped,
with its place and reasons; it never gets a page of its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from scoring.results import STATUS_LABELS
from scoring.results_json import RejectedRow

from .site_data import SiteData, unit_url, vi_sort_key

STATUS_ORDER = tuple(STATUS_LABELS)


@dataclass(frozen=True)
class StatusView:
    unit_id: str
    name: str
    group: str
    url: str | None
    code: str
    label: str
    submitted: Any
    rejections: tuple[RejectedRow, ...]


def status_rows(data: SiteData, year: int) -> list[StatusView]:
    yr = data.year(year)
    rows = [StatusView(s.unit_id, s.name, s.group, unit_url(s.unit_id), s.status, STATUS_LABELS[s.status],
                       s.submitted, tuple(yr.rejections_for(s.unit_id))) for s in yr.status]
    order = {code: i for i, code in enumerate(STATUS_ORDER)}
    return sorted(rows, key=lambda r: (order.get(r.code, 99), vi_sort_key(r.name)))


@dataclass(frozen=True)
class OtherRejection:
    rejection: RejectedRow
    url: str | None  # the unit's page, when the registry knows the unit


def unknown_rejections(data: SiteData, year: int) -> list[OtherRejection]:
    """Rejected rows that belong to no unit of the year's list: an id the registry does not know (listed, never
    given a page), or a registry unit outside its years (listed here and on its own page)."""
    yr = data.year(year)
    out = []
    for r in yr.rejected:
        known = r.known_unit and r.unit_id is not None and r.unit_id in data.unit_by_id
        if known and yr.status_for(str(r.unit_id)) is not None:
            continue  # shown in the unit's row
        out.append(OtherRejection(r, unit_url(str(r.unit_id)) if known else None))
    return out


def status_counts(rows: list[StatusView]) -> list[dict[str, Any]]:
    counts = Counter(r.code for r in rows)
    return [{"code": c, "label": STATUS_LABELS[c], "count": counts.get(c, 0)} for c in STATUS_ORDER]


def status_context(data: SiteData, year: int) -> dict[str, Any]:
    rows = status_rows(data, year)
    return {"year": year, "yr": data.year(year), "rows": rows, "counts": status_counts(rows),
            "unknown": unknown_rejections(data, year), "rubric": data.rubric(year),
            "no_year": [OtherRejection(r, None) for r in data.results.rejected_no_year]
            if year == data.results.latest_year else [],
            "has_district": any((u := data.unit_by_id.get(s.unit_id)) is not None and u.cap == "huyen"
                                for s in data.year(year).status),
            "district": data.district_set,
            "status_years": [{"year": y, "url": f"tinh-hinh-nop/{y}/"} for y in reversed(data.years)]}
