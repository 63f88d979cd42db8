"""The results folder: what scoring hands to the site, one JSON and one CSV per year.

These files are both the site's only input and the open-data downloads, so
they hold public fields only (no reporter, no phone, no e-mail), and every
text cell of the CSV is neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from scoring.registry import Registry
from scoring.results import ScoreReport, UnitResult, number, rejection_entry

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class PublicationInfo:
    province: str
    sample: bool
    generated: str  # ISO 8601
    cdht_targets: dict[int, tuple[Decimal, int] | None]
    # The raw inputs behind these results (hash, origin, time, rows): every figure traces back to one.
    snapshots: tuple[dict[str, Any], ...] = ()


def _result_entry(r: UnitResult, info: PublicationInfo) -> dict[str, Any]:
    return {
        **r.public(),
        "short_name": r.short_name,
        "group": r.group,
        "criteria": {k: number(v) for k, v in r.criteria.items()},
        "rank_in_group": r.rank_in_group,
        "previous_year": r.previous_year,
        "previous_total": number(r.previous_total),
        "change": number(r.change),
        "members": r.members,
        "cdht": r.cdht,
        "cdht_share": number(r.cdht_share),
        "cdht_meets_target": r.cdht_meets_target,
        "ban_khuyen_hoc": r.ban_khuyen_hoc,
        "plan_url": r.plan_url,
        "submitted": r.submitted.isoformat() if r.submitted else None,
        "submission_status": r.submission_status,
        "evidence": r.evidence,
        "note": r.note,
        "decision": r.decision,
        "source": r.origin.describe(),
    }


def year_document(report: ScoreReport, year: int, registry: Registry, info: PublicationInfo) -> dict[str, Any]:
    one = report.for_year(year)
    target = info.cdht_targets.get(year)
    units = {u.id: u for u in registry.units}
    return {
        "year": year,
        "rubric": one.results[0].rubric if one.results else None,
        "deadline": report.deadlines[year].isoformat() if year in report.deadlines else None,
        "cdht_target": {"share": number(target[0]), "by_year": target[1]} if target else None,
        "counts": one.counts(),
        "results": [_result_entry(r, info) for r in one.results],
        "rejected": [rejection_entry(r) for r in one.rejected],
        "status": [
            {
                "unit_id": s.unit_id,
                "name": units[s.unit_id].name,
                "short_name": units[s.unit_id].short_name,
                "group": units[s.unit_id].group,
                "status": s.status,
                "submitted": s.submitted.isoformat() if s.submitted else None,
            }
            for s in one.statuses
        ],
    }


def results_frame(report: ScoreReport, indicator_ids: list[str]) -> pd.DataFrame:
    """The public table of one year's results, readable back as a wide CSV (ma_don_vi, nam, 1.1 …)."""
    rows = []
    for r in report.results:
        row: dict[str, Any] = {
            "nam": r.year,
            "hang": r.rank,
            "ma_don_vi": r.unit_id,
            "ten_don_vi": r.name,
            "khoi": r.group,
        }
        row.update({i: number(r.points.get(i)) for i in indicator_ids})
        row.update({f"tieu_chi_{k}": number(v) for k, v in r.criteria.items()})
        row.update(
            {
                "tong_diem": number(r.total),
                "xep_loai": r.klass,
                "co_so": "da-tham-dinh" if r.basis == "verified" else "tu-danh-gia",
                "diem_nam_truoc": number(r.previous_total),
                "thay_doi": number(r.change),
                "so_thanh_vien": r.members,
                "so_cdht": r.cdht,
                "ty_le_cdht": number(r.cdht_share),
                "ban_khuyen_hoc": {True: "có", False: "không", None: None}[r.ban_khuyen_hoc],
                "link_ke_hoach": r.plan_url,
                "ngay_gui": r.submitted.isoformat() if r.submitted else None,
                "tinh_trang_nop": r.submission_status,
            }
        )
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.map(neutralise) if not frame.empty else frame


def write_results_dir(report: ScoreReport, registry: Registry, target: Path, info: PublicationInfo) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    years = report.years
    for year in years:
        doc = year_document(report, year, registry, info)
        path = target / f"ket-qua-{year}.json"
        # No indent: it would switch json to its pure-Python encoder, 5× slower at national scale.
        path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        written.append(path)
        one = report.for_year(year)
        indicator_ids = list(one.results[0].points) if one.results else []
        csv_path = target / f"ket-qua-{year}.csv"
        results_frame(one, indicator_ids).to_csv(csv_path, index=False, encoding="utf-8")
        written.append(csv_path)
    index = {
        "province": info.province,
        "sample": info.sample,
        "generated": info.generated,
        "years": years,
        "latest_year": years[-1] if years else None,
        "units": [
            {
                "id": u.id, "name": u.name, "short_name": u.short_name, "group": u.group, "level": u.level,
                "first_year": u.first_year, "last_year": u.last_year,
            }
            for u in registry.units
        ],
        "groups": list(registry.groups),
        "counts": report.counts(),
        "snapshots": list(info.snapshots),
    }
    (target / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    written.append(target / "index.json")
    return written
