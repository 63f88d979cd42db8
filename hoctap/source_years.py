"""What each source file held when it was last read, so that a rebuild leaves unread the sources of the years it
keeps.

A national source folder holds a file per year of ten thousand rows each. After one agency corrects its tab,
`hoctap build` scores again only the years whose inputs changed (`pipeline.kept_years`); to know which those
are it needs, per source, the years its rows belong to. Reading every file for that costs more than scoring
the one year that changed. So each build records, per source (its kind and SHA-256), how many rows it held
and which years (as `scoring.table_cells.codes` reads them, an unreadable year included); the next build
reads only the sources it has no record of, and then those holding a year it scores again
(`read_needed`). The record is trusted only with the same code (`pipeline._code_fingerprint`): a
reader that changed may read the same bytes otherwise.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from intake.errors import IntakeError
from intake.sources import Collected, SourceFile, source_files
from scoring.canonical import Submission
from scoring.registry import Registry
from scoring.results_folder import SourceRecord
from scoring.wide_table import Submissions

RECORD_NAME = "nguon-da-doc.json"


@dataclass
class Unread:
    """The sources a build has not read yet, by their place among the intake's sources."""

    record: Path  # the record they were left unread by
    files: dict[int, SourceFile] = field(default_factory=dict)
    years: dict[int, tuple[int, ...]] = field(default_factory=dict)  # as recorded: the year codes each holds
    read: dict[int, Sequence[Submission]] = field(default_factory=dict)  # the others, as read


def _key(source: SourceFile | SourceRecord) -> str:
    return f"{source.kind}:{source.sha256}"


def _recorded(path: Path, code: str) -> dict[str, tuple[int, tuple[int, ...]]]:
    """The record's sources: rows and year codes per `_key`; nothing when it is missing, damaged or of other code."""
    try:
        doc = json.loads(path.read_bytes())
        if not isinstance(doc, dict) or doc.get("code") != code or not isinstance(doc.get("sources"), dict):
            return {}
        out = {}
        for key, entry in doc["sources"].items():
            rows, years = entry["rows"], entry["years"]
            if not (type(rows) is int and rows >= 0 and isinstance(years, list) and all(type(y) is int for y in years)
                    and years == sorted(set(years)) and bool(years) == bool(rows)):
                return {}  # a damaged record is not trusted at all
            out[str(key)] = (rows, tuple(years))
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def read_deferring(path: Path, when: datetime, state: Path, code: str) -> tuple[Collected, Unread]:
    """The sources of `path`, each read unless the record (in the `state` folder) knows its years."""
    record = state / RECORD_NAME
    known = _recorded(record, code)
    out, unread = Collected(), Unread(record)
    for i, file in enumerate(source_files(path, out.skipped)):
        recorded = known.get(_key(file))
        if recorded is None:
            unread.read[i] = out.read(file, when)
        else:
            unread.files[i], unread.years[i] = file, recorded[1]
            out.sources.append(file.record(when, recorded[0]))
    return out, unread


def read_needed(collected: Collected, unread: Unread, reg: Registry, kept: Collection[int] | None, *,
                flag: bool) -> None:
    """Read the sources holding a year not `kept` (or a year that cannot be read; every source when `kept` is
    None), and put every source read back in reading order: rows of kept years are left out by the scorer.

    `flag`: the tabs read before were flagged (`pipeline.check_tabs`), so those read now are too. A source
    that does not hold what the record says stops the build, and the record is removed: the next build
    reads every source."""
    from intake.tab_layouts import flag_misplaced_tabs
    from scoring.table_cells import year_codes

    needed = [i for i, years in unread.years.items() if kept is None or any(y < 0 or y not in kept for y in years)]
    if not needed:
        return
    for i in needed:
        file, recorded = unread.files.pop(i), unread.years.pop(i)
        subs = Submissions([file.read()])
        if flag:
            flag_misplaced_tabs(list(subs.objects()), reg)
        years = tuple(int(y) for y in np.unique(year_codes(subs)))
        if len(subs) != collected.sources[i].rows or years != recorded:
            unread.record.unlink(missing_ok=True)
            raise IntakeError(f"{file.origin}: tệp không chứa đúng những dòng mà bản ghi của lần dựng trước "
                              f"({unread.record.name}) nói; bản ghi đã được xóa, hãy chạy lại.")
        unread.read[i] = subs
    collected.submissions = Submissions([unread.read[i] for i in sorted(unread.read)])


def source_year_codes(collected: Collected, unread: Unread | None, codes: np.ndarray) -> list[tuple[int, ...]] | None:
    """Per source, the distinct year codes its rows hold: from `codes` (one per row read, in reading order) for
    the sources read, from the record for the others. None when the rows read are not the sources' rows."""
    waiting = unread.years if unread is not None else {}
    if sum(s.rows for i, s in enumerate(collected.sources) if i not in waiting) != len(codes):
        return None
    out: list[tuple[int, ...]] = []
    start = 0
    for i, source in enumerate(collected.sources):
        if i in waiting:
            out.append(waiting[i])
        else:
            out.append(tuple(int(y) for y in np.unique(codes[start:start + source.rows])))
            start += source.rows
    return out


def remember(state: Path, code: str, collected: Collected, years: Sequence[tuple[int, ...]]) -> None:
    """Record, for the next build, what each of these sources held (`years`: `source_year_codes`)."""
    doc = {"code": code, "sources": {_key(s): {"rows": s.rows, "years": list(held)}
                                     for s, held in zip(collected.sources, years, strict=True)}}
    path = state / RECORD_NAME
    try:
        state.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(doc, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # the next build reads every source: slower, never wrong
