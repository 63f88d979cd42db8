"""Rubrics are data: TT 22/2020 (points) and TT 24/2023 (levels) load from TOML, the year picks the law, bad files are refused."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.errors import RubricError
from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.rubric import Rubrics, bundled_rubric_files, default_rubrics, load_rubric, load_rubrics

RUBRIC_FILES = {p.stem: p for p in bundled_rubric_files()}
TT22_IDS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")
TinyRubric = Callable[..., Path]


def tt22() -> PointsRubric:
    rubric = load_rubric(RUBRIC_FILES["tt22-2020"])
    assert isinstance(rubric, PointsRubric)
    return rubric


def tt24() -> LevelsRubric:
    rubric = load_rubric(RUBRIC_FILES["tt24-2023"])
    assert isinstance(rubric, LevelsRubric)
    return rubric


@pytest.fixture
def tiny_rubric(tmp_path: Path) -> TinyRubric:
    """Write a small points rubric file, optionally broken, and return its path."""

    def make(*, first_year: int = 2020, last_year: int | None = None, maxima: tuple[int, int] = (60, 40),
             ids: tuple[str, str] = ("1.1", "2.1"), max_total: int = 100, method: str = "points",
             name: str = "tiny", deadline: str = "month = 4\nday = 1\n") -> Path:
        last = f"last_year = {last_year}\n" if last_year else ""
        text = f'''id = "{name}"
title = "Bộ tiêu chí thử"
method = "{method}"
first_year = {first_year}
{last}max_total = {max_total}
[deadline]
{deadline}citation = "Điều 7"
[[classes]]
name = "Đạt"
css = "dat"
min = 50
[[classes]]
name = "Chưa đạt"
css = "chua-dat"
min = 0
[[criteria]]
id = "1"
title = "Một"
max = {maxima[0]}
citation = "Điều 1"
  [[criteria.indicators]]
  id = "{ids[0]}"
  text = "Chỉ số một"
  max = {maxima[0]}
  citation = "Điều 1"
[[criteria]]
id = "2"
title = "Hai"
max = {maxima[1]}
citation = "Điều 2"
  [[criteria.indicators]]
  id = "{ids[1]}"
  text = "Chỉ số hai"
  max = {maxima[1]}
  citation = "Điều 2"
'''
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return make


# --- Thông tư 22/2020 ----------------------------------------------------------------------------------


def test_tt22_has_every_indicator_with_its_maximum_and_its_point_and_clause() -> None:
    rubric = tt22()
    assert rubric.indicator_ids == TT22_IDS
    assert [c.max for c in rubric.criteria] == [30, 30, 40]
    assert [i.max for i in rubric.indicators] == [10, 10, 10, 10, 5, 10, 5, 25, 10, 5]
    assert sum(i.max for i in rubric.indicators) == rubric.max_total == 100
    letters = ("a", "b", "c", "a", "b", "c", "d", "a", "b", "c")
    assert [i.citation for i in rubric.indicators] == [
        f"điểm {letter} khoản {i.criterion_id} Điều 5 Thông tư 22/2020/TT-BGDĐT"
        for letter, i in zip(letters, rubric.indicators, strict=True)
    ]
    assert [c.citation for c in rubric.criteria] == [f"khoản {k} Điều 5 Thông tư 22/2020/TT-BGDĐT" for k in "123"]
    assert len(rubric.indicator("3.1").details) == 8
    assert rubric.method == "points"
    assert (rubric.info.first_year, rubric.info.last_year) == (2020, 2023)


def test_tt22_indicator_texts_are_the_legal_text_without_an_unverified_flag() -> None:
    rubric = tt22()
    # Quoted from Điều 5 (Bộ pháp điển, Điều 13.1.TT.109.5), without the "(tối đa … điểm)" tail.
    assert rubric.indicator("1.3").text == (
        "Đơn vị quan tâm đầu tư các nguồn lực, bao gồm tài chính, cơ sở vật chất, trang thiết bị và những điều kiện "
        "đảm bảo để đáp ứng nhu cầu học tập của thành viên"
    )
    assert rubric.indicator("2.2").text == (
        "100% thành viên trong đơn vị tuân thủ kỷ luật lao động, nội quy làm việc trong đơn vị, có tinh thần hợp tác, "
        "đoàn kết và trao đổi"
    )
    assert rubric.indicator("2.4").text == "100% thành viên trong đơn vị đạt từ danh hiệu “Lao động tiên tiến” trở lên"
    assert rubric.indicator("3.1").details[0] == (
        "Có ý thức tuân thủ pháp luật; thực hiện quyền và trách nhiệm công dân đối với gia đình, xã hội"
    )
    assert not hasattr(rubric.indicator("2.4"), "unverified")


def test_tt22_classes_cite_article_6_and_the_deadline_is_the_first_quarter() -> None:
    rubric = tt22()
    assert [(b.name, b.min) for b in rubric.classes] == [("Tốt", 85), ("Khá", 70), ("Trung bình", 50), ("Chưa đạt", 0)]
    assert [b.citation for b in rubric.classes] == [
        f"điểm {letter} khoản 3 Điều 6 Thông tư 22/2020/TT-BGDĐT" for letter in "abcd"
    ]
    deadline = rubric.info.deadline.for_year(2023)
    assert deadline.before.isoformat() == "2024-04-01"  # "chậm nhất trong Quý I của năm sau"
    assert deadline.citation == "khoản 1 Điều 7 Thông tư 22/2020/TT-BGDĐT"


@pytest.mark.parametrize(
    ("total", "expected"),
    [("49.99", "Chưa đạt"), ("50", "Trung bình"), ("69.99", "Trung bình"), ("70", "Khá"),
     ("84.99", "Khá"), ("85", "Tốt"), ("100", "Tốt"), ("0", "Chưa đạt")],
)
def test_classification_boundaries_follow_article_6(total: str, expected: str) -> None:
    assert tt22().classify(Decimal(total)) == expected


# --- Thông tư 24/2023 ----------------------------------------------------------------------------------


def test_tt24_sets_follow_the_laws_numbering() -> None:
    rubric = tt24()
    district, province = rubric.set_for_cap("huyen"), rubric.set_for_cap("tinh")
    assert district is not None and province is not None
    common = ("1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3")
    assert district.indicator_ids == (*common, "3.4", "3.5")  # Điều 6–7
    assert province.indicator_ids == (*common, "3.4", "3.5", "3.6")  # Điều 12–13
    assert (district.id, province.id) == ("cap-huyen", "cap-tinh")
    assert district.level_citations == {1: "Điều 6 Thông tư 24/2023/TT-BGDĐT", 2: "Điều 7 Thông tư 24/2023/TT-BGDĐT"}
    assert province.level_citations == {1: "Điều 12 Thông tư 24/2023/TT-BGDĐT", 2: "Điều 13 Thông tư 24/2023/TT-BGDĐT"}
    assert district.authority == "Chủ tịch Ủy ban nhân dân cấp huyện"
    assert province.receiving_body == "Sở Giáo dục và Đào tạo"


@pytest.mark.parametrize(
    ("indicator", "level1", "level2"),
    [("2.1", 90, 95), ("2.2", 90, 95), ("2.3", 90, 95), ("2.4", 50, 70), ("2.5", 90, 95), ("3.1", 90, 95)],
)
def test_tt24_thresholds_per_level_are_the_laws(indicator: str, level1: int, level2: int) -> None:
    for cap in ("huyen", "tinh"):
        cset = tt24().set_for_cap(cap)
        assert cset is not None
        ind = cset.indicator(indicator)
        assert ind is not None
        assert (ind.rule(1).threshold, ind.rule(2).threshold) == (level1, level2)
        assert f"Tối thiểu {level1}%" in ind.rule(1).text and f"Tối thiểu {level2}%" in ind.rule(2).text


def test_tt24_learners_thresholds_and_citations() -> None:
    for cap, articles in (("huyen", (6, 7)), ("tinh", (12, 13))):
        cset = tt24().set_for_cap(cap)
        assert cset is not None
        cdht = cset.indicator("3.1")
        assert cdht is not None and cdht.kind == "cdht"
        assert (cdht.rule(1).learners_threshold, cdht.rule(2).learners_threshold) == (95, 97)
        assert [cdht.rule(lv).citation for lv in (1, 2)] == [
            f"điểm a khoản 3 Điều {a} Thông tư 24/2023/TT-BGDĐT" for a in articles
        ]


def test_tt24_carries_the_rules_of_articles_5_9_10_11_15_16() -> None:
    rubric = tt24()
    assert rubric.info.deadline.for_year(2025).before.isoformat() == "2026-01-15"  # "trước ngày 15 tháng 1"
    assert rubric.decision_by[:2] == (2, 15)
    assert rubric.validity_years.value == 3 and "khoản 4 Điều 5" in rubric.validity_years.citation
    assert rubric.upgrade_months.value == 12 and "khoản 3 Điều 11" in rubric.upgrade_months.citation
    assert rubric.evidence_rule == "Các tiêu chí, chỉ tiêu không có minh chứng phù hợp được đánh giá là không đạt."
    assert rubric.evidence_citation == "khoản 3 Điều 9, khoản 3 Điều 15 Thông tư 24/2023/TT-BGDĐT"
    assert (rubric.info.first_year, rubric.info.last_year) == (2024, None)


def test_tt24_unit_types_say_which_have_learners_and_which_are_public() -> None:
    types = tt24().unit_types
    assert {t for t, u in types.items() if u.learners} == {"thpt", "gdtx", "gdnn", "dai-hoc", "truong-khac"}
    assert {t for t, u in types.items() if not u.public_default} == {"to-chuc-kinh-te", "hoi", "mam-non-tu-thuc"}


# --- which law governs a year ----------------------------------------------------------------------------


def test_rubric_is_chosen_by_assessment_year() -> None:
    rubrics = default_rubrics()
    assert rubrics.require(2020).id == "tt22-2020"
    assert rubrics.require(2023).id == "tt22-2020"
    assert rubrics.require(2024).id == "tt24-2023"
    assert rubrics.require(2030).id == "tt24-2023"
    assert rubrics.for_year(2019) is None
    with pytest.raises(RubricError, match="năm 2019"):
        rubrics.require(2019)
    assert rubrics.years == (2020, None)


def test_a_setting_may_assign_2023_to_the_new_circular() -> None:
    rubrics = default_rubrics().with_overrides({2023: "tt24-2023"})
    assert rubrics.require(2023).id == "tt24-2023"
    assert rubrics.require(2022).id == "tt22-2020"
    with pytest.raises(RubricError, match="không có"):
        default_rubrics().with_overrides({2023: "tt99-2099"})


def test_second_rubric_takes_over_from_its_first_year(tiny_rubric: TinyRubric) -> None:
    old = tiny_rubric(name="old", first_year=2020, last_year=2023)
    new = tiny_rubric(name="new", first_year=2024)
    rubrics = load_rubrics([old, new])
    assert rubrics.require(2023).id == "old"
    assert rubrics.require(2024).id == "new"


# --- malformed rubric files are refused whole --------------------------------------------------------------


def test_maxima_that_do_not_add_up_are_refused(tiny_rubric: TinyRubric) -> None:
    with pytest.raises(RubricError, match="không khớp với max_total"):
        load_rubric(tiny_rubric(max_total=90))


def test_duplicate_indicator_ids_are_refused(tiny_rubric: TinyRubric) -> None:
    with pytest.raises(RubricError, match="bị trùng"):
        load_rubric(tiny_rubric(ids=("1.1", "1.1")))


def test_overlapping_years_are_refused(tiny_rubric: TinyRubric) -> None:
    a = tiny_rubric(name="a", first_year=2020)
    b = tiny_rubric(name="b", first_year=2024)
    with pytest.raises(RubricError, match="cùng áp dụng"):
        load_rubrics([a, b])


def test_two_rubrics_with_one_id_are_refused() -> None:
    with pytest.raises(RubricError, match="trùng mã"):
        Rubrics((tt22(), tt22()))


def test_unknown_method_is_refused(tiny_rubric: TinyRubric) -> None:
    with pytest.raises(RubricError, match="chưa được hỗ trợ"):
        load_rubric(tiny_rubric(method="ranks"))


def test_a_deadline_that_is_not_a_date_is_refused(tiny_rubric: TinyRubric) -> None:
    with pytest.raises(RubricError, match="không phải một ngày"):
        load_rubric(tiny_rubric(deadline="month = 2\nday = 30\n"))


def test_a_levels_file_without_its_sets_is_refused(tiny_rubric: TinyRubric) -> None:
    with pytest.raises(RubricError, match="unit_types"):
        load_rubric(tiny_rubric(method="levels"))


def test_unreadable_toml_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("id = ", encoding="utf-8")
    with pytest.raises(RubricError, match="Không đọc được"):
        load_rubric(bad)
