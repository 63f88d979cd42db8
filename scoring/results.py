"""The results model: what scoring produces and what every output is made from.

`ScoreReport.document()` is the public JSON of INTERFACES.md; the site's
results folder (`scoring.publication`) and the status written back into each
agency tab are made from the same report, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from scoring.canonical import Place
from scoring.problems import Rejection

BASIS_LABELS = {"self": "tự đánh giá", "verified": "đã thẩm định"}
# Where a unit stands against the deadline, in the order the site lists them.
STATUS_LABELS = {
    "dung-han": "Đúng hạn",
    "tre-han": "Trễ hạn",
    "khong-ro-ngay": "Không rõ ngày nộp",
    "bi-tu-choi": "Bị từ chối",
    "chua-nop": "Chưa nộp",
}


def number(value: Decimal | None) -> int | float | None:
    """JSON number: 10 stays 10, 9.5 stays 9.5 (Decimal → the float with the same shortest repr)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def vi_number(value: Decimal) -> str:
    """Vietnamese display: 87,5."""
    return format_decimal(value, format="#,##0.##", locale="vi")


@dataclass(frozen=True)
class UnitResult:
    unit_id: str
    year: int
    name: str
    short_name: str
    group: str
    rubric: str
    points: dict[str, Decimal]
    criteria: dict[str, Decimal]
    total: Decimal
    klass: str
    basis: str
    self_total: Decimal
    origin: Place
    rank: int = 0
    rank_in_group: int = 0
    previous_year: int | None = None
    previous_total: Decimal | None = None
    change: Decimal | None = None
    members: int | None = None
    cdht: int | None = None
    cdht_share: Decimal | None = None
    cdht_meets_target: bool | None = None
    ban_khuyen_hoc: bool | None = None
    plan_url: str | None = None
    submitted: date | None = None
    submission_status: str = "khong-ro-ngay"
    evidence: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    decision: str | None = None

    def public(self) -> dict[str, Any]:
        """The INTERFACES.md entry: exactly these keys."""
        return {
            "unit_id": self.unit_id,
            "year": self.year,
            "name": self.name,
            "rubric": self.rubric,
            "points": {k: number(v) for k, v in self.points.items()},
            "total": number(self.total),
            "class": self.klass,
            "basis": self.basis,
            "rank": self.rank,
        }

    def status_text(self) -> str:
        return f"Hợp lệ — {vi_number(self.total)} điểm, {self.klass} ({BASIS_LABELS[self.basis]})"


@dataclass(frozen=True)
class UnitStatus:
    """Where a unit active in a year stands against that year's deadline."""

    unit_id: str
    year: int
    status: str  # a key of STATUS_LABELS
    submitted: date | None


@dataclass
class ScoreReport:
    read: int
    results: list[UnitResult]
    rejected: list[Rejection]
    statuses: list[UnitStatus]
    deadlines: dict[int, date]

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.results} | {s.year for s in self.statuses})

    def for_year(self, year: int) -> ScoreReport:
        """Only one assessment year; rejections whose year could not be read stay, so nothing is lost."""
        results = [r for r in self.results if r.year == year]
        rejected = [r for r in self.rejected if r.year in (year, None)]
        return ScoreReport(
            read=len(results) + len(rejected),
            results=results,
            rejected=rejected,
            statuses=[s for s in self.statuses if s.year == year],
            deadlines={y: d for y, d in self.deadlines.items() if y == year},
        )

    def counts(self) -> dict[str, int]:
        return {"read": self.read, "scored": len(self.results), "rejected": len(self.rejected)}

    def document(self) -> dict[str, Any]:
        """`hoctap score --json`: the public results document."""
        return {
            "counts": self.counts(),
            "results": [r.public() for r in self.results],
            "rejected": [rejection_entry(r) for r in self.rejected],
        }

    def tab_statuses(self, keep: Callable[[Place], bool] = lambda p: p.tab is not None) -> dict[str, str]:
        """The text hoctap writes into each agency tab's status cell, keyed by tab title."""
        out: dict[str, str] = {}
        for result in self.results:
            if keep(result.origin) and result.origin.tab is not None:
                out[result.origin.tab] = result.status_text()
        for rejection in self.rejected:
            if keep(rejection.origin) and rejection.origin.tab is not None:
                problems = "; ".join(p.in_sheet() for p in rejection.problems)
                out[rejection.origin.tab] = f"Chưa hợp lệ — {problems}"
        return out


def rejection_entry(rejection: Rejection) -> dict[str, Any]:
    return {
        "unit_id": rejection.unit_id,
        "year": rejection.year,
        "where": rejection.where,
        "reasons": rejection.reasons(),
        "codes": rejection.codes,
    }
