"""Scoring of "Đơn vị học tập" self-assessments: rubrics, validation, points or levels, ranks, the results contract.

No network and no HTML here: readers live in `intake`, pages in `site`, the command in `hoctap`.
"""

from scoring.engine import ScoringOptions, score
from scoring.results import ResultRow, ScoreReport

__all__ = ["ResultRow", "ScoreReport", "ScoringOptions", "score"]
