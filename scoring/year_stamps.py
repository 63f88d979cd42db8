"""The stamp of each year's files in the results folder: the inputs they were written from and their digests.

`.ket-qua-<year>.key` holds the year's key (`hoctap.pipeline.year_inputs`, or
"-" when there is none), the digest of `ket-qua-<year>.json` and
`ket-qua-<year>.csv`, each file's size and modification time, and the year's
counts (read, scored, rejected: what a build that keeps the year reports). It is
written after both files and removed before either is replaced, so it never
vouches for a half-written year; a file changed by anything but hoctap no
longer matches it. A file whose size and time are still those recorded is
taken to hold the recorded bytes, as the site's build cache takes its pages:
a national year is 50 MB, and every build asks every year.

`.ket-qua-<year>.units` keeps, beside it, each unit's digest of what the
year's document says about it (`unit_digests`: the site keys every unit's page
on them). It names the digest of the document it was made from, so it is
believed only for those bytes; the site's loader otherwise makes them again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

NO_KEY = "-"  # a year written without a key: stamped for `intact`, never reused by key
COUNTS = ("read", "scored", "rejected")


def year_files(folder: Path, year: int) -> tuple[Path, Path]:
    """The year's JSON document and its public CSV table."""
    return folder / f"ket-qua-{year}.json", folder / f"ket-qua-{year}.csv"


def stamp_path(folder: Path, year: int) -> Path:
    return folder / f".ket-qua-{year}.key"


def units_path(folder: Path, year: int) -> Path:
    return folder / f".ket-qua-{year}.units"


def digest(raw: bytes) -> str:
    """A file's digest, as the stamp records it."""
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


SECTIONS = ("results", "rejected", "status")  # the parts of a year's document that speak of units


def unit_digests(doc: Mapping[str, Any]) -> dict[str, str]:
    """Per unit, a digest of everything a year's document says about it (result, rejections, status)."""
    parts = UnitParts()
    for section in SECTIONS:
        for entry in doc.get(section) or ():
            if isinstance(entry, dict):
                parts.add(section, entry, orjson.dumps(entry))
    return parts.digests()


class UnitParts:
    """What a year's document says about each unit, entry by entry, hashed as `unit_digests` hashes it: the
    results writer adds each entry's bytes as it serialises them, and need not serialise the document twice
    nor keep the entries' bytes."""

    def __init__(self) -> None:
        self._hashes: dict[str, Any] = {}

    def add(self, section: str, entry: Mapping[str, Any], raw: bytes) -> None:
        """`entry` of `section`, serialised as `raw` (a unit's entries joined by a newline, in document order)."""
        unit_id = entry.get("unit_id")
        if isinstance(unit_id, str):
            h = self._hashes.get(unit_id)
            if h is None:
                h = self._hashes[unit_id] = hashlib.blake2b(digest_size=16)
            else:
                h.update(b"\n")
            h.update(section.encode())
            h.update(raw)

    def digests(self) -> dict[str, str]:
        return {k: h.hexdigest() for k, h in self._hashes.items()}


def units_record(folder: Path, year: int, units: Mapping[str, str]) -> bytes | None:
    """What `units_path` keeps: the year's `unit_digests` and the digest of the document its stamp (just
    written) vouches for; None when nothing vouches for it (the loader then makes the digests)."""
    recorded = _recorded(folder, year)
    return None if recorded is None else orjson.dumps({"json": recorded[1], "units": units})


