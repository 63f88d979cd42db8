"""The failures the command turns into one Vietnamese line (a traceback only with `--debug`).

Each package raises its own base class; this is the one list of them.
"""

from __future__ import annotations

from hoctap.pelican_run import SiteBuildError
from hoctap.project import ProjectError
from hoctap.settings import SettingsError
from intake.errors import IntakeError
from scoring.errors import ScoringError

FAILURES: tuple[type[Exception], ...] = (IntakeError, ScoringError, ProjectError, SettingsError, SiteBuildError)
