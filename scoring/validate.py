"""Judge each submission once: accepted with exact values, or rejected with every reason.

Rules (INTERFACES.md): decimal comma or point and stray spaces are fine; a
blank is never zero; out of range, too many decimals and text in a number
cell are rejected; unknown unit ids get the closest registry name as a hint;
a unit outside its active years, a year no rubric covers, and a unit-year
submitted twice are rejected (both places named). Nothing is dropped:
`len(accepted) + len(rejected) == len(submissions)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import pandas as pd

from scoring.canonical import RawCell, Submission
from scoring.problems import Problem, Rejection
from scoring.registry import Registry, Unit
from scoring.rubric import Rubric, find_rubric_for_year
from scoring.values import (
    BlankError,
    NotANumberError,
    clean_text,
    decimal_places,
    display,
    is_blank,
    to_bool,
    to_date,
    to_decimal,
    to_whole,
    to_year,
)


@dataclass(frozen=True)
class Accepted:
    submission: Submission
    unit: Unit
    year: int
    rubric: Rubric
    self_points: dict[str, Decimal]
    verified_points: dict[str, Decimal] | None  # only when the reviewer filled every indicator
    members: int | None
    cdht: int | None
    ban_khuyen_hoc: bool | None
    plan_url: str | None
    submitted: date | None
    note: str | None
    decision: str | None
    evidence: dict[str, str]


T = TypeVar("T")


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _points(
    cell: RawCell, indicator_id: str, rubric: Rubric, problems: list[Problem]
) -> Decimal | None:
    """One indicator cell; appends what is wrong with it, returns its value when right."""
    try:
        value = to_decimal(cell.value)
    except BlankError:
        problems.append(Problem.make("o-trong", cell.place, indicator=indicator_id))
        return None
    except NotANumberError:
        problems.append(Problem.make("khong-phai-so", cell.place, value=display(cell.value), indicator=indicator_id))
        return None
    maximum = rubric.indicator(indicator_id).max
    if value < 0:
        problems.append(
            Problem.make("ngoai-khoang", cell.place, value=_fmt(value), relation="nhỏ hơn 0", indicator=indicator_id)
        )
        return None
    if value > maximum:
        problems.append(
            Problem.make(
                "ngoai-khoang", cell.place, value=_fmt(value),
                relation=f"lớn hơn điểm tối đa {_fmt(maximum)}", indicator=indicator_id,
            )
        )
        return None
    if decimal_places(value) > rubric.decimals:
        problems.append(
            Problem.make("qua-so-thap-phan", cell.place, value=_fmt(value), decimals=rubric.decimals, indicator=indicator_id)
        )
        return None
    return value


def _text(sub: Submission, key: str) -> str | None:
    value = sub.field_value(key)
    return None if is_blank(value) else clean_text(value)


_LABELS = {"so_thanh_vien": "tổng số thành viên", "so_cdht": "số Công dân học tập", "ban_khuyen_hoc": "Ban Khuyến học"}


def _optional(cell: RawCell | None, parse: Callable[[Any], T], code: str, problems: list[Problem], **values: Any) -> T | None:
    """A header field: blank is simply absent; anything unreadable is a problem with `code`."""
    if cell is None:
        return None
    try:
        return parse(cell.value)
    except BlankError:
        return None
    except NotANumberError:
        problems.append(Problem.make(code, cell.place, value=display(cell.value), **values))
        return None


def _header(sub: Submission, problems: list[Problem]) -> tuple[int | None, int | None, bool | None, date | None]:
    f = sub.fields.get
    members = _optional(f("so_thanh_vien"), to_whole, "so-nguyen-khong-hop-le", problems, label=_LABELS["so_thanh_vien"])
    cdht = _optional(f("so_cdht"), to_whole, "so-nguyen-khong-hop-le", problems, label=_LABELS["so_cdht"])
    if members is not None and cdht is not None and cdht > members:
        problems.append(Problem.make("cdht-vuot-tong", sub.fields["so_cdht"].place, cdht=cdht, members=members))
    ban = _optional(f("ban_khuyen_hoc"), to_bool, "lua-chon-khong-hop-le", problems, label=_LABELS["ban_khuyen_hoc"])
    submitted = _optional(f("ngay_gui"), to_date, "ngay-khong-hop-le", problems)
    return members, cdht, ban, submitted


def _unit_label(unit: Unit | None, typed: str | None) -> str:
    if unit is not None:
        return f"{unit.name} ({unit.id})"
    return f"Đơn vị «{typed}»" if typed else "Đơn vị chưa ghi mã"


def validate(
    submissions: Sequence[Submission], registry: Registry, rubrics: Sequence[Rubric] | None = None
) -> tuple[list[Accepted], list[Rejection]]:
    judged: list[tuple[Submission, Unit | None, int | None, list[Problem], Accepted | None]] = []
    for sub in submissions:
        problems: list[Problem] = []
        typed = None if is_blank(sub.unit.value) else clean_text(sub.unit.value)
        unit = registry.get(typed.casefold()) if typed else None
        if typed is None:
            problems.append(Problem.make("thieu-ma-don-vi", sub.unit.place))
        elif unit is None:
            near = registry.closest(typed)
            hint = f"; có phải «{near.name}» (mã {near.id})?" if near else ""
            problems.append(Problem.make("ma-don-vi-khong-ro", sub.unit.place, value=typed, hint=hint))

        year: int | None = None
        try:
            year = to_year(sub.year.value)
        except (BlankError, NotANumberError):
            problems.append(Problem.make("nam-khong-hop-le", sub.year.place, value=display(sub.year.value)))

        rubric = find_rubric_for_year(year, rubrics) if year is not None else None
        if year is not None and rubric is None:
            problems.append(Problem.make("nam-chua-co-tieu-chi", sub.year.place, year=year))
        if unit is not None and year is not None and not unit.active_in(year):
            end = unit.last_year if unit.last_year is not None else "nay"
            problems.append(
                Problem.make("don-vi-khong-hoat-dong", sub.unit.place, year=year, years=f"{unit.first_year}–{end}")
            )

        self_points: dict[str, Decimal] = {}
        verified: dict[str, Decimal] = {}
        if rubric is not None:
            for ind in rubric.indicators:
                cell = sub.self_points.get(ind.id)
                if cell is None:
                    problems.append(
                        Problem.make("thieu-chi-so", sub.origin, indicator=ind.id, rubric=rubric.short_title)
                    )
                    continue
                value = _points(cell, ind.id, rubric, problems)
                if value is not None:
                    self_points[ind.id] = value
                vcell = sub.verified_points.get(ind.id)
                if vcell is not None and not is_blank(vcell.value):
                    vvalue = _points(vcell, ind.id, rubric, problems)
                    if vvalue is not None:
                        verified[ind.id] = vvalue
            known = set(rubric.indicator_ids)
            for ind_id, cell in {**sub.self_points, **sub.verified_points}.items():
                if ind_id not in known:
                    problems.append(Problem.make("chi-so-la", cell.place, indicator=ind_id, rubric=rubric.short_title))
        for cell in sub.unknown_columns:
            problems.append(Problem.make("cot-thua", cell.place, value=display(cell.value)))
        members, cdht, ban, submitted = _header(sub, problems)

        accepted = None
        if not problems and unit is not None and year is not None and rubric is not None:
            plan = _text(sub, "link_ke_hoach")
            accepted = Accepted(
                submission=sub,
                unit=unit,
                year=year,
                rubric=rubric,
                self_points=self_points,
                verified_points=verified if len(verified) == len(rubric.indicators) else None,
                members=members,
                cdht=cdht,
                ban_khuyen_hoc=ban,
                plan_url=plan,
                submitted=submitted,
                note=_text(sub, "ghi_chu"),
                decision=_text(sub, "quyet_dinh"),
                evidence={k: clean_text(c.value) for k, c in sub.evidence.items() if not is_blank(c.value)},
            )
        judged.append((sub, unit, year, problems, accepted))

    _mark_duplicates(judged)

    accepted_out: list[Accepted] = []
    rejected_out: list[Rejection] = []
    for sub, unit, year, problems, accepted in judged:
        if problems:
            typed = None if is_blank(sub.unit.value) else clean_text(sub.unit.value)
            rejected_out.append(
                Rejection(
                    unit_id=unit.id if unit else typed,
                    unit_label=_unit_label(unit, typed),
                    year=year,
                    origin=sub.origin,
                    problems=tuple(problems),
                )
            )
        elif accepted is not None:
            accepted_out.append(accepted)
    return accepted_out, rejected_out


def _mark_duplicates(
    judged: list[tuple[Submission, Unit | None, int | None, list[Problem], Accepted | None]],
) -> None:
    """A unit-year that appears twice is never scored: every copy is rejected, naming the others."""
    keys = pd.DataFrame(
        [(i, u.id, y) for i, (_, u, y, _, _) in enumerate(judged) if u is not None and y is not None],
        columns=["i", "unit_id", "year"],
    )
    if keys.empty:
        return
    dupes = keys[keys.duplicated(["unit_id", "year"], keep=False)]
    for (_, year), group in dupes.groupby(["unit_id", "year"]):
        indices = list(group["i"])
        for i in indices:
            sub, _, _, problems, _ = judged[i]
            others = "; ".join(judged[j][0].origin.describe() for j in indices if j != i)
            problems.append(Problem.make("trung-lap", sub.origin, year=year, others=others))
