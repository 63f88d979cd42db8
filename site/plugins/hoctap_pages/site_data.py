"""The results folder as the site sees it: the published results plus the rubric of each year and unit URLs.

Everything comes from `scoring.published` (the results folder, read back) and
`scoring.rubric` (the one source of labels and thresholds); nothing here
re-derives a rule. Only registry units get pages: a rejected row with an
unknown id is data on the status page, never a page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeVar

from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.published import PublishedResults, PublishedYear
from scoring.registry import Unit
from scoring.results import Authority, ResultRow
from scoring.results_json import RejectedRow
from scoring.rubric import Rubric, default_rubrics
from scoring.text import vi_sort_key

T = TypeVar("T")

__all__ = ["DownloadData", "SiteData", "UnitAuthority", "YearRows", "rubric_for", "unit_url", "vi_sort_key", "year_url"]


def unit_url(unit_id: str) -> str:
    """Registry ids are already URL-safe (lower-case ASCII, digits and hyphens): the id is the slug."""
    return f"don-vi/{unit_id}/"


def year_url(year: int, rubric: Rubric | None) -> str:
    return f"xep-hang/{year}/" if isinstance(rubric, PointsRubric) else f"ket-qua/{year}/"


def rubric_for(rubric_id: str | None, year: int) -> Rubric | None:
    """The rubric a year was assessed by: the one its results file names, else the one in force that year."""
    rubrics = default_rubrics()
    return rubrics.by_id(rubric_id) if rubric_id else rubrics.for_year(year)


class YearRows(Protocol):
    """What the downloads read of a results year: `PublishedYear` has it, and so has the downloads process's
    `YearOnDisk`, which reads the rows only when asked for them."""

    @property
    def year(self) -> int: ...
    @property
    def method(self) -> str | None: ...
    @property
    def sha(self) -> str: ...
    @property
    def csv_sha(self) -> str: ...
    @property
    def json_path(self) -> Path: ...
    @property
    def csv_path(self) -> Path: ...
    @property
    def results(self) -> Sequence[ResultRow]: ...
    @property
    def rejected(self) -> Sequence[RejectedRow]: ...


class ResultsInfo(Protocol):
    @property
    def generated(self) -> datetime: ...
    @property
    def province(self) -> str: ...
    @property
    def sample(self) -> bool: ...


class DownloadData(Protocol):
    """What the downloads read of the results (`SiteData`, or the downloads process's `DataOnDisk`)."""

    @property
    def years(self) -> tuple[int, ...]: ...
    @property
    def results(self) -> ResultsInfo: ...
    def year(self, year: int) -> YearRows: ...
    def rubric(self, year: int) -> Rubric | None: ...
    def release(self, year: int) -> None:
        """The downloads are done with the year's rows."""


@dataclass(frozen=True)
class UnitAuthority:
    """Where a unit's dossier went and who recognised it, for one assessment year."""

    province: str
    receiving_body: str
    recognising_authority: str


@dataclass(frozen=True)
class SiteData:
    results: PublishedResults

    @property
    def years(self) -> tuple[int, ...]:
        return self.results.years

    @property
    def latest(self) -> PublishedYear | None:
        return self.results.latest

    def year(self, year: int) -> PublishedYear:
        return self.results.by_year[year]

    def release(self, year: int) -> None:
        """The pages still read it."""

    @cached_property
    def _made(self) -> dict[tuple[str, int], Any]:
        return {}

    def once(self, name: str, year: int, make: Callable[[], T]) -> T:
        """`make()` the first time a build asks for (name, year), the same object after: a year's rows as the
        home page and the year's own pages list them (read only)."""
        key = (name, year)
        if key not in self._made:
            self._made[key] = make()
        found: T = self._made[key]
        return found

    def rubric(self, year: int) -> Rubric | None:
        yr = self.results.by_year.get(year)
        return rubric_for(yr.rubric_id if yr is not None else None, year)

    def points_rubric(self, year: int) -> PointsRubric | None:
        r = self.rubric(year)
        return r if isinstance(r, PointsRubric) else None

    def levels_rubric(self, year: int) -> LevelsRubric | None:
        r = self.rubric(year)
        return r if isinstance(r, LevelsRubric) else None

    @cached_property
    def units(self) -> tuple[Unit, ...]:
        """Registry units, A–Z in Vietnamese order."""
        return tuple(sorted(self.results.units, key=lambda u: vi_sort_key(u.name)))

    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.results.units}

    def lineage(self, unit_id: str) -> tuple[str, ...]:
        return self.results.registry.lineage(unit_id)

    def result(self, unit_id: str, year: int) -> ResultRow | None:
        yr = self.results.by_year.get(year)
        return yr.result_for(unit_id) if yr else None

    @property
    def groups(self) -> tuple[str, ...]:
        return self.results.groups

    @cached_property
    def district_set(self) -> tuple[str, str] | None:
        """(receiving body, recognising authority) of the district set of Thông tư 24/2023 (Điều 5, 10)."""
        for rubric in default_rubrics():
            if isinstance(rubric, LevelsRubric) and "cap-huyen" in rubric.sets:
                cset = rubric.sets["cap-huyen"]
                return f"{cset.receiving_body} cấp huyện", cset.authority
        return None

    def authority_for(self, year: int, unit: Unit | None) -> UnitAuthority:
        """The province's bodies for that year (settings by period); a district unit's own bodies before 1/7/2025."""
        a: Authority = self.year(year).authority
        if unit is not None and unit.cap == "huyen" and self.district_set is not None:
            receiving, recognising = self.district_set
            if a.note and self.results.settings_notes.get("district_after_reform"):
                recognising = self.results.settings_notes["district_after_reform"]  # no district level after the reform
            return UnitAuthority(a.province, receiving, recognising)
        return UnitAuthority(a.province, a.receiving_body, a.recognising_authority)
