"""The rubric loader accepts TT 22/2020 as data and refuses malformed rubrics with a clear message."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scoring.errors import RubricError
from scoring.rubric import RUBRIC_DIR, load_rubric, load_rubrics, rubric_for_year

TT22 = RUBRIC_DIR / "tt22-2020.toml"


@pytest.fixture
def tiny_rubric(tmp_path: Path):
    """Write a small rubric file, optionally broken, and return its path."""

    def make(*, first_year: int = 2020, last_year: int | None = None, maxima: tuple[int, int] = (60, 40),
             ids: tuple[str, str] = ("1.1", "2.1"), max_total: int = 100, method: str = "points",
             name: str = "tiny") -> Path:
        last = f"last_year = {last_year}\n" if last_year else ""
        text = f'''id = "{name}"
title = "Bộ tiêu chí thử"
method = "{method}"
first_year = {first_year}
{last}max_total = {max_total}
[[classes]]
name = "Đạt"
min = 50
[[classes]]
name = "Chưa đạt"
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


def test_tt22_has_every_indicator_with_max_and_citation() -> None:
    rubric = load_rubric(TT22)
    assert rubric.indicator_ids == ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")
    assert [c.max for c in rubric.criteria] == [30, 30, 40]
    assert sum(i.max for i in rubric.indicators) == 100
    assert all("Điều 5 Thông tư 22/2020/TT-BGDĐT" in i.citation for i in rubric.indicators)
    assert len(rubric.indicator("3.1").details) == 8
    assert rubric.indicator("2.4").unverified  # the 100% / 70% question stays visible
    assert rubric.method == "points" and rubric.first_year == 2020


@pytest.mark.parametrize(
    ("total", "expected"),
    [("49.99", "Chưa đạt"), ("50", "Trung bình"), ("69.99", "Trung bình"), ("70", "Khá"),
     ("84.99", "Khá"), ("85", "Tốt"), ("100", "Tốt"), ("0", "Chưa đạt")],
)
def test_classification_boundaries_follow_article_6(total: str, expected: str) -> None:
    assert load_rubric(TT22).classify(Decimal(total)) == expected


def test_rubric_is_chosen_by_assessment_year() -> None:
    assert rubric_for_year(2020).id == "tt22-2020"
    assert rubric_for_year(2025).id == "tt22-2020"
    with pytest.raises(RubricError, match="năm 2019"):
        rubric_for_year(2019)


def test_second_rubric_takes_over_from_its_first_year(tiny_rubric) -> None:
    old = tiny_rubric(name="old", first_year=2020, last_year=2023)
    new = tiny_rubric(name="new", first_year=2024)
    rubrics = load_rubrics([old, new])
    assert rubric_for_year(2023, rubrics).id == "old"
    assert rubric_for_year(2024, rubrics).id == "new"


def test_maxima_that_do_not_add_up_are_refused(tiny_rubric) -> None:
    with pytest.raises(RubricError, match="không khớp với max_total"):
        load_rubric(tiny_rubric(max_total=90))


def test_duplicate_indicator_ids_are_refused(tiny_rubric) -> None:
    with pytest.raises(RubricError, match="bị trùng"):
        load_rubric(tiny_rubric(ids=("1.1", "1.1")))


def test_overlapping_years_are_refused(tiny_rubric) -> None:
    a = tiny_rubric(name="a", first_year=2020)
    b = tiny_rubric(name="b", first_year=2024)
    with pytest.raises(RubricError, match="cùng áp dụng"):
        load_rubrics([a, b])


def test_unknown_method_is_refused(tiny_rubric) -> None:
    with pytest.raises(RubricError, match="chưa được hỗ trợ"):
        load_rubric(tiny_rubric(method="levels"))


def test_unreadable_toml_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("id = ", encoding="utf-8")
    with pytest.raises(RubricError, match="Không đọc được"):
        load_rubric(bad)
