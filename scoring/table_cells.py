"""Whole columns of raw cells read by the row-by-row parsers, each distinct value once.

Exactness comes from reuse: the vectorised scorer never re-implements a
parser. A column of 50,000 cells usually holds a few hundred distinct values
("đạt", "8,5", a head count); each is parsed once by the same function
`scoring.validate` uses, and the answers are mapped back onto the column.
Numbers come back as integers (points in hundredths, head counts as is);
`BLANK` and `BAD` are negative codes no valid value can take.
"""

from __future__ import annotations

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
from scoring.wide_table import EVIDENCE, Submissions

BLANK = -1  # the cell is empty, or the column is missing
BAD = -2  # the cell holds something its parser refuses
DIGITAL_ORDER = {key: i for i, key in enumerate(DIGITAL_LEVELS)}  # chua-dat < co-ban < tot
VERDICT = {"dat": 1, "khong-dat": 0}


def distinct(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """(positions, uniques): each cell's index into the column's distinct values.

    Only a column of strings is factorised by pandas: there `1`, `1.0` and `True` cannot meet as
    equal keys. A column of mixed cell types (a workbook's numbers and dates) is keyed by type too.
    """
    if pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty"):
        positions, uniques = pd.factorize(values)  # no null in a column of strings: no null scan
        return positions, list(uniques)
    seen: dict[tuple[type, Any], int] = {}
    found: list[Any] = []
    out = np.empty(len(values), dtype=np.intp)
    for j, v in enumerate(values.tolist()):
        key = (type(v), v)
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(found)
            found.append(v)
        out[j] = k
    return out, found


def mapped(column: pd.Series, parse: Callable[[Any], Any]) -> pd.Series:
    """`parse` applied to each distinct value once (`distinct`); the answers keep their Python types (dtype object)."""
    positions, uniques = distinct(column.to_numpy(dtype=object))
    answers = np.empty(len(uniques), dtype=object)
    answers[:] = [parse(value) for value in uniques]
    return pd.Series(answers[positions], index=column.index, dtype=object)


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
    positions, uniques = distinct(column.to_numpy(dtype=object))
    answers = np.fromiter(map(_coded(parse), uniques), dtype=np.int64, count=len(uniques))
    return np.asarray(answers[positions], dtype=np.int64)


class Cells:
    """Some rows of the submissions (a year's, or all), each column taken and parsed once for them, and any
    subset of those rows (`subset`: a group of units) answered from the same parses.

    A Thông tư 24/2023 year is assessed in a dozen groups (criteria set, unit type, public or not); parsing each
    group's columns apart cost a factorisation per column and group, and copying each group's whole table."""

    def __init__(self, subs: Submissions, rows: np.ndarray | None = None, *,
                 _store: dict[Any, np.ndarray] | None = None, _subset: np.ndarray | None = None) -> None:
        self.subs, self.rows = subs, rows
        self.names = subs.names_at(rows)  # a column no source of these rows has is blank in all of them
        self._store: dict[Any, np.ndarray] = {} if _store is None else _store
        self._subset = _subset

    def __len__(self) -> int:
        if self._subset is not None:
            return len(self._subset)
        return len(self.subs) if self.rows is None else len(self.rows)

    def subset(self, positions: np.ndarray) -> Cells:
        """These positions of the rows (ascending), sharing every parse made or to be made."""
        return Cells(self.subs, self.rows, _store=self._store, _subset=positions)

    def _made(self, key: Any, make: Callable[[], np.ndarray]) -> np.ndarray:
        """The array for all the rows, made once."""
        found = self._store.get(key)
        if found is None:
            found = self._store[key] = make()
        return found

    def _memo(self, key: Any, make: Callable[[], np.ndarray]) -> np.ndarray:
        found = self._made(key, make)
        return found if self._subset is None else found[self._subset]

    def _take(self, name: str) -> np.ndarray:
        return self.subs.column(name) if self.rows is None else self.subs.take(name, self.rows)

    def raw(self, name: str) -> np.ndarray:
        """The column's cells as read ("" where a source lacks the column; `irregular` as booleans)."""
        return self._memo(name, lambda: self._take(name))

    def codes(self, name: str, parse: Callable[[Any], int]) -> np.ndarray:
        return self._memo((name, parse), lambda: codes(self._whole(name), parse))

    def mapped(self, name: str, parse: Callable[[Any], Any]) -> pd.Series:
        return pd.Series(self._memo((name, parse, object), lambda: mapped(self._whole(name), parse).to_numpy(dtype=object)),
                         dtype=object)

    def filled(self, name: str) -> np.ndarray:
        return self._memo((name, filled), lambda: filled(self._whole(name)))

    def marks(self, name: str) -> np.ndarray:
        """Which cells are blank or a not-applicable mark (`not_applicable_mark`)."""
        return self._memo((name, not_applicable_mark), lambda: ~filled(self._whole(name), not_applicable_mark))

    def _whole(self, name: str) -> pd.Series:
        return pd.Series(self._made(name, lambda: self._take(name)), dtype=object)


def filled(column: pd.Series, blank: Callable[[Any], bool] = is_blank) -> np.ndarray:
    """Which cells hold something (`blank` is false); "" is looked at by numpy, anything else by `blank`.

    Most columns a rule checks for stray values are blank in nearly every row."""
    values = column.to_numpy(dtype=object)
    out = values != ""
    if out.any():
        rest = np.flatnonzero(out)
        out[rest] = ~mapped(pd.Series(values[rest], dtype=object), blank).to_numpy(dtype=bool)
    return np.asarray(out, dtype=bool)


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


def year_codes(subs: Submissions) -> np.ndarray:
    """The year of every submission, as `codes` (an unreadable or blank year is negative)."""
    return codes(pd.Series(subs.column("year"), dtype=object), year)


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


# A letter or digit that no not-applicable mark ("kad", "không áp dụng", "-") folds to: a cell holding one is
# evidence, clean or not (cleaning only composes, drops control characters and spaces; folding keeps an ASCII
# letter or digit, and a letter with marks folds to its base letter).
_NO_MARK_CHARS = "0123456789bcefijlmqrstvwxyzBCEFIJLMQRSTVWXYZ"
_NO_MARK_SET = frozenset(_NO_MARK_CHARS)


@dataclass(frozen=True)
class EvidenceCells:
    """Every evidence column (`mc:<id>`), read once for all rows; a cell is cleaned only when a result reads it.

    Evidence is mostly unique (a link, a document number): cleaning each cell for fifty thousand results that
    are then written by another process cost more than deciding every outcome of a year.
    """

    raw: dict[str, np.ndarray]  # per indicator id: the cell as read ("" when blank or absent)
    proof: dict[str, np.ndarray]  # per indicator id: the cell where a chỉ tiêu counts it as evidence, else None

    def text(self, i: int) -> dict[str, str]:
        """Row i's filled evidence cells in column order, cleaned, as `scoring.validate` keeps them."""
        out = {}
        for ind, values in self.raw.items():
            value = values[i]
            if not (type(value) is str and value == ""):
                text = text_or_none(value)
                if text is not None:
                    out[ind] = text
        return out


def _proof(values: np.ndarray) -> np.ndarray:
    """Which cells a chỉ tiêu counts as evidence: filled and not a not-applicable mark (`evidence_text`)."""
    found = np.zeros(len(values), dtype=bool)
    filled = np.flatnonzero(values != "")  # "" is blank
    if filled.size:
        cells = values[filled].tolist()
        try:  # "holds a telling character" (a false answer only sends the cell to the exact test below)
            telling = ~np.fromiter(map(_NO_MARK_SET.isdisjoint, cells), dtype=bool, count=filled.size)
        except TypeError:  # a typed cell (a workbook's number or date)
            telling = np.fromiter((type(v) is str and not _NO_MARK_SET.isdisjoint(v) for v in cells), dtype=bool,
                                  count=filled.size)
        found[filled[telling]] = True
        rest = filled[~telling]
        if rest.size:  # a mark, a blank of spaces, a typed cell, or evidence without a telling character
            exact = mapped(pd.Series(values[rest], dtype=object), evidence_text)
            found[rest] = [text is not None for text in exact]
    return found


def evidence_cells(subs: Submissions) -> EvidenceCells:
    raw_cells, proof = {}, {}
    for name in subs.names:
        if not name.startswith(EVIDENCE):
            continue
        values = subs.column(name)
        raw_cells[name[len(EVIDENCE):]] = values
        kept = np.full(len(values), None, dtype=object)
        found = _proof(values)
        kept[found] = values[found]
        proof[name[len(EVIDENCE):]] = kept
    return EvidenceCells(raw_cells, proof)
