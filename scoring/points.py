"""The `points` method (Thông tư 22/2020/TT-BGDĐT, Điều 5–6): indicators scored out of 100, then classed.

Points stay `Decimal` from the cell to the total, so a tab adding up to
exactly 85 is Tốt however floats would have summed it. This module holds the
rubric's points part (criteria, indicators, class bands), the judgement of
one submission's point cells, and the assessment of accepted points.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from scoring.canonical import RawCell, Submission
from scoring.errors import RubricError
from scoring.problems import Problem
from scoring.results import PointsOutcome
from scoring.rubric_base import RubricInfo, number, req, text, whole
from scoring.values import BlankError, NotANumberError, decimal_places, display, is_blank, to_decimal


@dataclass(frozen=True)
class Indicator:
    id: str
    criterion_id: str
    text: str  # the legal text, quoted
    max: Decimal
    citation: str  # "điểm a khoản 1 Điều 5 Thông tư 22/2020/TT-BGDĐT"
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    max: Decimal
    citation: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class ClassBand:
    name: str
    min: Decimal
    citation: str
    css: str  # a stable ASCII name for styling: "tot", "kha", …


@dataclass(frozen=True)
class PointsRubric:
    info: RubricInfo
    max_total: Decimal
    decimals: int
    classes: tuple[ClassBand, ...]
    criteria: tuple[Criterion, ...]

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def method(self) -> str:
        return "points"

    # Cached: validation asks for an indicator's maximum once per cell, half a million times nationally.
    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    @cached_property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    @cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}

    def indicator(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def classify(self, total: Decimal) -> str:
        """Điều 6: the first band (highest minimum first) whose minimum the total reaches.

        Exact decimals: 84.99 is Khá and 85 is Tốt, never a float's 84.999….
        """
        for band in self.classes:
            if total >= band.min:
                return band.name
        return self.classes[-1].name

    def band(self, name: str) -> ClassBand | None:
        return next((b for b in self.classes if b.name == name), None)

    def band_ranges(self) -> list[tuple[ClassBand, Decimal | None]]:
        """Each band with the minimum of the band above it (None for the top band)."""
        uppers: list[Decimal | None] = [None, *(b.min for b in self.classes[:-1])]
        return list(zip(self.classes, uppers, strict=True))

    def assess(self, points: Mapping[str, Decimal], self_points: Mapping[str, Decimal]) -> PointsOutcome:
        criteria = {c.id: sum((points[i.id] for i in c.indicators), Decimal(0)) for c in self.criteria}
        total = sum(criteria.values(), Decimal(0))
        return PointsOutcome(
            points=dict(points),
            criteria=criteria,
            total=total,
            klass=self.classify(total),
            self_total=sum(self_points.values(), Decimal(0)),
        )


def parse_points(data: dict[str, Any], info: RubricInfo, path: Path) -> PointsRubric:
    """The points part of a rubric file; refuse it whole with a clear message if it is inconsistent."""
    max_total = number(req(data, "max_total", "đầu tệp", path), "max_total", path)
    decimals = whole(data.get("decimals", 2), "decimals", path)
    seen: set[str] = set()

    def unique(item_id: str) -> str:
        if item_id in seen:
            raise RubricError(f"{path.name}: mã «{item_id}» bị trùng.")
        seen.add(item_id)
        return item_id

    criteria: list[Criterion] = []
    for c in req(data, "criteria", "đầu tệp", path):
        cid = unique(str(req(c, "id", "một tiêu chí", path)))
        cmax = number(req(c, "max", f"tiêu chí {cid}", path), f"điểm tối đa của tiêu chí {cid}", path)
        indicators: list[Indicator] = []
        for i in req(c, "indicators", f"tiêu chí {cid}", path):
            iid = unique(str(req(i, "id", f"một chỉ số của tiêu chí {cid}", path)))
            imax = number(req(i, "max", f"chỉ số {iid}", path), f"điểm tối đa của chỉ số {iid}", path)
            if imax <= 0:
                raise RubricError(f"{path.name}: điểm tối đa của chỉ số {iid} phải lớn hơn 0.")
            indicators.append(Indicator(
                id=iid, criterion_id=cid, text=text(i, "text", f"chỉ số {iid}", path), max=imax,
                citation=text(i, "citation", f"chỉ số {iid}", path),
                details=tuple(str(d) for d in i.get("details", ())),
            ))
        if not indicators:
            raise RubricError(f"{path.name}: tiêu chí {cid} không có chỉ số nào.")
        subtotal = sum((i.max for i in indicators), Decimal(0))
        if subtotal != cmax:
            raise RubricError(
                f"{path.name}: tổng điểm tối đa các chỉ số của tiêu chí {cid} là {subtotal}, "
                f"không khớp với điểm tối đa của tiêu chí ({cmax})."
            )
        criteria.append(Criterion(cid, text(c, "title", f"tiêu chí {cid}", path), cmax,
                                  text(c, "citation", f"tiêu chí {cid}", path), tuple(indicators)))
    if not criteria:
        raise RubricError(f"{path.name}: không có tiêu chí nào.")
    total = sum((c.max for c in criteria), Decimal(0))
    if total != max_total:
        raise RubricError(f"{path.name}: tổng điểm tối đa các tiêu chí là {total}, không khớp với max_total ({max_total}).")

    classes = tuple(
        ClassBand(
            name=text(b, "name", "một mức xếp loại", path),
            min=number(req(b, "min", "một mức xếp loại", path), "ngưỡng xếp loại", path),
            citation=str(b.get("citation", "")),
            css=text(b, "css", "một mức xếp loại", path),
        )
        for b in req(data, "classes", "đầu tệp", path)
    )
    if not classes:
        raise RubricError(f"{path.name}: không có mức xếp loại nào.")
    mins = [b.min for b in classes]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise RubricError(f"{path.name}: các ngưỡng xếp loại phải giảm dần và không trùng nhau.")
    if mins[-1] != 0:
        raise RubricError(f"{path.name}: mức xếp loại cuối cùng phải bắt đầu từ 0 điểm.")
    if mins[0] > max_total:
        raise RubricError(f"{path.name}: ngưỡng xếp loại {mins[0]} vượt quá tổng điểm tối đa {max_total}.")
    for a, b in itertools.pairwise(classes):
        if a.css == b.css:
            raise RubricError(f"{path.name}: hai mức xếp loại cùng tên kiểu «{a.css}».")
    return PointsRubric(info, max_total, decimals, classes, tuple(criteria))


# --- judging one submission's point cells -----------------------------------------------------


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _point(cell: RawCell, indicator_id: str, rubric: PointsRubric, problems: list[Problem]) -> Decimal | None:
    """One indicator cell; appends what is wrong with it, returns its value when right."""
    try:
        value = to_decimal(cell.value)
    except BlankError:
        problems.append(Problem.make("o-trong", cell.place, what="điểm chỉ số", indicator=indicator_id))
        return None
    except NotANumberError:
        problems.append(Problem.make("khong-phai-so", cell.place, value=display(cell.value), indicator=indicator_id))
        return None
    maximum = rubric.indicator(indicator_id).max
    if value < 0:
        problems.append(Problem.make("ngoai-khoang", cell.place, value=_fmt(value), relation="nhỏ hơn 0",
                                     indicator=indicator_id))
        return None
    if value > maximum:
        problems.append(Problem.make("ngoai-khoang", cell.place, value=_fmt(value),
                                     relation=f"lớn hơn điểm tối đa {_fmt(maximum)}", indicator=indicator_id))
        return None
    if decimal_places(value) > rubric.decimals:
        problems.append(Problem.make("qua-so-thap-phan", cell.place, value=_fmt(value), decimals=rubric.decimals,
                                     indicator=indicator_id))
        return None
    return value


@dataclass(frozen=True)
class PointCells:
    self_points: dict[str, Decimal]
    verified_points: dict[str, Decimal] | None  # only when the reviewer filled every indicator


def judge_points(sub: Submission, rubric: PointsRubric, problems: list[Problem]) -> PointCells:
    """Every indicator of the rubric, self-assessed and (optionally) verified; unknown indicators are problems."""
    self_points: dict[str, Decimal] = {}
    verified: dict[str, Decimal] = {}
    for ind in rubric.indicators:
        cell = sub.indicators.get(ind.id)
        if cell is None:
            problems.append(Problem.make("thieu-chi-so", sub.origin, indicator=ind.id, rubric=rubric.info.short_title))
            continue
        value = _point(cell, ind.id, rubric, problems)
        if value is not None:
            self_points[ind.id] = value
        vcell = sub.verified.get(ind.id)
        if vcell is not None and not is_blank(vcell.value):
            vvalue = _point(vcell, ind.id, rubric, problems)
            if vvalue is not None:
                verified[ind.id] = vvalue
    known = set(rubric.indicator_ids)
    foreign = [(i, c) for i, c in itertools.chain(sub.indicators.items(), sub.verified.items()) if i not in known]
    foreign += [(f"hd_{i}", c) for i, c in sub.council.items()]  # a Hội đồng judgement belongs to TT 24
    reported: set[str] = set()
    for ind_id, cell in foreign:
        # A blank cell under another law's column (a source mixing TT 22 and TT 24 years) says nothing.
        if ind_id not in reported and not is_blank(cell.value):
            reported.add(ind_id)
            problems.append(Problem.make("chi-so-la", cell.place, indicator=ind_id, rubric=rubric.info.short_title))
    return PointCells(self_points, verified if len(verified) == len(rubric.indicators) else None)
