"""Geometry for the server-rendered SVG charts: a unit's history and criteria, the province's results per year.

Only numbers are computed here; the templates draw the SVG (autoescaped), so
no submitter text is ever pasted into markup by hand. Every chart is at most
340 units wide with text of 12–13 units, and is drawn at least at its own
size (CSS), so labels stay at 12 px or more on a 360 px phone and inside
the viewBox.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

WIDTH = 340
LABEL_W = 7.5  # a generous width of one character at 12–13 px, to keep labels inside the viewBox


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
    left: float = 0.0  # where the plot starts (after the threshold labels)


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
    named = [(v, name) for v, name in thresholds if (_num(v) or 0.0) > 0]
    top, bottom = 18.0, 24.0
    left = 8.0 + LABEL_W * max((len(name) for _, name in named), default=0)
    height = 180
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
    lines = tuple((top + plot_h - (_num(v) or 0.0) / scale_max * plot_h, name) for v, name in named)
    return Chart(width=width, height=height, bars=tuple(bars), lines=lines, baseline=top + plot_h, left=left)


def criteria_chart(rows: list[tuple[str, Any, Any]]) -> Chart:
    """Horizontal bars: points of each criterion against its maximum (an outlined track)."""
    bar_h, gap, left, width = 18.0, 10.0, 40.0, 320
    track = width - left - 64
    bars = []
    for i, (label, value, maximum) in enumerate(rows):
        v = _num(value)
        m = _num(maximum) or 1.0
        w = 0.0 if v is None else max(0.0, min(v, m)) / m * track
        bars.append(Bar(x=left, y=gap + i * (bar_h + gap), width=w, height=bar_h, value=value, label=label))
    height = int(gap + len(rows) * (bar_h + gap))
    return Chart(width=width, height=height, bars=tuple(bars), lines=(), baseline=float(track))


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    count: int
    label: str
    css: str
    show_count: bool  # the count fits inside the segment


@dataclass(frozen=True)
class StackRow:
    y: float
    label: str
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class StackChart:
    width: int
    height: int
    left: float
    plot_w: float
    bar_h: float
    rows: tuple[StackRow, ...]
    legend: tuple[tuple[str, str], ...]  # (label, css) in order


def stacked_chart(rows: list[tuple[str, list[tuple[str, str, int]]]]) -> StackChart:
    """One 100% bar per row (a year), split into its parts (label, css class, count)."""
    left, bar_h, gap, top = 44.0, 24.0, 10.0, 4.0
    plot_w = WIDTH - left - 4
    out = []
    for i, (label, parts) in enumerate(rows):
        total = sum(c for _, _, c in parts)
        x = left
        segments = []
        for name, css, count in parts:
            w = plot_w * count / total if total else 0.0
            segments.append(Segment(x, w, count, name, css, w >= LABEL_W * len(str(count)) + 6))
            x += w
        out.append(StackRow(top + i * (bar_h + gap), label, total, tuple(segments)))
    legend = tuple(dict.fromkeys((name, css) for _, parts in rows for name, css, _ in parts))
    height = int(top + len(rows) * (bar_h + gap))
    return StackChart(WIDTH, height, left, plot_w, bar_h, tuple(out), legend)


@dataclass(frozen=True)
class TrendBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    share: Decimal | None
    target_y: float | None


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    baseline: float
    top: float
    bars: tuple[TrendBar, ...]


def trend_chart(points: list[tuple[str, Decimal | None, Decimal | None]]) -> TrendChart:
    """Vertical bars of a share (0–100%) per year, with the year's target as a dashed mark."""
    top, bottom, left = 20.0, 24.0, 8.0
    height = 170
    plot_h = height - top - bottom
    slot = (WIDTH - left - 4) / max(len(points), 1)
    bars = []
    for i, (label, share, target) in enumerate(points):
        s = _num(share)
        h = 0.0 if s is None else max(0.0, min(s, 1.0)) * plot_h
        t = _num(target)
        bars.append(TrendBar(x=left + i * slot + slot * 0.15, y=top + plot_h - h, width=slot * 0.7, height=h, label=label,
                             share=share, target_y=None if t is None else top + plot_h - max(0.0, min(t, 1.0)) * plot_h))
    return TrendChart(WIDTH, height, top + plot_h, top, tuple(bars))
