"""Which tab a unit gets in a year: the year's rubric decides the kind (points or levels) and its content.

Also the reverse, for the reader: the marker in cell A3 names the kind of a
tab it is handed (a tab made before markers existed is a points tab).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from intake.errors import IntakeError
from intake.layout import Family, TabLayout, tab_title
from intake.layout_levels import LEVELS_FAMILY, build_levels_layout, levels_instructions
from intake.layout_points import POINTS_FAMILY, build_points_layout, points_instructions
from scoring.canonical import Submission
from scoring.levels import CdhtRule
from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.registry import Registry, Unit
from scoring.text import clean_text
from scoring.values import display, is_blank

FAMILIES: tuple[Family, ...] = (POINTS_FAMILY, LEVELS_FAMILY)


def family_of(marker: Any) -> Family:
    text = str(marker or "").strip()
    return next((f for f in FAMILIES if f.marker == text), POINTS_FAMILY)



def tab_layout(rubric: PointsRubric | LevelsRubric, unit: Unit, year: int, deadline_words: str,
               cdht_rule: CdhtRule = "ca-hai", receiving_body: str | None = None) -> TabLayout:
    """`receiving_body`: where this unit's report goes that year (the period's Sở, or a district's Phòng)."""
    if isinstance(rubric, PointsRubric):
        return build_points_layout(rubric, unit, year, deadline_words, receiving_body or "Sở GD&ĐT")
    cset = rubric.set_for_cap(unit.cap or "")
    utype = rubric.unit_types.get(unit.loai or "")
    if cset is None or utype is None:
        raise IntakeError(
            f"Danh mục đơn vị chưa ghi cấp (cap) và loại (loai) của {unit.name} ({unit.id}), "
            f"cần để lập trang tính theo {rubric.info.short_title}."
        )
    public = unit.cong_lap if unit.cong_lap is not None else utype.public_default
    return build_levels_layout(rubric, cset, utype, public, unit, year, deadline_words, cdht_rule,
                               receiving_body or cset.receiving_body)


def flag_misplaced_tabs(subs: Sequence[Submission], registry: Registry) -> None:
    """A tab whose unit-id cell names another unit than the tab's own is rejected, not scored as that unit.

    Each unit's tab is titled by `tab_layout` from its short name, so the title tells whose tab it is.
    """
    owners = {tab_title(u).casefold(): u for u in registry.units}
    for sub in subs:
        if sub.origin.tab is None or is_blank(sub.unit.value):
            continue
        owner = owners.get(sub.origin.tab.casefold())
        typed = clean_text(sub.unit.value)
        if owner is not None and typed.casefold() != owner.id:
            sub.reader_problems.append(("trang-sai-don-vi", sub.unit.place,
                                        {"typed": display(typed), "owner": f"{owner.name} ({owner.id})"}))


def tab_instructions(rubric: PointsRubric | LevelsRubric, deadline_words: str) -> Sequence[str]:
    if isinstance(rubric, PointsRubric):
        return points_instructions(rubric, deadline_words)
    return levels_instructions(rubric, deadline_words)
