"""Whole columns of raw cells read by the row-by-row parsers, each distinct value once.

Exactness comes from reuse: the vectorised scorer never re-implements a
parser. A column of 50,000 cells usually holds a few hundred distinct values
("đạt", "8,5", a head count); each is parsed once by the same function
`scoring.validate` uses, and the answers are mapped back onto the column.
Numbers come back as integers (points in hundredths, head counts as is);
`BLANK` and `BAD` are negative codes no valid value can take.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from scoring.errors import ScoringError
from scoring.levels import NOT_APPLICABLE_MARKS, to_digital, to_verdict
from scoring.levels_rubric import DIGITAL_LEVELS
from scoring.text import clean_text, fold_words, is_clean
from scoring.values import (
    BlankError,
    NotANumberError,
    decimal_places,
    is_blank,
    to_bool,
    to_date,
    to_decimal,
    to_whole,
    to_year,
)
from scoring.wide_table import EVIDENCE

BLANK = -1  # the cell is empty, or the column is missing
BAD = -2  # the cell holds something its parser refuses
DIGITAL_ORDER = {key: i for i, key in enumerate(DIGITAL_LEVELS)}  # chua-dat < co-ban < tot
VERDICT = {"dat": 1, "khong-dat": 0}


def raw(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column; an absent one is all "", which every parser reads as blank (the wide table has no NaN or None)."""
    column = frame.get(name)
    if column is None:
        return pd.Series("", index=frame.index, dtype=object)
    return column


def mapped(column: pd.Series, parse: Callable[[Any], Any]) -> pd.Series:
    """`parse` applied to each distinct value once; the answers keep their Python types (dtype object).

    Only a column of strings is factorised: there `1`, `1.0` and `True` cannot meet as equal
    keys. A column of mixed cell types (a workbook's numbers and dates) is parsed cell by cell,
    with the type in the cache key.
    """
    if pd.api.types.infer_dtype(column, skipna=False) in ("string", "empty"):
        positions, uniques = pd.factorize(column, use_na_sentinel=False)
        answers = np.empty(len(uniques), dtype=object)
        for j, value in enumerate(uniques):
            answers[j] = parse(value)
        return pd.Series(answers[positions], index=column.index, dtype=object)
    cache: dict[tuple[type, Any], Any] = {}
    out = np.empty(len(column), dtype=object)
    for j, v in enumerate(column):
        key = (type(v), v)
        if key not in cache:
            cache[key] = parse(v)
        out[j] = cache[key]
    return pd.Series(out, index=column.index, dtype=object)


@lru_cache(maxsize=64)
def _coded(parse: Callable[[Any], int]) -> Callable[[Any], int]:
    """`parse` answering BLANK or BAD instead of raising; remembers each value across columns (typed: 1 is not True)."""

    @lru_cache(maxsize=1 << 16, typed=True)
    def run(value: Any) -> int:
        try:
            return parse(value)
        except BlankError:
            return BLANK
        except NotANumberError:
            return BAD

    return run


def codes(column: pd.Series, parse: Callable[[Any], int]) -> np.ndarray:
    """Integer codes of a column: the parsed value (≥ 0), BLANK or BAD."""
    return mapped(column, _coded(parse)).to_numpy(dtype=np.int64)


@lru_cache(maxsize=8)
def scaled_points(decimals: int) -> Callable[[Any], int]:
    """A point cell as an integer in 1/10^decimals; negatives and extra decimals are BAD (the row path names them)."""
    scale = Decimal(10) ** decimals

    def parse(value: Any) -> int:
        number = to_decimal(value)
        if number < 0 or decimal_places(number) > decimals:
            raise NotANumberError
        return int(number * scale)

    return parse


def whole(value: Any) -> int:
    return to_whole(value)


def year(value: Any) -> int:
    return to_year(value)


def year_codes(frame: pd.DataFrame) -> np.ndarray:
    """The year of every row of a wide table, as `codes` (an unreadable or blank year is negative)."""
    return codes(raw(frame, "year"), year)


def verdict(value: Any) -> int:
    return VERDICT[to_verdict(value)]


def digital(value: Any) -> int:
    return DIGITAL_ORDER[to_digital(value)]


def text_or_none(value: Any) -> str | None:
    """What `scoring.validate` keeps of a free-text cell: None when blank, else the cleaned text."""
    if type(value) is str and value and is_clean(value):
        return value
    return None if is_blank(value) else clean_text(value)


def not_applicable_mark(value: Any) -> bool:
    """The row-by-row `_is_not_applicable_mark` for a present cell (an absent one is a blank)."""
    return is_blank(value) or fold_words(clean_text(value)) in NOT_APPLICABLE_MARKS | {""}


def evidence_text(value: Any) -> str | None:
    return None if not_applicable_mark(value) else clean_text(value)


def optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A header field: blank is None, unreadable is BAD (the object), else the parsed value."""

    def run(value: Any) -> Any:
        try:
            return parse(value)
        except BlankError:
            return None
        except NotANumberError:
            return BAD_VALUE

    return run


class _Bad:
    def __repr__(self) -> str:
        return "BAD"


BAD_VALUE: Any = _Bad()
OPTIONAL_BOOL = optional(to_bool)
OPTIONAL_DATE: Callable[[Any], date | None] = optional(to_date)
OPTIONAL_WHOLE = optional(to_whole)


def hundredths_to_decimal(decimals: int) -> Callable[[int], Decimal]:
    """The exact Decimal of a scaled integer, written as a plain cell would be ("8.5", "10").

    A cell typed "8.50" gives Decimal("8.50") row by row; the two are equal, and nothing published
    depends on the exponent (JSON numbers and Vietnamese formatting are made from the value).
    """
    cache: dict[int, Decimal] = {}
    scale = Decimal(10) ** -decimals

    def to(value: int) -> Decimal:
        found = cache.get(value)
        if found is None:
            found = cache[value] = Decimal(format((Decimal(value) * scale).normalize(), "f"))
        return found

    if decimals < 0:
        raise ScoringError("Số chữ số thập phân của bộ tiêu chí không hợp lệ (lỗi chương trình).")
    return to


# A letter or digit that no not-applicable mark ("kad", "không áp dụng", "-") folds to: a clean cell holding
# one is evidence as it stands, with no folding needed (an ASCII letter or digit survives `fold_words`).
_NO_MARK_CHARS = "0123456789bcefijlmqrstvwxyzBCEFIJLMQRSTVWXYZ"
_NO_MARK = re.compile(f"[{_NO_MARK_CHARS}]")


@dataclass(frozen=True)
class EvidenceCells:
    """Every evidence column (`mc:<id>`), read once for all rows."""

    text: dict[str, np.ndarray]  # per indicator id: the cleaned text, or None when blank (what a result publishes)
    proof: dict[str, np.ndarray]  # per indicator id: what a chỉ tiêu counts as evidence (None: blank or a "kad" mark)


def _plain(values: list[str]) -> np.ndarray:
    """Which non-empty strings are clean and hold a letter or digit no mark has, decided on one joined string.

    Evidence is mostly unique (a link, a document number), so parsing each distinct value would parse
    every cell. The checks of `is_clean` hold for a string joined with "|" exactly when they hold for
    each part (the separator is printable, NFC composes nothing across it, and a space beside it is a
    part's leading or trailing space); a part without a telling character is found by deleting those
    bytes (ASCII, so never part of another character's UTF-8) and comparing lengths. Any doubt (a part
    holding "|", a dirty join) sends every part to the exact test.
    """
    joined = "|".join(values)
    exact = (joined.count("|") != len(values) - 1 or not joined.isprintable() or "  " in joined or " |" in joined
             or "| " in joined or joined[:1] == " " or joined[-1:] == " "
             or not (joined.isascii() or unicodedata.is_normalized("NFC", joined)))
    if exact:
        return np.array([is_clean(v) and _NO_MARK.search(v) is not None for v in values], dtype=bool)
    encoded = joined.encode("utf-8")
    whole = np.fromiter(map(len, encoded.split(b"|")), dtype=np.int64, count=len(values))
    kept = np.fromiter(map(len, encoded.translate(None, _NO_MARK_CHARS.encode()).split(b"|")), dtype=np.int64,
                       count=len(values))
    return kept < whole





def evidence_cells(frame: pd.DataFrame) -> EvidenceCells:
    names = [str(c) for c in frame.columns if str(c).startswith(EVIDENCE)]
    if not names or frame.empty:
        return EvidenceCells({}, {})
    values = np.concatenate([raw(frame, name).to_numpy(dtype=object) for name in names])
    text = np.full(len(values), None, dtype=object)
    proof = np.full(len(values), None, dtype=object)
    filled = np.flatnonzero(values != "")  # "" is blank: None in both
    strings = [v for v in values[filled].tolist() if type(v) is str]
    if len(strings) == filled.size and strings:
        plain = _plain(strings)
        text[filled[plain]] = proof[filled[plain]] = values[filled[plain]]
        slow = filled[~plain]
    else:  # a workbook's typed cells: each value its own way
        slow = filled
    if slow.size:
        rest = pd.Series(values[slow], dtype=object)
        text[slow] = mapped(rest, text_or_none).to_numpy(dtype=object)
        proof[slow] = mapped(rest, evidence_text).to_numpy(dtype=object)
    n = len(frame)
    return EvidenceCells(
        text={name[len(EVIDENCE):]: text[k * n:(k + 1) * n] for k, name in enumerate(names)},
        proof={name[len(EVIDENCE):]: proof[k * n:(k + 1) * n] for k, name in enumerate(names)},
    )
