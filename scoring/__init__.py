"""Scoring of "Đơn vị học tập" self-assessments: rubric, validation, totals, classes, ranks.

No network and no HTML here: readers live in `intake`, pages in `site`.
"""

from scoring.engine import ScoringOptions, score
from scoring.results import ScoreReport, UnitResult

__all__ = ["ScoreReport", "ScoringOptions", "UnitResult", "score"]
