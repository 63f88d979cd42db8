"""Judge each submission once: accepted with exact values, or rejected with every reason.

Rules (INTERFACES.md): decimal comma or point and stray spaces are fine; a
blank is never zero; unknown unit ids get the closest registry name as a
hint; a unit outside its active years, a year no rubric covers or too far in
the future, and a unit-year submitted twice are rejected (every place named).
The year's rubric decides what the cells must hold (`scoring.points` or
`scoring.levels`). Nothing is dropped:
`len(accepted) + len(rejected) == len(submissions)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from scoring.canonical import RawCell, Submission
from scoring.levels import CdhtRule, assess_levels, council_used, judge_levels
from scoring.points import PointsRubric, judge_points
from scoring.problems import Problem, Rejection
from scoring.registry import Registry, Unit
from scoring.results import Basis, Outcome
from scoring.rubric import Rubric, Rubrics
from scoring.text import clean_text
from scoring.values import BlankError, NotANumberError, display, is_blank, to_bool, to_date, to_whole, to_year

# Hints ("có phải … ?") for unknown ids are worth their cost for the first few hundred; beyond
# that a run is a bulk import gone wrong, and the hint would cost minutes.
MAX_HINTS = 500
# A duplicate's message names this many other copies, then counts the rest.
MAX_OTHERS = 3


@dataclass(frozen=True)
class Accepted:
    submission: Submission
    unit: Unit
    year: int
    rubric: Rubric
    outcome: Outcome
    basis: Basis
    members: int | None
    cdht: int | None
    ban_khuyen_hoc: bool | None
    plan_url: str | None
    submitted: date | None
    note: str | None
    council_note: str | None
    evidence: dict[str, str]
    warnings: tuple[str, ...]


T = TypeVar("T")

_LABELS = {"so_thanh_vien": "tổng số thành viên", "so_cdht": "số Công dân học tập", "ban_khuyen_hoc": "Ban Khuyến học"}


def _text(sub: Submission, key: str) -> str | None:
    value = sub.field_value(key)
    return None if is_blank(value) else clean_text(value)


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


@dataclass(frozen=True)
class Header:
    members: int | None
    cdht: int | None
    ban_khuyen_hoc: bool | None
    submitted: date | None


def _header(sub: Submission, problems: list[Problem], *, levels: bool) -> Header:
    f = sub.fields.get
    members = cdht = None
    if not levels:  # under TT 24 the members count is required and read with the chỉ tiêu (scoring.levels)
        members = _optional(f("so_thanh_vien"), to_whole, "so-nguyen-khong-hop-le", problems,
                            label=_LABELS["so_thanh_vien"])
        cdht = _optional(f("so_cdht"), to_whole, "so-nguyen-khong-hop-le", problems, label=_LABELS["so_cdht"])
        if members is not None and cdht is not None and cdht > members:
            problems.append(Problem.make("cdht-vuot-tong", sub.fields["so_cdht"].place, cdht=cdht, members=members))
    ban = _optional(f("ban_khuyen_hoc"), to_bool, "lua-chon-khong-hop-le", problems, label=_LABELS["ban_khuyen_hoc"])
    submitted = _optional(f("ngay_gui"), to_date, "ngay-khong-hop-le", problems)
    return Header(members, cdht, ban, submitted)


def _unit_label(unit: Unit | None, typed: str | None) -> str:
    if unit is not None:
        return f"{unit.name} ({unit.id})"
    return f"Đơn vị «{typed}»" if typed else "Đơn vị chưa ghi mã"


class _Hints:
    """The "did you mean" hint for unknown ids, computed once per distinct id and for a bounded number of ids."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.cache: dict[str, str] = {}

    def __call__(self, typed: str) -> str:
        if typed in self.cache:
            return self.cache[typed]
        if len(self.cache) >= MAX_HINTS:
            return ""
        near = self.registry.closest(typed)
        hint = f"; có phải «{near.name}» (mã {near.id})?" if near else ""
        self.cache[typed] = hint
        return hint


@dataclass(frozen=True)
class ValidationOptions:
    rubrics: Rubrics
    today: date
    cdht_rule: CdhtRule = "ca-hai"


def _judge_year(sub: Submission, options: ValidationOptions, problems: list[Problem]) -> tuple[int | None, Rubric | None]:
    try:
        year = to_year(sub.year.value)
    except (BlankError, NotANumberError):
        problems.append(Problem.make("nam-khong-hop-le", sub.year.place, value=display(sub.year.value)))
        return None, None
    first, _ = options.rubrics.years
    if year < first or year > options.today.year + 1:
        problems.append(Problem.make("nam-khong-hop-le", sub.year.place, value=year))
        return None, None
    rubric = options.rubrics.for_year(year)
    if rubric is None:
        problems.append(Problem.make("nam-chua-co-tieu-chi", sub.year.place, year=year))
    return year, rubric


