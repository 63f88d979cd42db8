"""Thông tư 24/2023 (`levels`): thresholds compared exactly, evidence, applicability by unit type, the council, rejections.

Every test goes from real wide-CSV bytes through `read_csv` and `score`, as an import does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from support import levels_row, registry_csv, row, wide_csv

from intake.csv_reader import read_csv
from scoring import ScoringOptions, score
from scoring.levels import CdhtRule
from scoring.levels_rubric import LevelsRubric
from scoring.problems import Rejection
from scoring.registry import Registry, load_registry
from scoring.results import LevelsOutcome, ResultRow, ScoreReport
from scoring.results_json import JsonChecks, check_result, document, judged, row_from_json, row_to_json
from scoring.rubric import default_rubrics
from scoring.tab_status import status_text

TODAY = date(2026, 11, 24)
UNITS: list[dict[str, Any]] = [
    {"id": "so-y-te", "name": "Sở Y tế", "loai": "co-quan"},
    {"id": "su-nghiep-tu", "name": "Trung tâm Tư vấn Pháp luật (ngoài công lập)", "loai": "su-nghiep", "cong_lap": "không"},
    {"id": "dn-tinh", "name": "Công ty Xổ số kiến thiết", "loai": "to-chuc-kinh-te"},
    {"id": "hoi-tinh", "name": "Hội Khuyến học tỉnh", "loai": "hoi"},
    {"id": "thpt-a", "name": "Trường THPT A", "loai": "thpt"},
    {"id": "gdtx-tinh", "name": "Trung tâm Giáo dục thường xuyên tỉnh", "loai": "gdtx"},
    {"id": "dai-hoc-a", "name": "Trường Đại học A", "loai": "dai-hoc"},
    {"id": "cd-nghe", "name": "Trường Cao đẳng nghề", "loai": "gdnn"},
    {"id": "xa-a", "name": "UBND xã A", "cap": "huyen", "loai": "co-quan"},
    {"id": "hoi-huyen", "name": "Hội Khuyến học huyện", "cap": "huyen", "loai": "hoi"},
    {"id": "htx-huyen", "name": "Hợp tác xã Lương Hòa", "cap": "huyen", "loai": "to-chuc-kinh-te"},
    {"id": "th-a", "name": "Trường Tiểu học A", "cap": "huyen", "loai": "tieu-hoc"},
    {"id": "thcs-a", "name": "Trường THCS A", "cap": "huyen", "loai": "thcs"},
    {"id": "mn-cong-lap", "name": "Trường Mầm non công lập", "cap": "huyen", "loai": "mam-non-cong-lap"},
    {"id": "mn-tu-thuc", "name": "Trường Mầm non tư thục", "cap": "huyen", "loai": "mam-non-tu-thuc"},
    {"id": "gdnn-huyen", "name": "Trung tâm GDNN-GDTX huyện", "cap": "huyen", "loai": "gdnn"},
    {"id": "chua-phan-loai", "name": "Ban Chưa phân loại", "cap": "", "loai": ""},
]
BY_ID = {u["id"]: u for u in UNITS}
Run = Callable[..., ScoreReport]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    path = tmp_path_factory.mktemp("levels-registry") / "units.csv"
    path.write_text(registry_csv(UNITS), encoding="utf-8")
    rubric = default_rubrics().by_id("tt24-2023")
    assert isinstance(rubric, LevelsRubric)
    return load_registry(path, rubric.unit_types)


@pytest.fixture
def run(registry: Registry) -> Run:
    def go(*rows: dict[str, str], rule: CdhtRule = "ca-hai") -> ScoreReport:
        opts = ScoringOptions(rubrics=default_rubrics(), today=TODAY, cdht_rule=rule)
        report = score(read_csv(wide_csv(rows), "mau.csv"), registry, opts)
        assert report.read == len(report.results) + len(report.rejected)
        return report

    return go


def unit_row(unit: str, year: int = 2025, **values: Any) -> dict[str, str]:
    """A TT 24 row for a unit of the local registry, every applicable chỉ tiêu met with evidence (see levels_row)."""
    u = BY_ID[unit]
    public = {"không": False, "có": True}.get(u.get("cong_lap", ""))
    return levels_row(unit, year, cap=u.get("cap", "tinh"), loai=u["loai"], public=public, **values)


def scored(report: ScoreReport) -> tuple[ResultRow, LevelsOutcome]:
    assert not report.rejected, [r.reasons() for r in report.rejected]
    assert len(report.results) == 1
    result = report.results[0]
    assert result.levels is not None and result.method == "levels" and result.rubric == "tt24-2023"
    return result, result.levels


def only_rejection(report: ScoreReport) -> Rejection:
    assert not report.results and len(report.rejected) == 1, report.results
    return report.rejected[0]


# --- thresholds, compared exactly ------------------------------------------------------------------------


@pytest.mark.parametrize("indicator", ["2.1", "2.2", "2.3", "2.5", "3.1"])
def test_90_of_100_members_meets_level_1_and_89_does_not(run: Run, indicator: str) -> None:
    key = indicator.replace(".", "_")
    _, ninety = scored(run(unit_row("so-y-te", **{key: "90"})))
    assert ninety.checks[indicator].result == "dat"
    assert dict(ninety.checks[indicator].by_level) == {1: "dat", 2: "khong-dat"}
    assert ninety.level_met == 1
    _, eighty_nine = scored(run(unit_row("so-y-te", **{key: "89"})))
    check = eighty_nine.checks[indicator]
    assert (check.result, check.count, check.share) == ("khong-dat", 89, Decimal("0.89"))
    assert check.reasons == ("thành viên: 89% (89/100) thấp hơn 90%",)
    assert eighty_nine.level_met == 0


@pytest.mark.parametrize("indicator", ["2.1", "2.2", "2.3", "2.5", "3.1"])
def test_95_of_100_members_meets_level_2_and_94_does_not(run: Run, indicator: str) -> None:
    key = indicator.replace(".", "_")
    _, met = scored(run(unit_row("so-y-te", level=2, **{key: "95"})))
    assert met.checks[indicator].result == "dat" and met.level_met == 2
    _, short = scored(run(unit_row("so-y-te", level=2, **{key: "94"})))
    assert short.checks[indicator].result == "khong-dat"
    assert short.checks[indicator].reasons == ("thành viên: 94% (94/100) thấp hơn 95%",)
    assert short.level_met == 1  # 94% still meets level 1


@pytest.mark.parametrize(
    ("count", "level_1", "level_2"),
    [("49", "khong-dat", "khong-dat"), ("50", "dat", "khong-dat"), ("69", "dat", "khong-dat"), ("70", "dat", "dat")],
)
def test_language_chi_tieu_2_4_needs_50_percent_at_level_1_and_70_at_level_2(
    run: Run, count: str, level_1: str, level_2: str
) -> None:
    _, outcome = scored(run(unit_row("so-y-te", level=2, **{"2_4": count})))
    assert dict(outcome.checks["2.4"].by_level) == {1: level_1, 2: level_2}
    assert outcome.checks["2.4"].result == level_2  # judged against the requested level


def test_shares_are_compared_exactly_never_as_rounded_percentages(run: Run) -> None:
    _, short = scored(run(unit_row("so-y-te", members=10000, **{"2_1": "8999"})))
    assert short.checks["2.1"].result == "khong-dat"  # 89,99%: shown rounded as 90%, still under 90%
    assert short.checks["2.1"].share == Decimal("0.8999")
    _, exact = scored(run(unit_row("so-y-te", members=10000, **{"2_1": "9000"})))
    assert exact.checks["2.1"].result == "dat"
    _, seven = scored(run(unit_row("so-y-te", members=7, met=7, **{"2_1": "6"})))
    assert seven.checks["2.1"].result == "khong-dat"  # 6 of 7 is 85,7%


def test_learners_of_a_thpt_need_95_percent_at_level_1(run: Run) -> None:
    _, met = scored(run(unit_row("thpt-a", learners=1000, nguoi_hoc_cdht="950")))
    assert met.checks["3.1"].result == "dat"
    assert (met.learners, met.learners_cdht) == (1000, 950)
    assert met.checks["3.1"].learners_share == Decimal("0.95")
    _, short = scored(run(unit_row("thpt-a", learners=1000, nguoi_hoc_cdht="949")))
    assert short.checks["3.1"].result == "khong-dat"
    assert short.checks["3.1"].reasons == ("người học: 94,9% (949/1000) thấp hơn 95%",)
    assert short.level_met == 0


def test_learners_of_a_thpt_need_97_percent_at_level_2(run: Run) -> None:
    _, met = scored(run(unit_row("thpt-a", level=2, learners=1000, nguoi_hoc_cdht="970")))
    assert met.checks["3.1"].result == "dat" and met.level_met == 2
    _, short = scored(run(unit_row("thpt-a", level=2, learners=1000, nguoi_hoc_cdht="969")))
    assert dict(short.checks["3.1"].by_level) == {1: "dat", 2: "khong-dat"}
    assert short.checks["3.1"].reasons == ("người học: 96,9% (969/1000) thấp hơn 97%",)
    assert short.level_met == 1


def test_both_readings_of_the_cdht_rule_for_a_school_with_learners(run: Run) -> None:
    members_short = unit_row("thpt-a", learners=1000, nguoi_hoc_cdht="1000", **{"3_1": "89"})
    _, both = scored(run(members_short, rule="ca-hai"))  # members' and learners' thresholds
    assert both.checks["3.1"].result == "khong-dat"
    assert both.checks["3.1"].reasons == ("thành viên: 89% (89/100) thấp hơn 90%",)
    _, learners_only = scored(run(members_short, rule="nguoi-hoc"))  # only the learners' threshold
    assert learners_only.checks["3.1"].result == "dat"
    learners_short = unit_row("thpt-a", learners=1000, nguoi_hoc_cdht="940")
    for rule in ("ca-hai", "nguoi-hoc"):
        assert scored(run(learners_short, rule=rule))[1].checks["3.1"].result == "khong-dat"


def test_a_school_without_learners_is_judged_on_its_members_under_either_reading(run: Run) -> None:
    # Người học excludes pupils of preschools, primary and THCS schools (khoản 8 Điều 2).
    for rule in ("ca-hai", "nguoi-hoc"):
        _, outcome = scored(run(unit_row("thcs-a", year=2024, **{"3_1": "89"}), rule=rule))
        assert outcome.checks["3.1"].result == "khong-dat"
        assert outcome.learners is None and outcome.checks["3.1"].learners_count is None


# --- evidence (khoản 3 Điều 9, khoản 3 Điều 15) --------------------------------------------------------


@pytest.mark.parametrize("evidence", ["", "  ", "-"])
def test_a_chi_tieu_without_evidence_is_not_met_but_the_row_is_scored(run: Run, evidence: str) -> None:
    _, outcome = scored(run(unit_row("so-y-te", mc_3_2=evidence, mc_2_1=evidence)))
    assert outcome.checks["3.2"].result == "khong-dat"
    assert outcome.checks["3.2"].reasons == ("không có minh chứng",)
    assert outcome.checks["2.1"].reasons == ("không có minh chứng",)  # 100% of members, still không đạt
    assert outcome.criteria_met == {"1": True, "2": False, "3": False}
    assert outcome.level_met == 0
    assert outcome.checks["3.2"].evidence is None and outcome.checks["1.1"].evidence is not None


def test_evidence_may_be_a_document_reference(run: Run) -> None:
    reference = "Kế hoạch số 12/KH-SYT ngày 10/01/2025"
    result, outcome = scored(run(unit_row("so-y-te", mc_1_1=reference)))
    assert outcome.checks["1.1"].result == "dat" and outcome.checks["1.1"].evidence == reference
    assert result.evidence["1.1"] == reference


# --- which chỉ tiêu apply to which unit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("so-y-te", "dat"), ("thpt-a", "dat"), ("mn-cong-lap", "dat"), ("xa-a", "dat"),
     ("su-nghiep-tu", "khong-ap-dung"), ("dn-tinh", "khong-ap-dung"), ("hoi-tinh", "khong-ap-dung"),
     ("mn-tu-thuc", "khong-ap-dung"), ("htx-huyen", "khong-ap-dung")],
)
def test_chi_tieu_1_3_applies_only_to_state_bodies_and_public_service_units(run: Run, unit: str, expected: str) -> None:
    _, outcome = scored(run(unit_row(unit, year=2024)))
    assert outcome.checks["1.3"].result == expected
    assert outcome.level_met == 2


@pytest.mark.parametrize(("unit", "expected"), [("dn-tinh", "khong-ap-dung"), ("htx-huyen", "khong-ap-dung"),
                                                ("hoi-tinh", "dat"), ("su-nghiep-tu", "dat")])
def test_chi_tieu_2_4_does_not_apply_to_economic_organisations(run: Run, unit: str, expected: str) -> None:
    _, outcome = scored(run(unit_row(unit, year=2024)))
    assert outcome.checks["2.4"].result == expected


def test_district_3_3_at_level_2_applies_only_to_public_units(run: Run) -> None:
    _, association = scored(run(unit_row("hoi-huyen", year=2024, level=2)))
    assert association.checks["3.3"].result == "khong-ap-dung"
    assert dict(association.checks["3.3"].by_level) == {1: "dat", 2: "khong-ap-dung"}
    _, commune = scored(run(unit_row("xa-a", year=2024, level=2)))
    assert dict(commune.checks["3.3"].by_level) == {1: "dat", 2: "dat"}
    _, provincial = scored(run(unit_row("hoi-tinh", level=2)))  # Điều 13: every provincial unit
    assert dict(provincial.checks["3.3"].by_level) == {1: "dat", 2: "dat"}


def test_each_level_stands_on_its_own_article_even_where_level_2_asks_less(run: Run) -> None:
    # Level 1 needs 3.3 of every district unit (điểm c khoản 3 Điều 6); level 2 only of public ones (điểm c khoản 3
    # Điều 7). "Mức độ 2 khi đạt đầy đủ các tiêu chí, chỉ tiêu được quy định tại Điều 7" (khoản 2 Điều 8): a
    # non-public unit without the collective title meets level 2's article, not level 1's.
    _, outcome = scored(run(unit_row("hoi-huyen", year=2024, level=1, **{"3_3": "không đạt"})))
    assert dict(outcome.checks["3.3"].by_level) == {1: "khong-dat", 2: "khong-ap-dung"}
    assert outcome.checks["3.3"].result == "khong-dat"  # judged at the level it asked for
    assert outcome.level_met == 2 and outcome.self_level_met == 2


@pytest.mark.parametrize(
    ("unit", "year", "digital"),
    [("th-a", 2024, {"3.4": "dat"}), ("thcs-a", 2024, {"3.4": "dat"}), ("mn-cong-lap", 2024, {"3.4": "khong-ap-dung"}),
     ("xa-a", 2024, {"3.4": "khong-ap-dung"}), ("gdnn-huyen", 2024, {"3.4": "khong-ap-dung"}),
     ("thpt-a", 2025, {"3.4": "dat", "3.5": "khong-ap-dung"}), ("gdtx-tinh", 2025, {"3.4": "dat", "3.5": "khong-ap-dung"}),
     ("dai-hoc-a", 2025, {"3.4": "khong-ap-dung", "3.5": "dat"}),
     ("so-y-te", 2025, {"3.4": "khong-ap-dung", "3.5": "khong-ap-dung"})],
)
def test_the_digital_level_applies_to_the_schools_the_law_names(run: Run, unit: str, year: int,
                                                                  digital: dict[str, str]) -> None:
    # District 3.4: general schools (QĐ 4725); provincial 3.4: THPT and GDTX (QĐ 4725); 3.5: universities (QĐ 4740).
    _, outcome = scored(run(unit_row(unit, year=year, level=2)))
    assert {k: outcome.checks[k].result for k in digital} == digital


@pytest.mark.parametrize(
    ("typed", "answer", "by_level", "level_met"),
    [("tốt", "tot", {1: "dat", 2: "dat"}, 2), ("Mức đáp ứng tốt", "tot", {1: "dat", 2: "dat"}, 2),
     ("cơ bản", "co-ban", {1: "dat", 2: "khong-dat"}, 1), ("Co ban", "co-ban", {1: "dat", 2: "khong-dat"}, 1),
     ("chưa đạt", "chua-dat", {1: "khong-dat", 2: "khong-dat"}, 0)],
)
def test_digital_level_co_ban_meets_level_1_and_tot_meets_level_2(run: Run, typed: str, answer: str,
                                                                  by_level: dict[int, str], level_met: int) -> None:
    _, outcome = scored(run(unit_row("thpt-a", level=2, **{"3_4": typed})))
    assert outcome.checks["3.4"].answer == answer
    assert dict(outcome.checks["3.4"].by_level) == by_level
    assert outcome.level_met == level_met


def test_a_short_digital_level_says_why(run: Run) -> None:
    _, outcome = scored(run(unit_row("dai-hoc-a", level=2, **{"3_5": "cơ bản"})))
    assert outcome.checks["3.5"].reasons == ("mức chuyển đổi số «mức đáp ứng cơ bản» chưa đạt «mức đáp ứng tốt»",)


def test_vocational_accreditation_is_3_5_in_the_district_set_and_3_6_in_the_provincial(run: Run) -> None:
    _, district = scored(run(unit_row("gdnn-huyen", year=2024, **{"3_5": "không đạt"})))
    assert district.checks["3.5"].result == "khong-dat" and district.level_met == 0
    _, provincial = scored(run(unit_row("cd-nghe", **{"3_6": "Không Đạt"})))
    assert provincial.checks["3.6"].result == "khong-dat" and provincial.level_met == 0
    _, accredited = scored(run(unit_row("cd-nghe")))
    assert accredited.checks["3.6"].result == "dat"
    assert accredited.learners == 1000  # a vocational school has Người học
    _, office = scored(run(unit_row("so-y-te")))
    assert office.checks["3.6"].result == "khong-ap-dung"


def test_a_value_typed_in_a_chi_tieu_that_does_not_apply_is_ignored_with_a_warning(run: Run) -> None:
    result, outcome = scored(run(unit_row("dn-tinh", **{"2_4": "80", "1_3": "có lẽ", "hd_1_3": "không đạt"})))
    assert outcome.checks["2.4"].result == outcome.checks["1.3"].result == "khong-ap-dung"
    assert outcome.level_met == 2
    assert result.basis == "self"  # the council's cell on a chỉ tiêu that does not apply is not used
    assert result.warnings == (
        "mau.csv, dòng 2, cột 1.3: chỉ tiêu 1.3 không áp dụng cho doanh nghiệp, hợp tác xã, tổ chức kinh tế khác, "
        "giá trị đã nhập không được tính.",
        "mau.csv, dòng 2, cột hd_1.3: chỉ tiêu 1.3 không áp dụng cho doanh nghiệp, hợp tác xã, tổ chức kinh tế khác, "
        "giá trị đã nhập không được tính.",
        "mau.csv, dòng 2, cột 2.4: chỉ tiêu 2.4 không áp dụng cho doanh nghiệp, hợp tác xã, tổ chức kinh tế khác, "
        "giá trị đã nhập không được tính.",
    )
    assert "2.4" in status_text(result)


@pytest.mark.parametrize("mark", ["", "-", "—", "Không áp dụng", "KAD"])
def test_a_blank_or_a_dash_in_a_chi_tieu_that_does_not_apply_needs_no_warning(run: Run, mark: str) -> None:
    result, _ = scored(run(unit_row("dn-tinh", **{"2_4": mark})))
    assert result.warnings == ()


# --- level_met and checks, as INTERFACES.md shows them ------------------------------------------------------


def test_checks_hold_every_chi_tieu_of_the_set_judged_at_the_requested_level(run: Run) -> None:
    _, outcome = scored(run(unit_row("so-y-te", level=2, **{"3_1": "94"})))
    assert outcome.set == "cap-tinh" and outcome.level_requested == 2 and outcome.level_met == 1
    assert {k: c.result for k, c in outcome.checks.items()} == {
        "1.1": "dat", "1.2": "dat", "1.3": "dat", "1.4": "dat", "1.5": "dat",
        "2.1": "dat", "2.2": "dat", "2.3": "dat", "2.4": "dat", "2.5": "dat",
        "3.1": "khong-dat", "3.2": "dat", "3.3": "dat", "3.4": "khong-ap-dung", "3.5": "khong-ap-dung",
        "3.6": "khong-ap-dung",
    }
    assert outcome.criteria_met == {"1": True, "2": True, "3": False}


def test_the_district_set_has_its_own_chi_tieu(run: Run) -> None:
    _, outcome = scored(run(unit_row("th-a", year=2024)))
    assert outcome.set == "cap-huyen"
    assert list(outcome.checks) == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5",
                                    "3.1", "3.2", "3.3", "3.4", "3.5"]
    assert outcome.checks["3.5"].result == "khong-ap-dung"


def test_level_met_may_be_higher_than_the_level_requested(run: Run) -> None:
    _, outcome = scored(run(unit_row("so-y-te", level=1)))
    assert (outcome.level_requested, outcome.level_met, outcome.self_level_met) == (1, 2, 2)


def test_a_unit_meeting_no_level_has_level_0(run: Run) -> None:
    _, outcome = scored(run(unit_row("so-y-te", level=2, **{"1_1": "không đạt"})))
    assert outcome.level_met == 0
    assert outcome.checks["1.1"].reasons == ("đơn vị tự đánh giá không đạt",)


# --- the Hội đồng đánh giá -----------------------------------------------------------------------------------


def test_the_councils_judgement_overrides_the_units_own_and_makes_the_basis_verified(run: Run) -> None:
    result, outcome = scored(run(unit_row("so-y-te", level=2, hd_3_1="không đạt",
                                          hd_ly_do="Chỉ tiêu 3.1: danh sách Công dân học tập chưa có quyết định.")))
    check = outcome.checks["3.1"]
    assert (check.result, check.self_result, check.council) == ("khong-dat", "dat", "khong-dat")
    assert check.reasons == ("Hội đồng đánh giá: không đạt",)
    assert (outcome.level_met, outcome.self_level_met) == (0, 2)
    assert result.basis == "verified"
    assert result.council_note == outcome.council_reasons == "Chỉ tiêu 3.1: danh sách Công dân học tập chưa có quyết định."


def test_the_council_may_accept_what_the_unit_judged_not_met(run: Run) -> None:
    result, outcome = scored(run(unit_row("so-y-te", level=1, mc_1_2="", hd_1_2="Đạt")))
    assert outcome.checks["1.2"].result == "dat" and outcome.checks["1.2"].self_result == "khong-dat"
    assert (outcome.level_met, outcome.self_level_met) == (2, 0)  # a yes/no chỉ tiêu asks the same at both levels
    assert result.basis == "verified"


def test_council_approval_at_level_1_does_not_award_level_2(run: Run) -> None:
    _, outcome = scored(run(unit_row("so-y-te", level=1, hd_2_1="đạt", **{"2_1": "91"})))
    assert dict(outcome.checks["2.1"].by_level) == {1: "dat", 2: "khong-dat"}  # 91% is not 95%
    assert outcome.level_met == 1


def test_council_approval_at_level_2_holds_at_level_1(run: Run) -> None:
    _, outcome = scored(run(unit_row("so-y-te", level=2, hd_2_1="đạt", **{"2_1": "80"})))
    assert dict(outcome.checks["2.1"].by_level) == {1: "dat", 2: "dat"}
    assert (outcome.level_met, outcome.self_level_met) == (2, 0)


def test_a_council_refusal_holds_at_every_level(run: Run) -> None:
    _, outcome = scored(run(unit_row("so-y-te", level=2, hd_2_4="không đạt", **{"2_4": "96"})))
    assert dict(outcome.checks["2.4"].by_level) == {1: "khong-dat", 2: "khong-dat"}
    assert outcome.level_met == 0


def test_blank_council_cells_leave_the_basis_self(run: Run) -> None:
    result, outcome = scored(run(unit_row("so-y-te", hd_1_1="", hd_ly_do="")))
    assert result.basis == "self" and result.council_note is None and outcome.council_reasons is None
    assert outcome.checks["1.1"].council is None


# --- every reason to reject a TT 24 row is coded, with its place --------------------------------------------


@pytest.mark.parametrize(
    ("unit", "values", "code", "detail"),
    [
        ("so-y-te", {"2_1": "101"}, "vuot-so-thanh-vien", "cột 2.1: 101 lớn hơn tổng số thành viên 100 (chỉ tiêu 2.1)"),
        ("thpt-a", {"nguoi_hoc_cdht": "1001"}, "vuot-so-nguoi-hoc",
         "cột nguoi_hoc_cdht: 1001 lớn hơn tổng số người học 1000 (chỉ tiêu 3.1)"),
        ("so-y-te", {"muc_de_nghi": "3"}, "muc-khong-hop-le",
         "cột muc_de_nghi: «3» không phải mức độ đề nghị hợp lệ (ghi 1 hoặc 2)"),
        ("so-y-te", {"muc_de_nghi": "mức 2"}, "muc-khong-hop-le", "«mức 2» không phải mức độ đề nghị hợp lệ"),
        ("so-y-te", {"muc_de_nghi": ""}, "thieu-thong-tin", "cột muc_de_nghi: chưa ghi mức độ đề nghị công nhận"),
        ("so-y-te", {"1_1": "có"}, "khong-phai-dat", "cột 1.1: «có» không hợp lệ (chỉ tiêu 1.1: ghi «đạt» hoặc «không đạt»)"),
        ("so-y-te", {"hd_3_2": "ok"}, "khong-phai-dat", "cột hd_3.2: «ok» không hợp lệ (chỉ tiêu 3.2"),
        ("thpt-a", {"3_4": "khá"}, "muc-cds-khong-hop-le",
         "cột 3.4: «khá» không phải mức chuyển đổi số hợp lệ (chỉ tiêu 3.4: ghi «cơ bản», «tốt» hoặc «chưa đạt»)"),
        ("so-y-te", {"1_1": ""}, "o-trong", "cột 1.1: chưa nhập chỉ tiêu 1.1 (ô trống không được tính là 0)"),
        ("so-y-te", {"2_1": " "}, "o-trong", "cột 2.1: chưa nhập chỉ tiêu 2.1"),
        ("so-y-te", {"2_1": "90,5"}, "so-nguyen-khong-hop-le", "cột 2.1: «90,5» không phải là số nguyên không âm "
                                                               "(chỉ tiêu 2.1: số thành viên đạt)"),
        ("so-y-te", {"so_thanh_vien": ""}, "thieu-thong-tin", "cột so_thanh_vien: chưa ghi tổng số thành viên"),
        ("so-y-te", {"so_thanh_vien": "0"}, "so-nguyen-khong-hop-le", "cột so_thanh_vien: «0»"),
        ("thpt-a", {"so_nguoi_hoc": ""}, "thieu-thong-tin", "cột so_nguoi_hoc: chưa ghi tổng số người học"),
        ("thpt-a", {"nguoi_hoc_cdht": ""}, "thieu-thong-tin",
         "cột nguoi_hoc_cdht: chưa ghi số người học đạt danh hiệu “Công dân học tập”"),
        ("xa-a", {"3_6": "đạt"}, "chi-so-la",
         "cột 3.6: chỉ số «3.6» không có trong Thông tư 24/2023/TT-BGDĐT, “Đơn vị học tập” cấp huyện"),
        ("so-y-te", {"td_1_1": "10"}, "chi-so-la", "cột td_1.1: chỉ số «td_1.1» không có trong Thông tư 24/2023/TT-BGDĐT"),
        ("chua-phan-loai", {}, "chua-phan-loai",
         "cột ma_don_vi: danh mục chưa ghi cấp (cap) và loại (loai) của đơn vị, cần cho Thông tư 24/2023/TT-BGDĐT"),
    ],
)
def test_each_reason_to_reject_a_levels_row_is_coded_with_its_place(
    run: Run, unit: str, values: dict[str, str], code: str, detail: str
) -> None:
    rows = unit_row(unit, year=2024, **values) if unit != "chua-phan-loai" else levels_row(unit, 2024)
    rejection = only_rejection(run(rows))
    assert rejection.codes == [code]
    label = f"{BY_ID[unit]['name']} ({unit}), năm 2024 — mau.csv, dòng 2, "
    assert rejection.reasons()[0].startswith(label)
    assert detail in rejection.reasons()[0]


def test_a_missing_column_of_an_applicable_chi_tieu_is_rejected_at_its_line(run: Run) -> None:
    rejection = only_rejection(run(unit_row("so-y-te", **{"1_1": None, "so_thanh_vien": None})))
    assert rejection.codes == ["thieu-thong-tin", "o-trong"]
    assert [p.place.describe() for p in rejection.problems] == ["mau.csv, dòng 2", "mau.csv, dòng 2"]
    assert [p.detail for p in rejection.problems] == [
        "chưa ghi tổng số thành viên", "chưa nhập chỉ tiêu 1.1 (ô trống không được tính là 0)"]


def test_every_problem_of_a_levels_row_is_listed(run: Run) -> None:
    rejection = only_rejection(run(unit_row("thpt-a", muc_de_nghi="3", so_nguoi_hoc="", **{"1_2": "", "2_1": "101",
                                                                                          "3_4": "khá"})))
    assert rejection.codes == ["muc-khong-hop-le", "thieu-thong-tin", "o-trong", "vuot-so-thanh-vien",
                               "muc-cds-khong-hop-le"]


def test_an_unclassified_unit_is_scored_under_tt22_and_rejected_under_tt24(run: Run) -> None:
    report = run(row("chua-phan-loai", 2023), levels_row("chua-phan-loai", 2025))
    assert [(r.year, r.method) for r in report.results] == [(2023, "points")]
    assert [(r.year, r.codes) for r in report.rejected] == [(2025, ["chua-phan-loai"])]


# --- one source, two laws ------------------------------------------------------------------------------------


def test_one_source_mixing_2023_and_2025_rows_scores_each_by_its_own_law(run: Run) -> None:
    report = run(row("so-y-te", 2023, **{"3_1": "20"}), unit_row("so-y-te", 2025, level=2), unit_row("thpt-a", 2024),
                 row("dn-tinh", 2023))
    assert report.rejected == []
    by = {(r.unit_id, r.year): r for r in report.results}
    health_2023 = by[("so-y-te", 2023)]
    assert (health_2023.rubric, health_2023.method) == ("tt22-2020", "points")
    assert health_2023.points is not None and health_2023.points.total == 95 and health_2023.points.klass == "Tốt"
    assert health_2023.points.rank == 2  # ranked among the 2023 points results only
    health_2025 = by[("so-y-te", 2025)]
    assert (health_2025.rubric, health_2025.method) == ("tt24-2023", "levels")
    assert health_2025.levels is not None and health_2025.levels.level_met == 2
    assert by[("thpt-a", 2024)].method == "levels"


def test_a_row_written_for_the_other_law_is_rejected_not_guessed(run: Run) -> None:
    report = run(unit_row("so-y-te", 2023), row("so-y-te", 2025))
    by_year = {r.year: r for r in report.rejected}
    # "đạt" is not a point, a member count is not a mark out of 10, 1.4 is not a TT 22 indicator.
    assert by_year[2023].codes == ["khong-phai-so", "ngoai-khoang", "chi-so-la"]
    assert [p.detail for p in by_year[2025].problems[:2]] == [
        "chưa ghi mức độ đề nghị công nhận", "chưa ghi tổng số thành viên"]
    assert "khong-phai-dat" in by_year[2025].codes  # 10 points is not "đạt"
    assert report.results == []


# --- what is published --------------------------------------------------------------------------------------


def test_score_json_document_of_a_levels_result(run: Run) -> None:
    report = run(unit_row("so-y-te", level=2, hd_2_1="đạt", **{"3_1": "94"}), unit_row("dn-tinh", **{"2_1": "x"}))
    doc = json.loads(json.dumps(document(report), ensure_ascii=False))
    assert doc["counts"] == {"read": 2, "scored": 1, "rejected": 1}
    assert doc["results"] == [{
        "unit_id": "so-y-te", "year": 2025, "name": "Sở Y tế", "rubric": "tt24-2023", "method": "levels",
        "set": "cap-tinh", "level_requested": 2, "level_met": 1,
        "checks": {"1.1": "dat", "1.2": "dat", "1.3": "dat", "1.4": "dat", "1.5": "dat", "2.1": "dat", "2.2": "dat",
                   "2.3": "dat", "2.4": "dat", "2.5": "dat", "3.1": "khong-dat", "3.2": "dat", "3.3": "dat",
                   "3.4": "khong-ap-dung", "3.5": "khong-ap-dung", "3.6": "khong-ap-dung"},
        "basis": "verified",
    }]
    assert doc["rejected"] == [{
        "unit_id": "dn-tinh", "year": 2025, "where": "mau.csv, dòng 3, cột 2.1",
        "reasons": ["Công ty Xổ số kiến thiết (dn-tinh), năm 2025 — mau.csv, dòng 3, cột 2.1: «x» không phải là số "
                    "nguyên không âm (chỉ tiêu 2.1: số thành viên đạt)."],
        "codes": ["so-nguyen-khong-hop-le"],
    }]


def test_a_levels_row_reads_back_from_the_results_folder_unchanged(run: Run) -> None:
    result, _ = scored(run(unit_row("thpt-a", level=2, learners=1200, nguoi_hoc_cdht="1170", hd_1_1="đạt",
                                    hd_ly_do="Đủ hồ sơ.", **{"3_4": "cơ bản", "2_4": "69"})))
    stored = json.loads(json.dumps(row_to_json(result), ensure_ascii=False))
    assert row_from_json(stored) == result


def test_the_judgements_read_from_a_results_file_are_those_of_the_built_checks(run: Run) -> None:
    result, _ = scored(run(unit_row("so-y-te", level=2, mc_3_2="", **{"2_1": "94"})))
    assert result.levels is not None
    stored = row_from_json(json.loads(json.dumps(row_to_json(result), ensure_ascii=False)))
    assert stored.levels is not None
    unread = stored.levels.checks
    assert isinstance(unread, JsonChecks) and unread.unread is not None
    failing = judged(unread, "khong-dat")  # read from the file's own values, the checks not yet built
    assert failing == ("2.1", "3.2") == judged(result.levels.checks, "khong-dat")
    ids = [*result.levels.checks, "9.9"]
    assert [check_result(unread, i) for i in ids] == [check_result(result.levels.checks, i) for i in ids]
    assert check_result(unread, "2.1") == "khong-dat" and check_result(unread, "9.9") is None
    assert dict(unread.items()) == dict(result.levels.checks.items())  # built now
    assert judged(unread, "khong-dat") == failing and judged(unread, "dat") == judged(result.levels.checks, "dat")


def test_status_text_names_the_level_and_each_failing_chi_tieu(run: Run) -> None:
    result, _ = scored(run(unit_row("so-y-te", level=2, **{"2_1": "94"})))
    assert status_text(result) == (
        "Hợp lệ — đạt mức độ 1 (đề nghị mức độ 2; tự đánh giá). chỉ tiêu 2.1: thành viên: 94% (94/100) thấp hơn 95%."
    )
    result, _ = scored(run(unit_row("so-y-te", level=1, mc_3_2="", hd_1_1="đạt")))
    assert status_text(result) == (
        "Hợp lệ — chưa đạt mức độ 1 (đề nghị mức độ 1; đã thẩm định). chỉ tiêu 3.2: không có minh chứng."
    )
