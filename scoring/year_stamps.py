"""The stamp of each year's files in the results folder: the inputs they were written from and their digests.

`.ket-qua-<year>.key` holds the year's key (`hoctap.pipeline.year_inputs`, or
"-" when there is none) and the digest of `ket-qua-<year>.json` and
`ket-qua-<year>.csv`. It is written after both files and removed before either
is replaced, so it never vouches for a half-written year; a file changed by
anything but hoctap no longer matches it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

NO_KEY = "-"  # a year written without a key: stamped for `intact`, never reused by key


def year_files(folder: Path, year: int) -> tuple[Path, Path]:
    """The year's JSON document and its public CSV table."""
    return folder / f"ket-qua-{year}.json", folder / f"ket-qua-{year}.csv"


def stamp_path(folder: Path, year: int) -> Path:
    return folder / f".ket-qua-{year}.key"


def _stamp(key: str, folder: Path, year: int) -> str | None:
    try:
        digests = [hashlib.blake2b(f.read_bytes(), digest_size=20).hexdigest() for f in year_files(folder, year)]
    except OSError:
        return None
    return " ".join([key, *digests])


def _recorded(folder: Path, year: int) -> str | None:
    try:
        return stamp_path(folder, year).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def matches(folder: Path, year: int, key: str) -> bool:
    """The year's files were written from `key` and are still those bytes."""
    recorded = _recorded(folder, year)
    return key != NO_KEY and recorded is not None and recorded == _stamp(key, folder, year)


def intact(folder: Path, year: int) -> bool:
    """The year's files are the bytes its stamp records, whatever key they were written from."""
    recorded = _recorded(folder, year)
    key = recorded.split(" ", 1)[0] if recorded else ""
    return bool(key) and recorded == _stamp(key, folder, year)


def unstamp(folder: Path, year: int) -> None:
    """Before the year's files are replaced."""
    stamp_path(folder, year).unlink(missing_ok=True)


def stamp(folder: Path, year: int, key: str) -> str:
    """After both files are written: the stamp's text (empty, matching nothing, when a file cannot be read)."""
    return _stamp(key, folder, year) or ""


def prune(folder: Path, years: list[int]) -> None:
    """Remove the stamps of years the folder no longer has."""
    for stale in folder.glob(".ket-qua-*.key"):
        stem = stale.name.removeprefix(".ket-qua-").removesuffix(".key")
        if not stem.isdigit() or int(stem) not in years:
            stale.unlink()
