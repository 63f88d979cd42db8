"""Text rules shared by every stage: Unicode form, spaces, folding, slugs, links, control characters.

Each rule lives here once. The registry's "did you mean" hint, the site's
A–Z index and search, and the URL of a unit page all fold the same way; the
site, the downloads and the official papers all accept the same links.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# C0 and C1 controls except tab and line breaks; they crash XML writers (XLSX, DOCX) and hide text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f<>\"'`]")
# Letters that are not a base letter plus combining marks: NFD leaves them whole.
_FOLD_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value))


def strip_controls(text: str) -> str:
    """Remove control characters a submitter may have pasted (NUL, escape codes); keep tabs and line breaks."""
    return _CONTROLS.sub("", text)


def clean_text(value: Any) -> str:
    """NFC, without control characters, with surrounding and doubled spaces (including no-break spaces) removed."""
    return _SPACES.sub(" ", strip_controls(nfc(value))).strip()


def fold(text: str) -> str:
    """Lower case without tone marks, and đ as d: 'Đoàn Thanh niên' -> 'doan thanh nien'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold_words(text: str) -> str:
    """`fold`, keeping only letters and digits as space-separated words."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def slugify(text: str, fallback: str = "khac") -> str:
    """An ASCII slug for URLs: 'Khối chính quyền' -> 'khoi-chinh-quyen'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or fallback


def safe_url(value: Any) -> str | None:
    """The URL if it is an absolute http(s) link without spaces, quotes or control characters, else None.

    Only such links are ever rendered as links (site, downloads, papers); anything else
    (``javascript:``, ``data:``, a file path) is shown as plain, escaped text.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or _URL_FORBIDDEN.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe (every export)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
