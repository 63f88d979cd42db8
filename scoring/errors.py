"""The one exception base of the scoring package.

Data problems in submissions are not exceptions: they are `Rejection` values.
Exceptions here mean the configuration itself is broken (a malformed rubric,
an unreadable registry), so the run cannot go on.
"""


class ScoringError(Exception):
    """A failure the scoring package cannot work around; the message is Vietnamese."""


class RubricError(ScoringError):
    """A rubric file is malformed, or no rubric covers a year."""


class RegistryError(ScoringError):
    """The unit registry is malformed."""
