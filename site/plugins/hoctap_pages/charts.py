"""Geometry for the small inline SVG charts of a unit page.

Only numbers are computed here; the templates draw the SVG (autoescaped), so
no submitter text is ever pasted into markup by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Any
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    lines: tuple[tuple[float, str], ...]  # (y, label) of the class thresholds
    baseline: float


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(Decimal(str(value)))
    except ArithmeticError:
        return None
    except ValueError:
        return None


def history_chart(points: list[tuple[int, Any]], thresholds: list[tuple[Any, str]], max_total: Any = 100) -> Chart:
    """Vertical bars of the total per year, on a 0..max scale, with the class thresholds as lines."""
    top, bottom, left = 10.0, 24.0, 28.0
    height = 160
    slot = 56.0
    width = int(left + slot * max(len(points), 1) + 8)
    scale_max = _num(max_total) or 100.0
    plot_h = height - top - bottom
    bars = []
    for i, (year, total) in enumerate(points):
        value = _num(total)
        h = 0.0 if value is None else max(0.0, min(value, scale_max)) / scale_max * plot_h
        bars.append(Bar(x=left + i * slot + 10, y=top + plot_h - h, width=slot - 20, height=h, value=total,
                        label=str(year)))
    lines = tuple(
        (top + plot_h - (_num(v) or 0.0) / scale_max * plot_h, name)
        for v, name in thresholds
        if (_num(v) or 0.0) > 0
    )
    return Chart(width=width, height=height, bars=tuple(bars), lines=lines, baseline=top + plot_h)


def criteria_chart(rows: list[tuple[str, Any, Any]]) -> Chart:
    """Horizontal bars: points of each criterion against its maximum (as a full-width track)."""
    bar_h, gap, left, width = 18.0, 10.0, 34.0, 320
    track = width - left - 70
    bars = []
    for i, (label, value, maximum) in enumerate(rows):
        v = _num(value)
        m = _num(maximum) or 1.0
        w = 0.0 if v is None else max(0.0, min(v, m)) / m * track
        bars.append(Bar(x=left, y=gap + i * (bar_h + gap), width=w, height=bar_h, value=value, label=label))
    height = int(gap + len(rows) * (bar_h + gap))
    return Chart(width=width, height=height, bars=tuple(bars), lines=(), baseline=float(track))
