"""Jinja filters that write numbers, shares and dates the Vietnamese way (Babel, locale `vi`).

`88,5` (at most two decimals), `66,7%`, `31/01/2026` and "ngày 31/01/2026".
Every filter takes None and answers a dash, so templates never print "None".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "vi"
DASH = "—"


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        # str() first: a float 88.5 stays 88.5, never 88.4999….
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def so(value: Any) -> str:
    """A number with a decimal comma and at most two decimals: 88,5 — 1.234,57."""
    d = _decimal(value)
    if d is None:
        return DASH
    return _so(d)


@lru_cache(maxsize=8192)
def _so(d: Decimal) -> str:
    """Cached: a national build formats half a million points, mostly the same few hundred values."""
    return format_decimal(d, format="#,##0.##", locale=LOCALE)


def thay_doi(value: Any) -> str:
    """A signed change: +6,5 / −3 / 0."""
    d = _decimal(value)
    if d is None:
        return DASH
    if d > 0:
        return "+" + so(d)
    if d < 0:
        return "−" + so(-d)
    return "0"


def phan_tram(value: Any) -> str:
    """A share (0.6667) as a percentage with at most one decimal: 66,7%."""
    d = _decimal(value)
    if d is None:
        return DASH
    return format_percent(d, format="#,##0.#%", locale=LOCALE)


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
    """A date as 31/01/2026."""
    d = _as_date(value)
    if d is None:
        return DASH
    return format_date(d, "dd/MM/yyyy", locale=LOCALE)


def ngay(value: Any) -> str:
    """A date inside a sentence: "ngày 31/01/2026"."""
    d = _as_date(value)
    if d is None:
        return "chưa rõ ngày"
    return "ngày " + ngay_so(d)


def nfc(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value))


FILTERS: dict[str, Callable[..., Any]] = {
    "so": so,
    "thay_doi": thay_doi,
    "phan_tram": phan_tram,
    "ngay": ngay,
    "ngay_so": ngay_so,
    "nfc": nfc,
}
