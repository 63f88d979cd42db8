"""Submissions two ways: the wide table's columns for the vectorised scorer, one `Submission` at a time for messages.

The wide table is the long table of DESIGN.md pivoted to one row per
submission and one column per header field and per (part, indicator):
`own:1.1` (the unit's value), `td:1.1` (reviewer's points, TT 22),
`hd:1.1` (Hội đồng, TT 24), `mc:1.1` (evidence). Values stay raw; a column
a source does not have is absent (or None), which every rule reads like a
blank cell. `irregular` marks a row the reader itself found wrong (a
repeated column, a stray cell, a tab naming another unit): such rows always
take the row-by-row path, which names the cell.

`Submissions` is the sequence readers hand over: parts that can build their
own wide table cheaply (a CSV file: its rows are already columns) or plain
`Submission` objects (a workbook's tabs). The scorer reads the parts' tables
a column at a time (`Submissions.column`). A `Submission`, with the place of
every cell, is built only for the rows that need one.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, overload

import numpy as np
import pandas as pd

from scoring.canonical import Place, Submission

OWN, VERIFIED, COUNCIL, EVIDENCE = "own:", "td:", "hd:", "mc:"
PARTS = {OWN: "indicators", VERIFIED: "verified", COUNCIL: "council", EVIDENCE: "evidence"}


class Part(Protocol):
    """A run of submissions from one source."""

    def __len__(self) -> int: ...

    def submission(self, i: int) -> Submission: ...

    def origin(self, i: int) -> Place: ...

    def frame(self) -> pd.DataFrame:
        """The part's wide table, without gaps (see `_without_gaps`)."""
        ...


def frame_of(subs: Sequence[Submission]) -> pd.DataFrame:
    """The wide table of submissions already built as objects (workbook tabs, pulled tabs, tests)."""
    records = []
    for sub in subs:
        record: dict[str, object] = {"unit": sub.unit.value, "year": sub.year.value,
                                     "irregular": bool(sub.reader_problems or sub.unknown_columns)}
        for key, cell in sub.fields.items():
            record[key] = cell.value
        for prefix, attr in PARTS.items():
            for ind, cell in getattr(sub, attr).items():
                record[prefix + ind] = cell.value
        records.append(record)
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame({"unit": [], "year": [], "irregular": []})
    return _without_gaps(frame)


