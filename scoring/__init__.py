"""Scoring of "Đơn vị học tập" self-assessments: rubrics, validation, points or levels, ranks, the results contract.

No network and no HTML here: readers live in `intake`, pages in `site`, the command in `hoctap`.

`score` and `ScoringOptions` are loaded on first use (PEP 562): the site's plugin and the build's orchestrating
process import `scoring.published` or `scoring.year_stamps` and never score, and the engine brings pandas
(half a second of every process start).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from scoring.results import ResultRow, ScoreReport

if TYPE_CHECKING:
    from scoring.engine import score
    from scoring.options import ScoringOptions

__all__ = ["ResultRow", "ScoreReport", "ScoringOptions", "score"]


_LAZY = {"score": "scoring.engine", "ScoringOptions": "scoring.options"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'scoring' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
