"""Jinja filters that write numbers, shares and dates the Vietnamese way (`scoring.vietnamese`).

`88,5` (at most two decimals), `66,7%`, `31/01/2026` and "ngày 31/01/2026".
Every filter takes None and answers a dash, so templates never print "None".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from scoring.vietnamese import vi_date, vi_number, vi_percent

DASH = "—"


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        # str() first: a float 88.5 stays 88.5, never 88.4999….
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def so(value: Any) -> str:
    """A number with a decimal comma and at most two decimals: 88,5 — 1.234,57."""
    d = _decimal(value)
    return DASH if d is None else vi_number(d)


def thay_doi(value: Any) -> str:
    """A signed change: +6,5 / −3 / 0."""
    d = _decimal(value)
    if d is None:
        return DASH
    if d > 0:
        return "+" + vi_number(d)
    if d < 0:
        return "−" + vi_number(-d)
    return "0"


def phan_tram(value: Any) -> str:
    """A share (0.6667) as a percentage with at most one decimal: 66,7%."""
    d = _decimal(value)
    return DASH if d is None else vi_percent(d)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def ngay_so(value: Any) -> str:
    """A date as 31/01/2026 (day and month always two digits)."""
    d = _as_date(value)
    return DASH if d is None else vi_date(d)


def ngay(value: Any) -> str:
    """A date inside a sentence: "ngày 31/01/2026"."""
    d = _as_date(value)
    return "chưa rõ ngày" if d is None else "ngày " + vi_date(d)


def nfc(value: Any) -> str:
    return "" if value is None else unicodedata.normalize("NFC", str(value))


FILTERS: dict[str, Callable[..., Any]] = {
    "so": so, "thay_doi": thay_doi, "phan_tram": phan_tram, "ngay": ngay, "ngay_so": ngay_so, "nfc": nfc,
}