def recorded_units(folder: Path, year: int, json_digest: str) -> dict[str, str] | None:
    """The year's kept `unit_digests` when they were made from the document whose digest is `json_digest`."""
    try:
        doc = orjson.loads(units_path(folder, year).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(doc, dict) or doc.get("json") != json_digest or not isinstance(units := doc.get("units"), dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in units.items()):
        return None
    return units


def written_years(folder: Path) -> list[int]:
    """The years the folder has a document for."""
    stems = (path.name.removeprefix("ket-qua-").removesuffix(".json") for path in folder.glob("ket-qua-*.json"))
    return sorted(int(stem) for stem in stems if stem.isdigit())


def year_state(folder: Path, year: int) -> tuple[tuple[int, int, int, int] | None, ...]:
    """Where each file a reader of the year reads stands on disk (None: missing). hoctap never writes one in
    place (a new file is renamed over it), so a file whose state did not move still holds the bytes read."""
    out: list[tuple[int, int, int, int] | None] = []
    for path in (*year_files(folder, year), stamp_path(folder, year), units_path(folder, year)):
        try:
            st = path.stat()
        except OSError:
            out.append(None)
        else:
            out.append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(out)


def _stat(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _stamp(key: str, folder: Path, year: int, counts: Mapping[str, int]) -> str | None:
    try:
        files = year_files(folder, year)
        stats = [_stat(f) for f in files]  # before the bytes: a write in between then fails the next check
        sums = [digest(f.read_bytes()) for f in files]
    except OSError:
        return None
    return " ".join([key, *sums, *stats, ",".join(str(int(counts[k])) for k in COUNTS)])


def _recorded(folder: Path, year: int) -> list[str] | None:
    """The stamp's fields (key, two digests, two size:time, the counts) when it has them all."""
    try:
        fields = stamp_path(folder, year).read_text(encoding="utf-8").split(" ")
    except (OSError, ValueError):
        return None
    return fields if len(fields) == 6 and fields[0] else None


def digests(folder: Path, year: int) -> tuple[str, str] | None:
    """The digests of the year's JSON and CSV as its stamp records them, when the files are still those bytes."""
    recorded = _recorded(folder, year)
    if recorded is None:
        return None
    files = year_files(folder, year)
    try:
        same = [_stat(f) for f in files] == recorded[3:5]
        if not same:
            same = [hashlib.blake2b(f.read_bytes(), digest_size=20).hexdigest() for f in files] == recorded[1:3]
    except OSError:
        return None
    return (recorded[1], recorded[2]) if same else None


def matches(folder: Path, year: int, key: str) -> bool:
    """The year's files were written from `key` and are still those bytes."""
    return kept_counts(folder, year, key) is not None


def kept_counts(folder: Path, year: int, key: str) -> dict[str, int] | None:
    """The year's counts when its files were written from `key` and are still those bytes, else None."""
    recorded = _recorded(folder, year)
    if key == NO_KEY or recorded is None or recorded[0] != key or digests(folder, year) is None:
        return None
    numbers = recorded[5].split(",")
    if len(numbers) != len(COUNTS) or not all(n.isdigit() for n in numbers):
        return None
    return dict(zip(COUNTS, map(int, numbers), strict=True))


def intact(folder: Path, year: int) -> bool:
    """The year's files are the bytes its stamp records, whatever key they were written from."""
    return digests(folder, year) is not None


def unstamp(folder: Path, year: int) -> None:
    """Before the year's files are replaced."""
    stamp_path(folder, year).unlink(missing_ok=True)
    units_path(folder, year).unlink(missing_ok=True)


def refresh(folder: Path, year: int) -> None:
    """Record the files' size and time again when only they moved (a copy, a `touch`), so that the next
    build does not hash the year again."""
    recorded = _recorded(folder, year)
    if recorded is None:
        return
    try:
        stats = [_stat(f) for f in year_files(folder, year)]  # before `digests` reads the bytes, as `_stamp` does
    except OSError:
        return
    if stats != recorded[3:5] and digests(folder, year) is not None:
        tmp = stamp_path(folder, year).with_suffix(".tmp")
        tmp.write_text(" ".join([*recorded[:3], *stats, recorded[5]]), encoding="utf-8")
        tmp.replace(stamp_path(folder, year))


def stamp(folder: Path, year: int, key: str, counts: Mapping[str, int]) -> str:
    """After both files are written: the stamp's text (empty, matching nothing, when a file cannot be read)."""
    return _stamp(key, folder, year, counts) or ""


def prune(folder: Path, years: list[int]) -> None:
    """Remove the stamps (and kept unit digests) of years the folder no longer has."""
    for stale in [*folder.glob(".ket-qua-*.key"), *folder.glob(".ket-qua-*.units")]:
        stem = stale.name.removeprefix(".ket-qua-").rpartition(".")[0]
        if not stem.isdigit() or int(stem) not in years:
            stale.unlink()
    for left in folder.glob(".ket-qua-*.tmp"):  # a stamp's refresh cut short
        left.unlink(missing_ok=True)


def recorded_digests(folder: Path) -> dict[Path, str]:
    """Every year file of the folder whose stamp vouches for it, with its digest (see `digests`)."""
    out: dict[Path, str] = {}
    for stamp_file in folder.glob(".ket-qua-*.key"):
        stem = stamp_file.name.removeprefix(".ket-qua-").removesuffix(".key")
        if stem.isdigit() and (found := digests(folder, int(stem))) is not None:
            out.update(zip(year_files(folder, int(stem)), found, strict=True))
    return out
