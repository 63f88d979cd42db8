"""Thông tư 22/2020 scoring: exact totals, Điều 6 classes, competition ranks, verified points, change, CDHT share, deadlines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from support import INDICATORS, levels_row, row, wide_csv

from intake.csv_reader import read_csv
from scoring import ScoringOptions, score
from scoring.registry import Registry
from scoring.results import Deadline, PointsOutcome, ResultRow, ScoreReport
from scoring.rubric import default_rubrics
from scoring.tab_status import status_text

TODAY = date(2026, 11, 24)
FLOAT_TRAP = ("8.4", "8.5", "8.5", "7.0", "3.8", "6.8", "3.3", "24.9", "9.0", "4.8")
MAXIMA = (10, 10, 10, 10, 5, 10, 5, 25, 10, 5)
Run = Callable[..., ScoreReport]


@pytest.fixture
def run(bundled_registry: Registry) -> Run:
    def go(*rows: dict[str, str], **options: Any) -> ScoreReport:
        opts = ScoringOptions(rubrics=default_rubrics(), today=TODAY, **options)
        report = score(read_csv(wide_csv(rows), "mau.csv"), bundled_registry, opts)
        assert report.read == len(report.results) + len(report.rejected)
        return report

    return go


def points_of(result: ResultRow) -> PointsOutcome:
    assert result.points is not None, result
    return result.points


def test_points_adding_to_exactly_85_are_tot_whatever_floats_say(run: Run) -> None:
    assert sum(float(p) for p in FLOAT_TRAP) < 85  # floats would make this Khá
    values = dict(zip(INDICATORS, FLOAT_TRAP, strict=True))
    result = run({"ma_don_vi": "so-y-te", "nam": "2023", **values}).results[0]
    assert result.method == "points" and result.rubric == "tt22-2020"
    assert points_of(result).total == Decimal(85)
    assert points_of(result).klass == "Tốt"


def totalling(total: str) -> dict[str, str]:
    """Points for the ten indicators that add up to `total`, taken off full marks in order."""
    deficit = Decimal(100) - Decimal(total)
    out = {}
    for ind, maximum in zip(INDICATORS, MAXIMA, strict=True):
        take = min(deficit, Decimal(maximum))
        out[ind] = str(maximum - take)
        deficit -= take
    return out


@pytest.mark.parametrize(
    ("total", "expected"),
    [("49.99", "Chưa đạt"), ("50", "Trung bình"), ("69.99", "Trung bình"), ("70", "Khá"),
     ("84.99", "Khá"), ("85", "Tốt")],
)
def test_class_at_each_boundary(run: Run, total: str, expected: str) -> None:
    result = run({"ma_don_vi": "so-y-te", "nam": "2023", **totalling(total)}).results[0]
    assert points_of(result).total == Decimal(total)
    assert points_of(result).klass == expected


def test_criterion_subtotals_add_up_exactly(run: Run) -> None:
    outcome = points_of(run(row("so-y-te", 2023, **{"1_1": "8,25", "2_2": "4.5", "3_1": "20"})).results[0])
    assert outcome.criteria == {"1": Decimal("28.25"), "2": Decimal("29.5"), "3": Decimal(35)}
    assert outcome.total == Decimal("92.75")


def test_ties_share_a_rank_and_the_next_rank_skips(run: Run) -> None:
    report = run(
        row("so-y-te", 2023),
        row("so-gd-dt", 2023, **{"3_1": "20"}),
        row("so-tu-phap", 2023, **{"3_1": "20"}),
        row("so-noi-vu", 2023, **{"3_1": "10"}),
    )
    assert [(r.unit_id, points_of(r).rank) for r in report.results] == [
        ("so-y-te", 1), ("so-gd-dt", 2), ("so-tu-phap", 2), ("so-noi-vu", 4)
    ]


def test_ties_are_exact_to_the_hundredth(run: Run) -> None:
    report = run(row("so-y-te", 2023, **{"3_1": "20.1"}), row("so-gd-dt", 2023, **{"3_1": "20,10"}),
                 row("so-tu-phap", 2023, **{"3_1": "20.09"}))
    assert [points_of(r).rank for r in report.results] == [1, 1, 3]


def test_ranks_are_per_year_and_per_group(run: Run) -> None:
    report = run(row("so-y-te", 2023, **{"3_1": "20"}), row("tinh-doan", 2023, **{"3_1": "21"}),
                 row("so-y-te", 2022, **{"3_1": "10"}))
    by = {(r.unit_id, r.year): points_of(r) for r in report.results}
    assert by[("so-y-te", 2022)].rank == 1
    assert by[("so-y-te", 2023)].rank == 2 and by[("so-y-te", 2023)].rank_in_group == 1
    assert by[("tinh-doan", 2023)].rank == 1 and by[("tinh-doan", 2023)].rank_in_group == 1


def test_levels_results_have_no_rank_and_do_not_disturb_the_points_ranks(run: Run) -> None:
    report = run(row("so-y-te", 2023, **{"3_1": "20"}), row("so-gd-dt", 2023), levels_row("so-y-te", 2024))
    assert [(r.unit_id, r.year, r.method) for r in report.results] == [
        ("so-gd-dt", 2023, "points"), ("so-y-te", 2023, "points"), ("so-y-te", 2024, "levels")
    ]
    assert [points_of(r).rank for r in report.results[:2]] == [1, 2]


def test_verified_points_override_self_points_when_all_are_filled(run: Run) -> None:
    reviewed = ("9", "10", "10", "10", "5", "10", "5", "25", "10", "5")
    verified = {f"td_{i.replace('.', '_')}": v for i, v in zip(INDICATORS, reviewed, strict=True)}
    result = run(row("so-y-te", 2023, **verified)).results[0]
    assert result.basis == "verified"
    assert points_of(result).total == 99
    assert points_of(result).self_total == 100
    assert points_of(result).points["1.1"] == 9


def test_partly_verified_points_keep_the_self_assessment(run: Run) -> None:
    result = run(row("so-y-te", 2023, td_1_1="5")).results[0]
    assert result.basis == "self"
    assert points_of(result).total == 100


def test_bad_verified_points_reject_the_row_even_when_partial(run: Run) -> None:
    report = run(row("so-y-te", 2023, td_1_1="15"))
    assert report.results == []
    assert report.rejected[0].codes == ["ngoai-khoang"]
    assert report.rejected[0].problems[0].place.column == "td_1.1"


def test_change_is_against_the_previous_calendar_year(run: Run) -> None:
    report = run(row("so-y-te", 2022, **{"3_1": "15"}), row("so-y-te", 2023, **{"3_1": "20"}))
    by = {r.year: points_of(r) for r in report.results}
    assert by[2023].previous_total == Decimal(90)
    assert by[2023].change == Decimal(5)
    assert by[2022].previous_total is None and by[2022].change is None


def test_no_change_is_shown_against_an_older_year_than_the_previous_one(run: Run) -> None:
    report = run(row("so-y-te", 2021, **{"3_1": "15"}), row("so-y-te", 2023, **{"3_1": "20"}))
    latest = next(points_of(r) for r in report.results if r.year == 2023)
    assert latest.previous_total is None
    assert latest.change is None


def test_change_is_negative_when_the_total_drops(run: Run) -> None:
    report = run(row("so-y-te", 2022), row("so-y-te", 2023, **{"3_1": "24,5"}))
    assert next(points_of(r) for r in report.results if r.year == 2023).change == Decimal("-0.5")


def test_cdht_share_is_compared_with_the_national_target(run: Run) -> None:
    targets = {2023: (Decimal("0.60"), 2025), 2025: (Decimal("0.60"), 2025)}
    report = run(
        row("so-y-te", 2023, so_thanh_vien="120", so_cdht="80"),
        row("so-gd-dt", 2023, so_thanh_vien="100", so_cdht="59"),
        row("so-noi-vu", 2023),
        levels_row("tn-so-y-te", 2025, members=120, met=108),  # TT 24: chỉ tiêu 3.1 counts the CDHT
        cdht_target=targets.get,
    )
    by = {r.unit_id: r for r in report.results}
    assert by["so-y-te"].cdht_share == Decimal("0.6667") and by["so-y-te"].cdht_meets_target is True
    assert by["so-gd-dt"].cdht_share == Decimal("0.59") and by["so-gd-dt"].cdht_meets_target is False
    assert by["so-noi-vu"].cdht_share is None and by["so-noi-vu"].cdht_meets_target is None  # not reported
    assert (by["tn-so-y-te"].members, by["tn-so-y-te"].cdht) == (120, 108)
    assert by["tn-so-y-te"].cdht_share == Decimal("0.9") and by["tn-so-y-te"].cdht_meets_target is True


def test_no_target_means_no_verdict(run: Run) -> None:
    result = run(row("so-y-te", 2023, so_thanh_vien="120", so_cdht="80")).results[0]
    assert result.cdht_share == Decimal("0.6667") and result.cdht_meets_target is None


def test_submission_status_against_the_tt22_deadline(run: Run, bundled_registry: Registry) -> None:
    # "chậm nhất trong Quý I của năm sau" (khoản 1 Điều 7): 31/03 is on time, 01/04 is late.
    report = run(
        row("so-y-te", 2023, ngay_gui="31/03/2024"),
        row("so-gd-dt", 2023, ngay_gui="2024-04-01"),
        row("so-noi-vu", 2023),
        row("so-tu-phap", 2023, **{"1_1": "x"}),
    )
    status = {s.unit_id: s.status for s in report.statuses if s.year == 2023}
    assert status["so-y-te"] == "dung-han"
    assert status["so-gd-dt"] == "tre-han"
    assert status["so-noi-vu"] == "khong-ro-ngay"
    assert status["so-tu-phap"] == "bi-tu-choi"
    assert status["ubkt-tu"] == "chua-nop"
    assert set(status) == {u.id for u in bundled_registry.active(2023)}
    assert report.deadlines[2023] == Deadline(date(2024, 4, 1), "khoản 1 Điều 7 Thông tư 22/2020/TT-BGDĐT")


def test_submission_status_against_the_tt24_deadline(run: Run) -> None:
    # "trước ngày 15 tháng 1 của năm liền kề sau năm đánh giá": 14/01 is on time, 15/01 is late.
    report = run(levels_row("so-y-te", 2024, ngay_gui="14/01/2025"), levels_row("so-gd-dt", 2024, ngay_gui="15/01/2025"))
    by = {r.unit_id: r.submission_status for r in report.results}
    assert by == {"so-y-te": "dung-han", "so-gd-dt": "tre-han"}
    status = {s.unit_id: s.status for s in report.statuses if s.year == 2024}
    assert status["dh-thcs-hau-nghia"] == "chua-nop"  # district units are still assessed in 2024


def test_deadline_is_a_setting(run: Run) -> None:
    def long_an(year: int, rubric: object) -> Deadline:
        return Deadline(date(year + 1, 1, 31), "hoctap.toml")

    late = row("so-gd-dt", 2023, ngay_gui="01/03/2024")
    assert run(late).results[0].submission_status == "dung-han"  # within the first quarter
    report = run(late, deadline=long_an)
    assert report.results[0].submission_status == "tre-han"
    assert report.deadlines[2023].before == date(2024, 1, 31)


def test_year_filter_keeps_read_equal_to_scored_plus_rejected(run: Run) -> None:
    report = run(row("so-y-te", 2022), row("so-y-te", 2023), row("so-gd-dt", 2023, **{"1_1": ""}),
                 row("so-tu-phap", "x"))
    assert report.counts() == {"read": 4, "scored": 2, "rejected": 2}
    one = report.for_year(2023)
    # A row whose year cannot be read belongs to no year (the results folder lists it apart).
    assert one.counts() == {"read": 2, "scored": 1, "rejected": 1}
    assert [r.year for r in report.rejected] == [2023, None]


def test_results_are_ordered_by_year_then_rank(run: Run) -> None:
    report = run(row("so-y-te", 2023, **{"3_1": "10"}), row("so-gd-dt", 2023), row("so-y-te", 2022))
    assert [(r.year, r.unit_id) for r in report.results] == [(2022, "so-y-te"), (2023, "so-gd-dt"), (2023, "so-y-te")]


def test_status_text_for_the_agency_tab_is_vietnamese(run: Run) -> None:
    result = run(row("so-y-te", 2023, **{"3_1": "12.5"})).results[0]
    assert status_text(result) == "Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"


def test_rank_arrays_match_competition_ranking_on_a_random_corpus_with_ties() -> None:
    """The integer ranking (`ranking.rank_arrays`) against the definition, on years with gaps, groups and ties."""
    import random

    from scoring.ranking import rank_arrays

    rng = random.Random(22)
    rows = [(f"dv-{u}", y, rng.choice("ABC"), rng.choice([8850, 9000, 9000, 7500, 10000, rng.randint(0, 10000)]))
            for u in range(300) for y in (2020, 2021, 2023) if rng.random() < 0.8]
    rng.shuffle(rows)
    rank, in_group, before = rank_arrays(*(list(c) for c in zip(*rows, strict=True)))
    for k, (unit, year, group, total) in enumerate(rows):
        assert rank[k] == 1 + sum(1 for _, y, _, t in rows if y == year and t > total)
        assert in_group[k] == 1 + sum(1 for _, y, g, t in rows if y == year and g == group and t > total)
        previous = [j for j, (u, y, _, _) in enumerate(rows) if u == unit and y == year - 1]
        assert before[k] == (previous[0] if previous else -1)
    assert all(len(a) == 0 for a in rank_arrays([], [], [], []))
