"""A report's results as columns, each `ResultRow` made the first time it is read.

The vectorised scorer (`scoring.table_scoring`) decides every outcome a
column at a time; making fifty thousand `ResultRow`s of a national run as
objects was most of what remained of scoring. The report needs only a few
columns itself (unit, year, rank, submission date: to sort, select a year,
count and list statuses), so those are kept as columns and a row is made
when something reads it: the results writer, in the process that writes
that year (`scoring.two_processes`), or a report, a paper, a test.

A table is a `Sequence[ResultRow]` and compares equal to a list of the same
rows. Selections (`take`, `of_year`) share the rows already made. The
statuses against the deadline (`YearStatuses`) are made a year at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, overload

import numpy as np

from scoring.results import PointsOutcome, ResultRow, StatusRow

MakeRow = Callable[[int], ResultRow]


class _Rows:
    """Where each row comes from (a block's maker and the position in it), and the rows made so far."""

    __slots__ = ("block", "blocks", "made", "position")

    def __init__(self, blocks: list[MakeRow], block: np.ndarray, position: np.ndarray) -> None:
        self.blocks = blocks
        self.block = block
        self.position = position
        self.made: list[ResultRow | None] = [None] * len(block)

    def row(self, i: int) -> ResultRow:
        found = self.made[i]
        if found is None:
            found = self.made[i] = self.blocks[self.block[i]](int(self.position[i]))
        return found


class ResultTable(Sequence[ResultRow]):
    """Results in a fixed order: `unit_ids`, `years`, `ranks` (0 for levels) and `submitted` per row."""

    __slots__ = ("_index", "_rows", "ranks", "submitted", "unit_ids", "years")

    def __init__(self, rows: _Rows, index: np.ndarray, unit_ids: np.ndarray, years: np.ndarray, ranks: np.ndarray,
                 submitted: np.ndarray) -> None:
        self._rows = rows
        self._index = index
        self.unit_ids = unit_ids
        self.years = years
        self.ranks = ranks
        self.submitted = submitted

    @classmethod
    def of(cls, rows: Sequence[ResultRow]) -> ResultTable:
        """A table of rows already made (the row-by-row path)."""
        if isinstance(rows, ResultTable):
            return rows
        made = list(rows)
        builder = TableBuilder()
        builder.add(len(made), made.__getitem__, [r.unit_id for r in made], [r.year for r in made],
                    [r.outcome.rank if isinstance(r.outcome, PointsOutcome) else 0 for r in made],
                    [r.submitted for r in made])
        table = builder.table()
        table._rows.made = list(made)
        return table

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, i: int) -> ResultRow: ...
    @overload
    def __getitem__(self, i: slice) -> list[ResultRow]: ...

    def __getitem__(self, i: int | slice) -> ResultRow | list[ResultRow]:
        if isinstance(i, slice):
            return [self._rows.row(int(k)) for k in self._index[i]]
        return self._rows.row(int(self._index[i]))

    def __iter__(self) -> Iterator[ResultRow]:
        row = self._rows.row
        for k in self._index.tolist():
            yield row(k)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ResultTable({len(self)} rows)"

    @property
    def rows_made(self) -> int:
        """How many of the rows behind this table (and every selection sharing them) have been made."""
        return sum(1 for row in self._rows.made if row is not None)

    def take(self, positions: np.ndarray) -> ResultTable:
        """The rows at these positions, in that order (made rows are shared, not made again)."""
        return ResultTable(self._rows, self._index[positions], self.unit_ids[positions], self.years[positions],
                           self.ranks[positions], self.submitted[positions])

    def of_year(self, year: int) -> ResultTable:
        return self.take(np.flatnonzero(self.years == year))

    def sorted(self) -> ResultTable:
        """By year, then rank (levels: 0), then unit id: the order a report publishes."""
        return self.take(np.lexsort((self.unit_ids.astype(str), self.ranks, self.years)))


class TableBuilder:
    """Blocks of rows, each with its maker and columns, joined into one table."""

    def __init__(self) -> None:
        self._blocks: list[MakeRow] = []
        self._columns: list[tuple[Any, ...]] = []

    def add(self, count: int, make: MakeRow, unit_ids: Sequence[str] | np.ndarray, years: Sequence[int] | np.ndarray,
            ranks: Sequence[int] | np.ndarray, submitted: Sequence[date | None] | np.ndarray) -> None:
        if count:
            self._blocks.append(make)
            self._columns.append((count, unit_ids, years, ranks, submitted))

    def table(self) -> ResultTable:
        n = sum(c[0] for c in self._columns)
        block = np.repeat(np.arange(len(self._blocks), dtype=np.int32), [c[0] for c in self._columns])
        position = np.concatenate([np.arange(c[0], dtype=np.int64) for c in self._columns]) if n else \
            np.zeros(0, dtype=np.int64)

        def joined(k: int, dtype: Any) -> np.ndarray:
            if not n:
                return np.zeros(0, dtype=dtype)
            parts = []
            for c in self._columns:
                if dtype is object:
                    part = np.empty(c[0], dtype=object)
                    part[:] = list(c[k]) if not isinstance(c[k], np.ndarray) else c[k]
                else:
                    part = np.asarray(c[k], dtype=dtype)
                parts.append(part)
            return np.concatenate(parts)

        return ResultTable(_Rows(self._blocks, block, position), np.arange(n, dtype=np.int64), joined(1, object),
                           joined(2, np.int64), joined(3, np.int64), joined(4, object))


class YearStatuses(Sequence[StatusRow]):
    """Where each active unit stands, year by year; a year's rows are made the first time they are read.

    Every active unit has one (submitted, refused or missing): fifty thousand for a national run, which only
    the process writing each year reads."""

    __slots__ = ("_made", "_make", "years")

    def __init__(self, make: Callable[[int], list[StatusRow]], years: Sequence[int],
                 _made: dict[int, list[StatusRow]] | None = None) -> None:
        self._make = make
        self.years = tuple(years)  # the years that have at least one row, ascending
        self._made: dict[int, list[StatusRow]] = {} if _made is None else _made

    def year(self, year: int) -> list[StatusRow]:
        found = self._made.get(year)
        if found is None:
            found = self._made[year] = self._make(year) if year in self.years else []
        return found

    def of_year(self, year: int) -> YearStatuses:
        return YearStatuses(self._make, [y for y in self.years if y == year], self._made)

    def __iter__(self) -> Iterator[StatusRow]:
        for year in self.years:
            yield from self.year(year)

    def __len__(self) -> int:
        return sum(len(self.year(y)) for y in self.years)

    @overload
    def __getitem__(self, i: int) -> StatusRow: ...
    @overload
    def __getitem__(self, i: slice) -> list[StatusRow]: ...

    def __getitem__(self, i: int | slice) -> StatusRow | list[StatusRow]:
        return list(self)[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"YearStatuses({list(self.years)})"
