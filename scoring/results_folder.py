"""The results folder: what scoring hands to the site, the downloads and the papers, written.

`index.json` holds the facts of the whole run (province, sample or not, when,
years, units, decisions, the sources read), and each year has
`ket-qua-<year>.json` (every result, rejection and status of that year) and
`ket-qua-<year>.csv` (the public table). The folder stays in the project
(`.hoctap/ket-qua/`), so plain `pelican` rebuilds the same site from it.
Files are replaced atomically, and only when their bytes change; each year's
files carry a stamp (`scoring.year_stamps`). `scoring.published` reads the
folder back.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from scoring import year_stamps
from scoring.bulk import collector_paused
from scoring.errors import ScoringError
from scoring.publication import csv_lines, rubric_columns
from scoring.registry import Registry, Unit
from scoring.results import Authority, Recognition, ScoreReport
from scoring.results_json import (
    number,
    recognition_to_json,
    rejected_to_json,
    row_to_json,
)
from scoring.rubric import Rubrics
from scoring.text import nfc_all
from scoring.two_processes import in_two

CONTRACT_VERSION = 2


class ResultsError(ScoringError):
    """The results folder is missing or does not follow the contract."""


@dataclass(frozen=True)
class SourceRecord:
    """One input behind the results: its hash, where it came from, when, how many unit-years it held."""

    sha256: str
    origin: str
    kind: str
    time: str
    rows: int


@dataclass(frozen=True)
class PublicationInfo:
    sample: bool
    generated: datetime
    authority: Callable[[int], Authority]
    cdht_target: Callable[[int], tuple[Decimal, int] | None]
    sources: tuple[SourceRecord, ...] = ()
    decisions: tuple[Recognition, ...] = ()
    settings_notes: Mapping[str, str] = field(default_factory=dict)  # the legal choices made by settings, for the site
    inputs: str = ""  # a digest of everything the folder is made from (`hoctap.pipeline.inputs_digest`)


def _atomic_write(path: Path, content: bytes) -> bool:
    """Replace `path` only when its bytes change; True when written. A reader never sees half a file."""
    try:
        if path.read_bytes() == content:
            return False
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


def _json_bytes(doc: Any) -> bytes:
    """Compact UTF-8 JSON, every string in NFC. orjson writes a national year's 50 MB in a tenth of
    `json.dumps`'s time; its bytes are `json.dumps(doc, ensure_ascii=False, separators=(",", ":"))`'s but for
    the spelling of very small floats (1e-7, not 1e-07), which every JSON reader reads as the same number.

    Cells are cleaned to NFC when read, but not every string comes from a cell (settings, file and tab names):
    the whole document is checked once, so a reader that trusts the year's stamp need not check again."""
    return _json_written(doc)[0]


def _json_written(doc: Any) -> tuple[bytes, Any]:
    """`_json_bytes`, and the document those bytes read back as (the NFC copy when one was needed)."""
    raw = orjson.dumps(doc)
    if raw.isascii() or _is_nfc(raw):
        return raw, doc
    clean = nfc_all(doc)
    return orjson.dumps(clean), clean


def _is_nfc(raw: bytes, piece: int = 1 << 20) -> bool:
    """Whether UTF-8 JSON is in NFC, read a megabyte at a time: a national year's 56 MB held as one str would
    be 112 MB more, in each of the two processes writing years at once (`two_processes.in_two`). Each piece
    ends before a quote, a character no mark composes with: the pieces are in NFC exactly when the whole is."""
    start = 0
    while start < len(raw):
        end = raw.find(b'"', start + piece)
        end = len(raw) if end < 0 else end
        if not unicodedata.is_normalized("NFC", raw[start:end].decode("utf-8")):
            return False
        start = end
    return True


def _authority_json(a: Authority) -> dict[str, str]:
    return {"province": a.province, "receiving_body": a.receiving_body, "recognising_authority": a.recognising_authority,
            "governing_body": a.governing_body, "place": a.place, "note": a.note}


def _listed(section: str, entries: Iterator[dict[str, Any]]) -> Any:
    return list(entries)


def year_document(report: ScoreReport, year: int, registry: Registry, rubrics: Rubrics, info: PublicationInfo,
                  section: Callable[[str, Iterator[dict[str, Any]]], Any] = _listed) -> dict[str, Any]:
    """The year's document; `section(name, entries)` makes each of its `year_stamps.SECTIONS` from its entries
    as they are made (a list; `_year_files`: their bytes)."""
    one = report.for_year(year)
    target = info.cdht_target(year)
    rubric = rubrics.for_year(year)
    deadline = report.deadlines.get(year)
    units = {u.id: u for u in registry.units}
    return {
        "contract": CONTRACT_VERSION,
        "year": year,
        "rubric": rubric.id if rubric else None,
        "method": rubric.method if rubric else None,
        "deadline": {"before": deadline.before.isoformat(), "citation": deadline.citation} if deadline else None,
        "cdht_target": {"share": number(target[0]), "by_year": target[1]} if target else None,
        "authority": _authority_json(info.authority(year)),
        "counts": one.counts(),
        "results": section("results", (row_to_json(r) for r in one.results)),
        "rejected": section("rejected", (rejected_to_json(r) for r in one.rejected)),
        "status": section("status", (
            {"unit_id": s.unit_id, "name": units[s.unit_id].name, "group": units[s.unit_id].group, "status": s.status,
             "submitted": s.submitted.isoformat() if s.submitted else None}
            for s in one.statuses)),
    }


