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


def nfc_all(value: Any) -> Any:
    """Every string inside a JSON-like value (lists, dicts, their keys) in NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc_all(v) for v in value]
    if isinstance(value, dict):
        return {nfc_all(k): nfc_all(v) for k, v in value.items()}
    return value


def strip_controls(text: str) -> str:
    """Remove control characters a submitter may have pasted (NUL, escape codes); keep tabs and line breaks."""
    return _CONTROLS.sub("", text)


def is_clean(text: str) -> bool:
    """True when `clean_text` would return `text` unchanged; cheap, so the common case skips the work.

    Printable means no control character and no whitespace but the plain space (no-break and other
    separators are not printable), so only doubled or surrounding spaces and a non-NFC form remain to check.
    """
    return (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
            and (text.isascii() or unicodedata.is_normalized("NFC", text)))


def clean_text(value: Any) -> str:
    """NFC, without control characters, with surrounding and doubled spaces (including no-break spaces) removed."""
    if isinstance(value, str) and is_clean(value):
        return value
    return _SPACES.sub(" ", strip_controls(nfc(value))).strip()


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# Folding is per character (decomposition, dropping marks and case folding all are), so the Latin
# letters Vietnamese uses are folded once here and a string of them is folded with one `translate`.
_FOLD_LIMIT = "\u2000"
_FOLD_TABLE = {c: _fold_slow(chr(c)) for c in range(ord(_FOLD_LIMIT)) if _fold_slow(chr(c)) != chr(c)}


def fold(text: str) -> str:
    """Lower case without tone marks, and đ as d: 'Đoàn Thanh niên' -> 'doan thanh nien'."""
    if not text or max(text) < _FOLD_LIMIT:
        return text.translate(_FOLD_TABLE)
    return _fold_slow(text)


def vi_sort_key(text: str) -> tuple[str, str]:
    """Vietnamese alphabetical order: Đ after D (fold alone would file it under D), then tone marks.

    Đ sorts as d then U+FFFF. It is folded as d then U+1FFF (unassigned, below `fold`'s one-table limit of
    U+2000, so a name with Đ is folded as fast as any other), which then becomes U+FFFF.
    """
    base = fold(text.replace("Đ", "D\u1fff").replace("đ", "d\u1fff")).replace("\u1fff", "\uffff")
    return base, text


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