def _judge(sub: Submission, registry: Registry, options: ValidationOptions,
           hints: _Hints) -> tuple[Unit | None, int | None, list[Problem], Accepted | None]:
    problems = [Problem.make(code, place, **values) for code, place, values in sub.reader_problems]
    typed = None if is_blank(sub.unit.value) else clean_text(sub.unit.value)
    unit = registry.get(typed.casefold()) if typed else None
    if typed is None:
        problems.append(Problem.make("thieu-ma-don-vi", sub.unit.place))
    elif unit is None:
        problems.append(Problem.make("ma-don-vi-khong-ro", sub.unit.place, value=display(typed), hint=hints(typed)))
    year, rubric = _judge_year(sub, options, problems)
    if unit is not None and year is not None and not unit.active_in(year):
        end = unit.last_year if unit.last_year is not None else "nay"
        problems.append(Problem.make("don-vi-khong-hoat-dong", sub.unit.place, year=year, years=f"{unit.first_year}–{end}"))
    for cell in sub.unknown_columns:
        problems.append(Problem.make("cot-thua", cell.place, value=display(cell.value)))
    levels = rubric is not None and not isinstance(rubric, PointsRubric)
    header = _header(sub, problems, levels=levels)

    outcome: Outcome | None = None
    basis: Basis = "self"
    members, cdht = header.members, header.cdht
    warnings: tuple[str, ...] = ()
    if isinstance(rubric, PointsRubric):
        cells = judge_points(sub, rubric, problems)
        if not problems:
            points = cells.verified_points if cells.verified_points is not None else cells.self_points
            outcome = rubric.assess(points, cells.self_points)
            basis = "verified" if cells.verified_points is not None else "self"
    elif rubric is not None and unit is not None:
        level_cells = judge_levels(sub, rubric, unit, problems)
        if level_cells is not None and not problems:
            outcome = assess_levels(level_cells, options.cdht_rule)
            basis = "verified" if council_used(level_cells) else "self"
            members = level_cells.members
            cdht_check = outcome.checks.get("3.1")
            cdht = cdht_check.count if cdht_check else None
            warnings = level_cells.warnings

    accepted = None
    if not problems and unit is not None and year is not None and rubric is not None and outcome is not None:
        accepted = Accepted(
            submission=sub, unit=unit, year=year, rubric=rubric, outcome=outcome, basis=basis,
            members=members, cdht=cdht, ban_khuyen_hoc=header.ban_khuyen_hoc, plan_url=_text(sub, "link_ke_hoach"),
            submitted=header.submitted, note=_text(sub, "ghi_chu"),
            council_note=_text(sub, "hd_ly_do" if levels else "quyet_dinh"),
            evidence={k: clean_text(c.value) for k, c in sub.evidence.items() if not is_blank(c.value)},
            warnings=warnings,
        )
    return unit, year, problems, accepted


def validate(
    submissions: Sequence[Submission], registry: Registry, options: ValidationOptions
) -> tuple[list[Accepted], list[Rejection]]:
    hints = _Hints(registry)
    judged = [(sub, *_judge(sub, registry, options, hints)) for sub in submissions]
    _mark_duplicates(judged)

    accepted_out: list[Accepted] = []
    rejected_out: list[Rejection] = []
    for sub, unit, year, problems, accepted in judged:
        if problems:
            typed = None if is_blank(sub.unit.value) else clean_text(sub.unit.value)
            rejected_out.append(
                Rejection(
                    unit_id=unit.id if unit else typed,
                    unit_label=_unit_label(unit, display(typed) if typed else None),
                    year=year,
                    origin=sub.origin,
                    problems=tuple(problems),
                    known_unit=unit is not None,
                )
            )
        elif accepted is not None:
            accepted_out.append(accepted)
    return accepted_out, rejected_out


Judged = tuple[Submission, Unit | None, int | None, list[Problem], Accepted | None]


def _mark_duplicates(judged: list[Judged]) -> None:
    """A unit-year that appears twice is never scored: every copy is rejected, naming (some of) the others."""
    copies: dict[tuple[str, int], list[int]] = {}
    for i, (_, unit, year, _, _) in enumerate(judged):
        if unit is not None and year is not None:
            copies.setdefault((unit.id, year), []).append(i)
    for (_, year), indices in copies.items():
        if len(indices) < 2:
            continue
        for i in indices:
            sub, _, _, problems, _ = judged[i]
            others = [judged[j][0].origin.describe() for j in indices[: MAX_OTHERS + 1] if j != i][:MAX_OTHERS]
            rest = len(indices) - 1 - len(others)
            text = "; ".join(others) + (f"; và {rest} nơi khác" if rest > 0 else "")
            problems.append(Problem.make("trung-lap", sub.origin, year=year, others=text))
