"""Exact totals, Điều 6 classes, competition ranks, verified points, change, CDHT share, deadlines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from builders import INDICATORS, row, wide_csv
from intake.csv_reader import read_csv
from scoring import ScoringOptions, score
from scoring.registry import load_registry

REGISTRY = load_registry()
FLOAT_TRAP = ("8.4", "8.5", "8.5", "7.0", "3.8", "6.8", "3.3", "24.9", "9.0", "4.8")


def run(*rows: dict[str, str], options: ScoringOptions | None = None):
    return score(read_csv(wide_csv(rows), "mau.csv"), REGISTRY, options)


def test_points_adding_to_exactly_85_are_tot_whatever_floats_say() -> None:
    assert sum(float(p) for p in FLOAT_TRAP) < 85  # floats would make this Khá
    values = dict(zip(INDICATORS, FLOAT_TRAP, strict=True))
    result = run({"ma_don_vi": "so-y-te", "nam": "2024", **values}).results[0]
    assert result.total == Decimal(85)
    assert result.klass == "Tốt"


def totalling(total: str) -> dict[str, str]:
    """Points for the ten indicators that add up to `total`, taken off full marks in order."""
    deficit = Decimal(100) - Decimal(total)
    out = {}
    for ind, maximum in zip(INDICATORS, (10, 10, 10, 10, 5, 10, 5, 25, 10, 5), strict=True):
        take = min(deficit, Decimal(maximum))
        out[ind] = str(maximum - take)
        deficit -= take
    return out


@pytest.mark.parametrize(
    ("total", "expected"),
    [("49.99", "Chưa đạt"), ("50", "Trung bình"), ("69.99", "Trung bình"), ("70", "Khá"),
     ("84.99", "Khá"), ("85", "Tốt")],
)
def test_class_at_each_boundary(total: str, expected: str) -> None:
    result = run({"ma_don_vi": "so-y-te", "nam": "2024", **totalling(total)}).results[0]
    assert result.total == Decimal(total)
    assert result.klass == expected


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    report = run(
        row("so-y-te", 2024),
        row("so-gd-dt", 2024, **{"3_1": "20"}),
        row("so-tu-phap", 2024, **{"3_1": "20"}),
        row("so-noi-vu", 2024, **{"3_1": "10"}),
    )
    assert [(r.unit_id, r.rank) for r in report.results] == [
        ("so-y-te", 1), ("so-gd-dt", 2), ("so-tu-phap", 2), ("so-noi-vu", 4)
    ]


def test_ranks_are_per_year_and_per_group() -> None:
    report = run(row("so-y-te", 2024, **{"3_1": "20"}), row("tinh-doan", 2024, **{"3_1": "21"}),
                 row("so-y-te", 2023, **{"3_1": "10"}))
    by = {(r.unit_id, r.year): r for r in report.results}
    assert by[("so-y-te", 2023)].rank == 1
    assert by[("so-y-te", 2024)].rank == 2 and by[("so-y-te", 2024)].rank_in_group == 1


def test_verified_points_override_self_points_when_all_are_filled() -> None:
    reviewed = ("9", "10", "10", "10", "5", "10", "5", "25", "10", "5")
    verified = {f"td_{i.replace('.', '_')}": v for i, v in zip(INDICATORS, reviewed, strict=True)}
    result = run(row("so-y-te", 2024, **verified)).results[0]
    assert result.basis == "verified"
    assert result.total == 99
    assert result.self_total == 100


def test_partly_verified_points_keep_the_self_assessment() -> None:
    result = run(row("so-y-te", 2024, td_1_1="5")).results[0]
    assert result.basis == "self"
    assert result.total == 100


def test_change_is_against_the_units_previous_scored_year() -> None:
    report = run(row("so-y-te", 2022, **{"3_1": "15"}), row("so-y-te", 2024, **{"3_1": "20"}))
    latest = next(r for r in report.results if r.year == 2024)
    assert latest.previous_year == 2022
    assert latest.change == Decimal(5)
    assert next(r for r in report.results if r.year == 2022).change is None


def test_cdht_share_is_compared_with_the_national_target() -> None:
    targets = {2025: (Decimal("0.60"), 2025)}
    options = ScoringOptions(cdht_target=lambda y: targets.get(y))
    report = run(
        row("so-y-te", 2025, so_thanh_vien="120", so_cdht="80"),
        row("so-gd-dt", 2025, so_thanh_vien="100", so_cdht="59"),
        options=options,
    )
    by = {r.unit_id: r for r in report.results}
    assert by["so-y-te"].cdht_share == Decimal("0.6667") and by["so-y-te"].cdht_meets_target is True
    assert by["so-gd-dt"].cdht_meets_target is False


def test_submission_status_against_the_deadline() -> None:
    report = run(
        row("so-y-te", 2024, ngay_gui="31/01/2025"),
        row("so-gd-dt", 2024, ngay_gui="2025-02-01"),
        row("so-tu-phap", 2024, **{"1_1": "x"}),
    )
    status = {(s.unit_id): s.status for s in report.statuses if s.year == 2024}
    assert status["so-y-te"] == "dung-han"
    assert status["so-gd-dt"] == "tre-han"
    assert status["so-tu-phap"] == "bi-tu-choi"
    assert status["so-noi-vu"] == "chua-nop"
    assert "ubnd-tan-an" in status  # district units are still assessed in 2024
    assert len(status) == len(REGISTRY.active(2024))


def test_deadline_is_a_setting() -> None:
    options = ScoringOptions(deadline=lambda y: date(y + 1, 3, 31))
    report = run(row("so-gd-dt", 2024, ngay_gui="01/03/2025"), options=options)
    assert report.results[0].submission_status == "dung-han"


def test_year_filter_keeps_read_equal_to_scored_plus_rejected() -> None:
    report = run(row("so-y-te", 2023), row("so-y-te", 2024), row("so-gd-dt", 2024, **{"1_1": ""}),
                 row("so-tu-phap", "x"))
    one = report.for_year(2024)
    assert one.counts() == {"read": 3, "scored": 1, "rejected": 2}  # the unreadable year is kept


def test_status_text_for_the_agency_tab_is_vietnamese() -> None:
    result = run(row("so-y-te", 2024, **{"3_1": "12.5"})).results[0]
    assert result.status_text() == "Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"
