"""Guards for what submitters typed: links, spreadsheet cells, slugs.

Only http(s) links become links; anything else (``javascript:``, ``data:``,
relative paths) is shown as plain, escaped text by the templates. A text cell
that a spreadsheet would read as a formula is prefixed with an apostrophe
(`scoring.publication.neutralise`, the one rule for every export).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_url(value: Any) -> str | None:
    """The URL if it is an absolute http(s) link without spaces or control characters, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def fold(text: str) -> str:
    """Lower case without tone marks: 'Sở Giáo dục' -> 'so giao duc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def slugify(text: str) -> str:
    """An ASCII slug for URLs: 'Khối chính quyền' -> 'khoi-chinh-quyen'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "khac"
