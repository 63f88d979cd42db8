"""Scoring methods as named strategies, chosen by the rubric's `method` key.

TT 22/2020 adds points (`points`). TT 24/2023 recognises units by levels
(share of members holding Công dân học tập, plus conditions): when it comes,
it is one more class here and one more rubric file, and no caller changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from scoring.rubric import Rubric


@dataclass(frozen=True)
class Assessment:
    criteria: dict[str, Decimal]
    total: Decimal
    klass: str


class Method(Protocol):
    name: str

    def assess(self, rubric: Rubric, points: Mapping[str, Decimal]) -> Assessment: ...


class PointsMethod:
    """Điều 5-6 TT 22/2020: criterion subtotals, a total out of 100, and the class of the band it reaches."""

    name = "points"

    def assess(self, rubric: Rubric, points: Mapping[str, Decimal]) -> Assessment:
        criteria = {c.id: sum((points[i.id] for i in c.indicators), Decimal(0)) for c in rubric.criteria}
        total = sum(criteria.values(), Decimal(0))
        return Assessment(criteria=criteria, total=total, klass=rubric.classify(total))


METHODS: dict[str, Method] = {m.name: m for m in (PointsMethod(),)}
