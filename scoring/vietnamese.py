"""Numbers, shares and dates written the Vietnamese way, for every text a user reads.

`87,5` (at most two decimals), `66,7%`, `31/01/2026` and "ngày 31/01/2026":
the same rule in rejection messages, the status written back into a tab,
the site and the official papers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_decimal, format_percent

LOCALE = "vi"


@lru_cache(maxsize=8192)
def vi_number(value: Decimal) -> str:
    """87,5 — 1.234,57. Cached: a national build formats the same few hundred values half a million times."""
    return format_decimal(value, format="#,##0.##", locale=LOCALE)


@lru_cache(maxsize=65536)
def vi_percent(share: Decimal) -> str:
    """A share (0.6667) as a percentage with at most one decimal: 66,7%.

    Cached: Babel takes tens of microseconds a call, and a national run formats the same shares again and again.
    """
    return format_percent(share, format="#,##0.#%", locale=LOCALE)


def vi_date(value: date | datetime) -> str:
    """31/01/2026: day and month always two digits."""
    day = value.date() if isinstance(value, datetime) else value
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