def _unit_json(u: Unit) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "short_name": u.short_name, "group": u.group, "level": u.level,
            "reviewing_body": u.reviewing_body, "first_year": u.first_year, "last_year": u.last_year, "cap": u.cap,
            "loai": u.loai, "cong_lap": u.cong_lap, "successor": u.successor}


def write_results_folder(report: ScoreReport, registry: Registry, rubrics: Rubrics, target: Path,
                         info: PublicationInfo, year_keys: Mapping[int, str] | None = None, *,
                         reuse: bool = True, verify: bool = False, kept: Collection[int] = (),
                         ) -> tuple[list[Path], dict[str, int]]:
    """Write the folder; files whose content did not change keep their bytes and time. Returns what changed,
    and the folder's counts (the kept years' included).

    `year_keys` (`hoctap.pipeline.year_inputs`): each year's files are stamped with the key they were written
    from, their digests and counts, and with `reuse` a year whose stamp matches is not serialised again: its
    files are already those bytes. `verify` serialises it anyway and raises if the bytes differ (a key that
    missed an input). The stamps also tell `recorded_inputs` that no file was changed since.

    `kept` (`kept_years`): years left out of `report` because their stamp matches their key: their files stay
    as they are, and the folder's counts take theirs from the stamps.
    """
    with collector_paused():  # a national year's rows, checks and their JSON are millions of small objects
        return _write_results_folder(report, registry, rubrics, target, info, year_keys, reuse=reuse, verify=verify,
                                     kept=kept)


def kept_years(target: Path, year_keys: Mapping[int, str] | None, needed: Callable[[int], Collection[int]],
               ) -> dict[int, dict[str, int]]:
    """The years a build need not score again, with their counts: their stamp matches their key, and no year
    that is scored again reads them (`needed(y)`: the other years y's results read, the previous one for the
    change in points; a year read is scored whole, so what it reads is scored too)."""
    keys = year_keys or {}
    recorded = {y: c for y, k in keys.items() if (c := year_stamps.kept_counts(target, y, k)) is not None}
    scored = {y for y in keys if y not in recorded}
    frontier = list(scored)
    while frontier:
        for other in needed(frontier.pop()):
            if other in recorded and other not in scored:
                scored.add(other)
                frontier.append(other)
    return {y: c for y, c in recorded.items() if y not in scored}


def _write_results_folder(report: ScoreReport, registry: Registry, rubrics: Rubrics, target: Path,
                          info: PublicationInfo, year_keys: Mapping[int, str] | None, *,
                          reuse: bool, verify: bool, kept: Collection[int]) -> tuple[list[Path], dict[str, int]]:
    def key(year: int) -> str:
        return (year_keys or {}).get(year) or year_stamps.NO_KEY

    target.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    counts = report.counts()
    for year in kept:
        found = year_stamps.kept_counts(target, year, key(year))
        if found is None or year in report.years:
            raise ResultsError(f"Tệp kết quả năm {year} đã bị thay đổi trong lúc đánh giá: hãy chạy lại.")
        year_stamps.refresh(target, year)
        counts = {k: counts[k] + found[k] for k in counts}
    years = sorted({*report.years, *kept})
    to_write: list[int] = []
    for year in report.years:
        if reuse and year_stamps.matches(target, year, key(year)):
            if verify:
                _verify_year(report, year, registry, rubrics, info, target)
            year_stamps.refresh(target, year)
        else:
            to_write.append(year)

    def write_year(year: int) -> list[Path]:
        """The year's files, stamp and unit digests; the files whose bytes changed."""
        year_stamps.unstamp(target, year)
        *contents, digests = _year_files(report, year, registry, rubrics, info)
        written = [path for path, content in zip(year_stamps.year_files(target, year), contents, strict=True)
                   if _atomic_write(path, content)]
        del contents
        stamp = year_stamps.stamp(target, year, key(year), report.for_year(year).counts())
        _atomic_write(year_stamps.stamp_path(target, year), stamp.encode())
        units = year_stamps.units_record(target, year, digests)
        if units is not None:
            _atomic_write(year_stamps.units_path(target, year), units)
        return written

    rows = Counter(report.results.years.tolist())  # no row made here: each is made by the process writing its year
    changed += in_two(to_write, write_year, lambda y: rows[y] + 1)  # the years of a --full build, on both cores
    for stale in target.glob("ket-qua-*.*"):
        stem = stale.stem.removeprefix("ket-qua-")
        if stem.isdigit() and int(stem) not in years:
            stale.unlink()
            changed.append(stale)
    year_stamps.prune(target, years)
    index = {
        "contract": CONTRACT_VERSION,
        "sample": info.sample,
        "generated": info.generated.isoformat(timespec="seconds"),
        "years": years,
        "latest_year": years[-1] if years else None,
        "units": [_unit_json(u) for u in registry.units],
        "groups": list(registry.groups),
        "counts": counts,
        "rejected_no_year": [rejected_to_json(r) for r in report.rejected if r.year is None],
        "decisions": [recognition_to_json(d) for d in info.decisions],
        "sources": [s.__dict__ for s in info.sources],
        "settings_notes": dict(info.settings_notes),
        "inputs": info.inputs,
    }
    index_path = target / "index.json"
    if not changed and _same_data(index, index_path):
        return changed, counts  # nothing new: the folder keeps its date (and the site its pages)
    if _atomic_write(index_path, json.dumps(index, ensure_ascii=False, indent=1).encode("utf-8")):
        changed.append(index_path)
    return changed, counts


