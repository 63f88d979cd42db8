"""Recognition decisions (TT 24/2023, Điều 5 and 11): the decisions file, validity, renewal, the way to level 2."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from support import ROOT_REPO, levels_row, wide_csv

from intake.csv_reader import read_csv
from scoring import ScoringOptions, score
from scoring.levels_rubric import LevelsRubric
from scoring.recognition import DecisionsError, current_standings, decision_for, load_decisions, parse_decisions
from scoring.registry import Registry
from scoring.results import Recognition
from scoring.results_json import row_from_json, row_to_json
from scoring.rubric import default_rubrics

HEADER = "so_quyet_dinh,ngay_ky,nguoi_ky,ma_don_vi,nam,cap,muc_do\n"


def tt24() -> LevelsRubric:
    rubric = default_rubrics().by_id("tt24-2023")
    assert isinstance(rubric, LevelsRubric)
    return rubric


VALIDITY = tt24().validity_years.value  # 3: "bảo lưu trong thời hạn 03 năm (36 tháng) tiếp theo năm được công nhận"
UPGRADE = tt24().upgrade_months.value  # 12: "sau ít nhất 1 năm (12 tháng) kể từ ngày ra quyết định công nhận"


def decisions(registry: Registry, *lines: str) -> list[Recognition]:
    return parse_decisions(HEADER + "".join(line + "\n" for line in lines), "quyet-dinh.csv", registry, VALIDITY)


def test_the_law_gives_three_years_of_validity_and_twelve_months_before_level_2() -> None:
    assert (VALIDITY, UPGRADE) == (3, 12)


def test_a_recognition_holds_for_the_three_years_after_the_year_recognised(bundled_registry: Registry) -> None:
    [decision] = decisions(bundled_registry, "325/QĐ-UBND,2026-02-10,Chủ tịch UBND tỉnh Tây Ninh,tn-so-y-te,2025,tinh,1")
    assert decision == Recognition("325/QĐ-UBND", date(2026, 2, 10), "Chủ tịch UBND tỉnh Tây Ninh", "tn-so-y-te", 2025,
                                   "cap-tinh", 1, valid_until_year=2028)
    standing = {year: [s.recognition.number for s in current_standings([decision], year, UPGRADE)]
                for year in range(2024, 2031)}
    assert standing == {2024: [], 2025: ["325/QĐ-UBND"], 2026: ["325/QĐ-UBND"], 2027: ["325/QĐ-UBND"],
                        2028: ["325/QĐ-UBND"], 2029: [], 2030: []}


def test_renewal_is_due_in_the_last_year_of_validity_and_the_year_before(bundled_registry: Registry) -> None:
    recognised = decisions(bundled_registry, "40/QĐ-UBND,2025-02-10,Chủ tịch UBND huyện Bến Lức,bl-th-ben-luc,2024,huyen,2")
    due = {year: current_standings(recognised, year, UPGRADE)[0].due_for_renewal for year in range(2024, 2028)}
    assert due == {2024: False, 2025: False, 2026: True, 2027: True}  # valid through 2027: công nhận lại is due


def test_level_2_may_be_asked_twelve_months_after_the_level_1_decision(bundled_registry: Registry) -> None:
    recognised = decisions(
        bundled_registry,
        "324/QĐ-UBND,2025-02-10,Chủ tịch UBND tỉnh Long An,so-y-te,2024,tinh,1",
        "12/QĐ-UBND,2024-02-29,Chủ tịch UBND tỉnh Long An,so-gd-dt,2023,tinh,1",
        "13/QĐ-UBND,2025-02-12,Chủ tịch UBND tỉnh Long An,so-noi-vu,2024,tinh,2",
    )
    by_unit = {s.recognition.unit_id: s for s in current_standings(recognised, 2025, UPGRADE)}
    assert by_unit["so-y-te"].eligible_for_level_2 == date(2026, 2, 10)
    assert by_unit["so-gd-dt"].eligible_for_level_2 == date(2025, 2, 28)  # 29/02 + 12 months: the month's last day
    assert by_unit["so-noi-vu"].eligible_for_level_2 is None  # already level 2


def test_the_latest_recognition_of_a_unit_is_its_standing(bundled_registry: Registry) -> None:
    recognised = decisions(
        bundled_registry,
        "13/QĐ-UBND,2026-02-12,Chủ tịch UBND tỉnh Tây Ninh,tn-so-y-te,2025,tinh,2",
        "12/QĐ-UBND,2025-02-10,Chủ tịch UBND tỉnh Long An,tn-so-y-te,2024,tinh,1",
    )
    assert [(s.recognition.year, s.recognition.level) for s in current_standings(recognised, 2024, UPGRADE)] == [(2024, 1)]
    assert [(s.recognition.year, s.recognition.level) for s in current_standings(recognised, 2026, UPGRADE)] == [(2025, 2)]
    assert decision_for(recognised, "tn-so-y-te", 2024) == recognised[1]
    assert decision_for(recognised, "tn-so-y-te", 2023) is None


def test_a_set_is_named_either_way_and_blank_lines_are_skipped(bundled_registry: Registry) -> None:
    recognised = decisions(bundled_registry, "1/QĐ,10/02/2025,Chủ tịch,dh-thcs-hau-nghia,2024,cap-huyen,1", ",,,,,,",
                           "2/QĐ,10/02/2025,Chủ tịch,so-y-te,2024,tinh,1")
    assert [(d.unit_id, d.set, d.signed) for d in recognised] == [
        ("dh-thcs-hau-nghia", "cap-huyen", date(2025, 2, 10)), ("so-y-te", "cap-tinh", date(2025, 2, 10))]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("1/QĐ,2025-02-10,Chủ tịch,so-khong-co,2024,tinh,1", "dòng 2: mã đơn vị «so-khong-co» không có trong danh mục"),
        ("1/QĐ,2025-02-10,Chủ tịch,so-y-te,2024,xa,1", "dòng 2: cap «xa» phải là tinh hoặc huyen"),
        ("1/QĐ,2025-02-10,Chủ tịch,so-y-te,2024,tinh,3", "dòng 2: mức độ phải là 1 hoặc 2"),
        (",2025-02-10,Chủ tịch,so-y-te,2024,tinh,1", "dòng 2: thiếu số quyết định"),
        ("1/QĐ,30/02/2025,Chủ tịch,so-y-te,2024,tinh,1", "dòng 2: ngày ký, năm hoặc mức độ không hợp lệ"),
        ("1/QĐ,2025-02-10,Chủ tịch,so-y-te,năm ngoái,tinh,1", "dòng 2: ngày ký, năm hoặc mức độ không hợp lệ"),
    ],
)
def test_a_bad_decision_refuses_the_file_naming_its_line(bundled_registry: Registry, line: str, message: str) -> None:
    with pytest.raises(DecisionsError, match="Tệp quyết định công nhận không hợp lệ") as caught:
        decisions(bundled_registry, line)
    assert f"quyet-dinh.csv, {message}" in str(caught.value)


def test_a_second_decision_for_one_unit_year_is_refused(bundled_registry: Registry) -> None:
    with pytest.raises(DecisionsError, match=r"quyet-dinh\.csv, dòng 3: đơn vị so-y-te đã có quyết định công nhận năm 2024"):
        decisions(bundled_registry, "1/QĐ,2025-02-10,Chủ tịch,so-y-te,2024,tinh,1",
                  "2/QĐ,2025-03-10,Chủ tịch,so-y-te,2024,tinh,2")


def test_a_decisions_file_without_its_columns_is_refused(bundled_registry: Registry) -> None:
    with pytest.raises(DecisionsError, match="thiếu cột cap, muc_do"):
        parse_decisions("so_quyet_dinh,ngay_ky,nguoi_ky,ma_don_vi,nam\n", "quyet-dinh.csv", bundled_registry, VALIDITY)


def test_no_decisions_file_means_no_decisions(tmp_path: Path, bundled_registry: Registry) -> None:
    assert load_decisions(None, bundled_registry, VALIDITY) == []
    assert load_decisions(tmp_path / "khong-co.csv", bundled_registry, VALIDITY) == []
    bad = tmp_path / "quyet-dinh.csv"
    bad.write_bytes(HEADER.encode("utf-16"))
    with pytest.raises(DecisionsError, match="không phải UTF-8"):
        load_decisions(bad, bundled_registry, VALIDITY)


def test_the_bundled_decisions_file_reads_against_the_bundled_registry(bundled_registry: Registry) -> None:
    recognised = load_decisions(ROOT_REPO / "content" / "data" / "quyet-dinh.csv", bundled_registry, VALIDITY)
    assert recognised
    for d in recognised:
        unit = bundled_registry.get(d.unit_id)
        assert unit is not None and unit.active_in(d.year) and d.year >= 2024
        assert d.set == {"tinh": "cap-tinh", "huyen": "cap-huyen"}[unit.cap or ""]
        assert d.valid_until_year == d.year + 3
        assert d.signed.year == d.year + 1  # decided in the year after the assessment year (khoản 3 Điều 10, 16)


def test_a_result_carries_its_recognition_and_keeps_it_through_the_results_folder(bundled_registry: Registry) -> None:
    recognised = decisions(bundled_registry, "325/QĐ-UBND,2026-02-10,Chủ tịch UBND tỉnh Tây Ninh,tn-so-y-te,2025,tinh,2")
    subs = read_csv(wide_csv([levels_row("tn-so-y-te", 2025, level=2), levels_row("tn-so-y-te", 2026, level=2)]), "a.csv")
    opts = ScoringOptions(rubrics=default_rubrics(), today=date(2026, 11, 24), decisions=tuple(recognised))
    by_year = {r.year: r for r in score(subs, bundled_registry, opts).results}
    assert by_year[2025].recognition == recognised[0]
    assert by_year[2026].recognition is None  # a decision belongs to the year it recognises
    stored = json.loads(json.dumps(row_to_json(by_year[2025]), ensure_ascii=False))
    assert stored["recognition"]["valid_until_year"] == 2028
    assert row_from_json(stored) == by_year[2025]
