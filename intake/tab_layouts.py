"""Which tab a unit gets in a year: the year's rubric decides the kind (points or levels) and its content.

Also the reverse, for the reader: the marker in cell A3 names the kind of a
tab it is handed (a tab made before markers existed is a points tab).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from intake.errors import IntakeError
from intake.layout import Family, TabLayout
from intake.layout_levels import LEVELS_FAMILY, build_levels_layout, levels_instructions
from intake.layout_points import POINTS_FAMILY, build_points_layout, points_instructions
from scoring.levels import CdhtRule
from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.registry import Unit

FAMILIES: tuple[Family, ...] = (POINTS_FAMILY, LEVELS_FAMILY)


def family_of(marker: Any) -> Family:
    text = str(marker or "").strip()
    return next((f for f in FAMILIES if f.marker == text), POINTS_FAMILY)



def tab_layout(rubric: PointsRubric | LevelsRubric, unit: Unit, year: int, deadline_words: str,
               cdht_rule: CdhtRule = "ca-hai") -> TabLayout:
    if isinstance(rubric, PointsRubric):
        return build_points_layout(rubric, unit, year, deadline_words)
    cset = rubric.set_for_cap(unit.cap or "")
    utype = rubric.unit_types.get(unit.loai or "")
    if cset is None or utype is None:
        raise IntakeError(
            f"Danh mục đơn vị chưa ghi cấp (cap) và loại (loai) của {unit.name} ({unit.id}), "
            f"cần để lập trang tính theo {rubric.info.short_title}."
        )
    public = unit.cong_lap if unit.cong_lap is not None else utype.public_default
    return build_levels_layout(rubric, cset, utype, public, unit, year, deadline_words, cdht_rule)


def tab_instructions(rubric: PointsRubric | LevelsRubric, deadline_words: str) -> Sequence[str]:
    if isinstance(rubric, PointsRubric):
        return points_instructions(rubric, deadline_words)
    return levels_instructions(rubric, deadline_words)