def _year_files(report: ScoreReport, year: int, registry: Registry, rubrics: Rubrics,
                info: PublicationInfo) -> tuple[bytes, bytes, dict[str, str]]:
    """The year's JSON document, its public CSV table, and the `year_stamps.unit_digests` of those bytes.

    The bytes are `_json_bytes` of `year_document`'s, made a section at a time: each entry is serialised (in
    NFC) as soon as it is made, appended to its section's bytes and dropped, and serves the unit digests on the
    way. A national Thông tư 24/2023 year's entries held as dictionaries, then as ten thousand separate bytes,
    kept some 100 MB more in each of the two processes writing years at once (`two_processes.in_two`)."""
    parts = year_stamps.UnitParts()

    def serialised(name: str, entries: Iterator[dict[str, Any]]) -> orjson.Fragment:
        out = bytearray(b"[")
        for made in entries:
            raw, entry = _json_written(made)
            parts.add(name, entry, raw)
            if len(out) > 1:
                out += b","
            out += raw
        out += b"]"
        return orjson.Fragment(bytes(out))

    doc = year_document(report, year, registry, rubrics, info, serialised)
    # The settings' texts are not cells: in NFC too (the same objects when they were already).
    doc.update(_json_written({k: v for k, v in doc.items() if k not in year_stamps.SECTIONS})[1])
    return orjson.dumps(doc), csv_lines(report.for_year(year).results, rubric_columns(rubrics.for_year(year))), \
        parts.digests()


def _verify_year(report: ScoreReport, year: int, registry: Registry, rubrics: Rubrics, info: PublicationInfo,
                 target: Path) -> None:
    kept = tuple(path.read_bytes() for path in year_stamps.year_files(target, year))
    if kept != _year_files(report, year, registry, rubrics, info)[:2]:
        raise ResultsError(f"Kết quả năm {year} được giữ lại nhưng khác bản tính mới (khóa thiếu một đầu vào).")


def verify_kept(report: ScoreReport, kept: Mapping[int, Mapping[str, int]], registry: Registry, rubrics: Rubrics,
                target: Path, info: PublicationInfo) -> None:
    """`report` (every year scored) says of each kept year what its files and stamp say, or `ResultsError`."""
    for year, counts in kept.items():
        _verify_year(report, year, registry, rubrics, info, target)
        if report.for_year(year).counts() != dict(counts):
            raise ResultsError(f"Số phiếu năm {year} được giữ lại khác bản tính mới (khóa thiếu một đầu vào).")


def recorded_inputs(folder: Path) -> tuple[str, Mapping[str, int]] | None:
    """The inputs digest and counts the folder's index records, when the folder is whole (every year's files
    as their stamp says hoctap wrote them); else None."""
    try:
        index = json.loads((folder / "index.json").read_bytes())
        years = [int(y) for y in index["years"]]
        counts = {str(k): int(v) for k, v in index["counts"].items()}
        inputs = str(index.get("inputs") or "")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if index.get("contract") != CONTRACT_VERSION or not all(year_stamps.intact(folder, y) for y in years):
        return None
    return inputs, counts


def _same_data(index: dict[str, Any], path: Path) -> bool:
    """The index says what the folder's index says, but for when it was written and when each source was read."""
    try:
        before = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False

    def timeless(doc: dict[str, Any]) -> dict[str, Any]:
        sources = [{k: v for k, v in s.items() if k != "time"} for s in doc.get("sources", []) if isinstance(s, dict)]
        return {**{k: v for k, v in doc.items() if k != "generated"}, "sources": sources}

    return isinstance(before, dict) and timeless(before) == timeless(index)