def _without_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Every missing cell (a column a row lacks, a None value) as "": one form of blank for the column parsers."""
    frame = frame.astype({c: object for c in frame.columns if c != "irregular"})
    gaps = [c for c in frame.columns if c != "irregular" and frame[c].hasnans]
    if gaps:
        frame[gaps] = frame[gaps].fillna("")
    frame["irregular"] = frame["irregular"].astype(bool)
    return frame


class ObjectPart:
    """Submissions already built as objects; the wide table is built when asked, after any reader flag."""

    def __init__(self, subs: Iterable[Submission]) -> None:
        self.subs = list(subs)

    def __len__(self) -> int:
        return len(self.subs)

    def submission(self, i: int) -> Submission:
        return self.subs[i]

    def origin(self, i: int) -> Place:
        return self.subs[i].origin

    def frame(self) -> pd.DataFrame:
        return frame_of(self.subs)


class RowsOf:
    """Some rows of a part, in its order (the rows of the years a build scores again)."""

    def __init__(self, part: Part, rows: list[int]) -> None:
        self.part, self.rows = part, rows

    def __len__(self) -> int:
        return len(self.rows)

    def submission(self, i: int) -> Submission:
        return self.part.submission(self.rows[i])

    def origin(self, i: int) -> Place:
        return self.part.origin(self.rows[i])

    def frame(self) -> pd.DataFrame:
        return self.part.frame().iloc[self.rows].reset_index(drop=True)


class Submissions(Sequence[Submission]):
    """Every submission read, in reading order, from any number of parts."""

    def __init__(self, parts: Iterable[Part | Sequence[Submission]] = ()) -> None:
        self.parts: list[Part] = []
        self._part_frames: list[pd.DataFrame] | None = None
        self._columns: dict[str, np.ndarray] = {}
        for part in parts:
            self.add(part)

    def add(self, part: Part | Sequence[Submission]) -> None:
        self._part_frames, self._columns = None, {}
        if isinstance(part, Submissions):
            self.parts.extend(part.parts)
        elif isinstance(part, Sequence):
            self.parts.append(ObjectPart(part))
        else:
            self.parts.append(part)

    def extend(self, more: Part | Sequence[Submission]) -> None:
        self.add(more)

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def _locate(self, i: int) -> tuple[Part, int]:
        if i < 0:
            i += len(self)
        starts = self._starts()
        k = bisect.bisect_right(starts, i) - 1
        if i < 0 or k >= len(self.parts):
            raise IndexError(i)
        return self.parts[k], i - starts[k]

    @overload
    def __getitem__(self, i: int) -> Submission: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Submission]: ...

    def __getitem__(self, i: int | slice) -> Submission | Sequence[Submission]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        part, j = self._locate(i)
        return part.submission(j)

    def __iter__(self) -> Iterator[Submission]:
        for part in self.parts:
            for j in range(len(part)):
                yield part.submission(j)

    def origin(self, i: int) -> Place:
        """Where row `i` was read, without building its `Submission`."""
        part, j = self._locate(i)
        return part.origin(j)

    def origins(self, rows: Iterable[int]) -> list[Place]:
        """Where each of `rows` (ascending positions) was read."""
        starts = self._starts()
        out, k = [], 0
        for i in rows:
            while i >= starts[k + 1]:
                k += 1
            out.append(self.parts[k].origin(i - starts[k]))
        return out

    def select(self, rows: Iterable[int]) -> Submissions:
        """Only `rows` (ascending positions), in reading order; each keeps where it was read."""
        starts = self._starts()
        chosen: list[list[int]] = [[] for _ in self.parts]
        k = 0
        for i in rows:
            while i >= starts[k + 1]:
                k += 1
            chosen[k].append(i - starts[k])
        out = Submissions()
        for part, local in zip(self.parts, chosen, strict=True):
            if len(local) == len(part):
                out.add(part)
            elif isinstance(part, ObjectPart):
                out.add(ObjectPart(part.subs[j] for j in local))
            elif local:
                out.add(RowsOf(part, local))
        return out

    def objects(self) -> Iterator[Submission]:
        """Only the submissions that already exist as objects (tabs): what a reader-level check may amend."""
        for part in self.parts:
            if isinstance(part, ObjectPart):
                yield from part.subs

    def _frames(self) -> list[pd.DataFrame]:
        """Each part's wide table, built once (a tab's reader flags must come first)."""
        if self._part_frames is None:
            self._part_frames = [p.frame() for p in self.parts]
        return self._part_frames

    @property
    def names(self) -> list[str]:
        """Every column some part has, in order of first appearance."""
        return [str(c) for c in dict.fromkeys(c for f in self._frames() for c in f.columns)]

    def _starts(self) -> list[int]:
        """Where each part's rows begin, and the end of the last."""
        return list(itertools.accumulate((len(p) for p in self.parts), initial=0))

    def names_at(self, rows: np.ndarray | None) -> list[str]:
        """The columns of the parts holding these rows (ascending positions; None: all rows): any other column
        is blank in every one of them."""
        frames = self._frames()
        if rows is None:
            return self.names
        held = np.unique(np.searchsorted(self._starts(), rows, side="right") - 1)
        return [str(c) for c in dict.fromkeys(c for k in held.tolist() for c in frames[k].columns)]

    def column(self, name: str) -> np.ndarray:
        """Column `name` of the wide table of every part, in reading order, built once (read-only).

        A part without the column is blank there ("": no part's table has another gap), or not irregular.
        Only the columns a rule reads are joined: a national run's five years never make one table (a
        Thông tư 22/2020 file has none of a 24/2023 one's evidence and council columns)."""
        found = self._columns.get(name)
        if found is None:
            pieces = [self._of_part(f, name) for f in self._frames()]
            found = np.concatenate(pieces) if pieces else self._blank(name, 0)
            found.flags.writeable = False
            self._columns[name] = found
        return found

    def take(self, name: str, rows: np.ndarray) -> np.ndarray:
        """Column `name` at these rows (ascending positions), read-only: a year's rows in one source are read
        straight from its table, without joining the column of every source."""
        frames, starts = self._frames(), self._starts()
        if rows.size:
            first, last = np.searchsorted(starts, [rows[0], rows[-1]], side="right") - 1
            if first == last:
                local = rows - starts[first]
                column = self._of_part(frames[first], name)
                lo, hi = int(local[0]), int(local[-1]) + 1
                found = column[lo:hi] if hi - lo == rows.size else column[local]
                found.flags.writeable = False
                return found
        return np.asarray(self.column(name)[rows])

    @staticmethod
    def _blank(name: str, size: int) -> np.ndarray:
        return np.zeros(size, dtype=bool) if name == "irregular" else np.full(size, "", dtype=object)

    def _of_part(self, frame: pd.DataFrame, name: str) -> np.ndarray:
        if name not in frame.columns:
            return self._blank(name, len(frame))
        return frame[name].to_numpy(dtype=bool if name == "irregular" else object)


def as_submissions(subs: Sequence[Submission]) -> Submissions:
    return subs if isinstance(subs, Submissions) else Submissions([subs])
