"""Turning raw cell values into numbers and dates, the one place that does it.

Agencies type `8,5` in a Vietnamese Excel and `8.5` in an English one; the
Sheets API sends JSON numbers; a CSV has strings with stray spaces. All of
them meet here. A blank is never zero: it is reported as blank.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from scoring.text import clean_text

_PLAIN = re.compile(r"^\d{1,3}(?:\.\d{1,6})?$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.\s]\d{3})+$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class BlankError(Exception):
    """The cell is empty (or only spaces)."""


class NotANumberError(Exception):
    """The cell holds something that is not a number."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and clean_text(value) == "")


def to_decimal(value: Any) -> Decimal:
    """A point value as an exact Decimal; raises BlankError or NotANumberError."""
    if is_blank(value):
        raise BlankError
    if isinstance(value, bool | date):
        raise NotANumberError
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest repr: 8.5 stays 8.5, never 8.4999….
        result = Decimal(str(value))
    elif isinstance(value, str) and _PLAIN.match(value):  # the common case, "8.5" or "10": skip normalisation
        result = Decimal(value)
    else:
        text = clean_text(value).replace(" ", "")
        if not _DECIMAL.match(text):
            raise NotANumberError
        result = Decimal(text.replace(",", "."))
    if not result.is_finite():
        raise NotANumberError
    return result


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def to_whole(value: Any) -> int:
    """A head count: digits, possibly grouped by thousands (`1.200`, `1 200`)."""
    if is_blank(value):
        raise BlankError
    if isinstance(value, str):
        text = clean_text(value)
        if _THOUSANDS.match(text):
            text = re.sub(r"[.\s]", "", text)
        value = text
    number = to_decimal(value)
    if number != number.to_integral_value() or number < 0:
        raise NotANumberError
    return int(number)


def to_year(value: Any) -> int:
    number = to_decimal(value)
    if number != number.to_integral_value() or not 1900 <= number <= 2200:
        raise NotANumberError
    return int(number)


def to_date(value: Any) -> date:
    """dd/mm/yyyy (as Vietnamese write it) or ISO yyyy-mm-dd, or a real date cell."""
    if is_blank(value):
        raise BlankError
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else _fail()
    except ValueError as exc:
        raise NotANumberError from exc


def _fail() -> date:
    raise NotANumberError


_YES = {"có", "co", "x", "yes", "y", "true", "1", "đã thành lập", "da thanh lap", "rồi"}
_NO = {"không", "khong", "no", "n", "false", "0", "chưa", "chua", "chưa thành lập"}


def to_bool(value: Any) -> bool:
    if is_blank(value):
        raise BlankError
    if isinstance(value, bool):
        return value
    text = clean_text(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise NotANumberError


_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_PHONE = re.compile(r"(?:\+?\d[\s.()-]*){9,}")
MAX_QUOTE = 60  # characters of a bad value quoted back; the message names the cell, the rest is noise


def display(value: Any) -> str:
    """How a raw value is quoted back in a message: short, and never an e-mail address or a phone number.

    Rejection reasons are published (status pages, downloads, the job summary), so a contact typed into
    the wrong cell is named by its kind, not echoed.
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    text = clean_text(value)
    if _EMAIL.search(text):
        return "(giá trị giống địa chỉ thư điện tử, không hiển thị)"
    if _PHONE.search(text):
        return "(giá trị giống số điện thoại, không hiển thị)"
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"
