"""Rubrics are data: one TOML file per regulation in `scoring/rubrics/`.

A changed regulation is a new file, not new code. Callers never pick a rubric
themselves: they ask a `Rubrics` set for the year, so the year decides the
law everywhere (scoring, the agencies' tabs, the site, the papers).
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

from scoring.errors import RubricError
from scoring.levels_rubric import LevelsRubric, parse_levels
from scoring.points import PointsRubric, parse_points
from scoring.rubric_base import parse_info

Rubric = PointsRubric | LevelsRubric


def load_rubric(path: Path) -> Rubric:
    """Read and check one rubric file; refuse it whole with a clear message if it is inconsistent."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RubricError(f"Không đọc được bộ tiêu chí {path.name}: {exc}") from exc
    info = parse_info(data, path)
    try:
        if info.method == "points":
            return parse_points(data, info, path)
        return parse_levels(data, info, path)
    except (TypeError, AttributeError, KeyError) as exc:
        raise RubricError(f"{path.name}: cấu trúc bộ tiêu chí không hợp lệ ({type(exc).__name__}: {exc}).") from None


@dataclass(frozen=True)
class Rubrics:
    """A consistent set of rubrics, and which one governs each assessment year.

    `overrides` (setting `rubric_years`) assigns a year to another rubric than its
    own range says: the law left assessment year 2023 unsettled (see the criteria page).
    """

    items: tuple[Rubric, ...]
    overrides: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ordered = sorted(self.items, key=lambda r: r.info.first_year)
        ids = [r.id for r in ordered]
        if len(set(ids)) != len(ids):
            raise RubricError("Có hai bộ tiêu chí trùng mã: " + ", ".join(ids))
        for a, b in itertools.pairwise(ordered):
            if a.info.last_year is None or a.info.last_year >= b.info.first_year:
                raise RubricError(
                    f"Bộ tiêu chí {a.id} ({a.info.years_label}) và {b.id} ({b.info.years_label}) "
                    "cùng áp dụng cho một số năm: hãy đặt last_year cho bộ cũ."
                )
        for year, rid in self.overrides.items():
            if rid not in ids:
                raise RubricError(f"rubric_years: năm {year} chỉ tới bộ tiêu chí «{rid}» không có (có: {', '.join(ids)}).")

    def __iter__(self) -> Iterator[Rubric]:
        return iter(self.items)

    def by_id(self, rubric_id: str) -> Rubric | None:
        return next((r for r in self.items if r.id == rubric_id), None)

    def for_year(self, year: int) -> Rubric | None:
        """The one place that decides which regulation governs an assessment year."""
        if year in self.overrides:
            return self.by_id(self.overrides[year])
        return next((r for r in self.items if r.info.covers(year)), None)

    def require(self, year: int) -> Rubric:
        rubric = self.for_year(year)
        if rubric is None:
            raise RubricError(f"Không có bộ tiêu chí nào áp dụng cho năm {year}.")
        return rubric

    @property
    def years(self) -> tuple[int, int | None]:
        """The first year any rubric governs, and the last (None: open-ended)."""
        first = min(r.info.first_year for r in self.items)
        lasts = [r.info.last_year for r in self.items]
        return first, None if None in lasts else max(y for y in lasts if y is not None)

    def with_overrides(self, overrides: Mapping[int, str]) -> Rubrics:
        return Rubrics(self.items, dict(overrides))


def bundled_rubric_files() -> list[Path]:
    """The rubric files shipped inside the `scoring` package (in a wheel as in a checkout)."""
    folder = files("scoring") / "rubrics"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml"))


def load_rubrics(paths: Iterable[Path] | None = None) -> Rubrics:
    files_ = bundled_rubric_files() if paths is None else list(paths)
    return Rubrics(tuple(load_rubric(p) for p in files_))


@cache
def default_rubrics() -> Rubrics:
    """The bundled rubrics, read once per process."""
    return load_rubrics()
