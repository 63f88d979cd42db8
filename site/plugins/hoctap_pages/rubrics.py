"""Access to the rubric files through `scoring.rubric` (the criteria page and the breakdowns).

The plugin is loaded by Pelican from `site/plugins`, outside the installed
packages: if `scoring` is not importable yet, the repository root is added to
the import path once.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from scoring.rubric import Rubric, all_rubrics, find_rubric_for_year
except ImportError:  # the project is not installed: use the repository this plugin lives in
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from scoring.rubric import Rubric, all_rubrics, find_rubric_for_year

__all__ = ["Rubric", "all_rubrics", "rubric_of"]


def rubric_of(rubric_id: object, year: int) -> Rubric | None:
    """The rubric named in the results (by id), else the one that covers the year."""
    if rubric_id:
        for rubric in all_rubrics():
            if rubric.id == rubric_id:
                return rubric
    return find_rubric_for_year(year)
