"""Credentials never reach a log: the request loggers of google-auth, urllib3 and hoctap's client are scrubbed.

google-auth's DEBUG request log includes the headers it sends, bearer token
included; a `--debug` run must not print it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

_BEARER = re.compile(r"(Bearer\s+|ya29\.)[A-Za-z0-9._~+/=-]+")
_SECRET_KEYS = frozenset({"authorization", "assertion", "access_token", "id_token", "refresh_token",
                          "private_key", "client_secret"})


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _BEARER.sub(r"\1[ẩn]", value)
    if isinstance(value, Mapping):
        return {k: "[ẩn]" if str(k).lower() in _SECRET_KEYS else _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub(v) for v in value)
    return value


class RedactCredentials(logging.Filter):
    """google-auth's DEBUG request log includes the headers it sends, bearer token included
    (its access-boundary lookup does). Scrub every record of the loggers that log requests."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_scrub(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = _scrub(record.args)
        for name in ("httpRequest", "httpResponse"):
            if hasattr(record, name):
                setattr(record, name, _scrub(getattr(record, name)))
        return True


REQUEST_LOGGERS = (
    "google.auth.transport.requests", "google.auth._helpers", "google.oauth2._client",
    "google.auth._regional_access_boundary_utils", "google.auth.credentials", "urllib3.connectionpool",
    "intake.sheets_client",
)


def install_redaction() -> None:
    """Idempotent: one filter per logger, however many clients are made."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactCredentials) for f in logger.filters):
            logger.addFilter(RedactCredentials())
