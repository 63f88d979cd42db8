"""What a scoring run needs besides the submissions and the registry: rubrics, today, deadlines, targets, decisions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from scoring.levels import CdhtRule
from scoring.results import Deadline, Recognition
from scoring.rubric import Rubric, Rubrics


def rubric_deadline(year: int, rubric: Rubric) -> Deadline:
    return rubric.info.deadline.for_year(year)


@dataclass(frozen=True)
class ScoringOptions:
    rubrics: Rubrics
    today: date
    # The deadline of a year under its rubric; settings may move it (a province may ask earlier).
    deadline: Callable[[int, Rubric], Deadline] = rubric_deadline
    # year → (share, milestone year) of the QĐ 677/QĐ-TTg target; None when no target applies.
    cdht_target: Callable[[int], tuple[Decimal, int] | None] = field(default=lambda year: None)
    cdht_rule: CdhtRule = "ca-hai"
    decisions: Sequence[Recognition] = ()

    def deadline_for(self, year: int) -> Deadline | None:
        rubric = self.rubrics.for_year(year)
        return None if rubric is None else self.deadline(year, rubric)
