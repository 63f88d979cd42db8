"""The failures the command turns into one Vietnamese line (a traceback only with `--debug`).

Each package raises its own base class; this is the one list of them.
"""

from __future__ import annotations

from hoctap.project import ProjectError
from hoctap.settings import SettingsError
from hoctap.site_build import SiteBuildError
from intake.errors import IntakeError
from scoring.errors import ScoringError

FAILURES: tuple[type[Exception], ...] = (IntakeError, ScoringError, ProjectError, SettingsError, SiteBuildError)
