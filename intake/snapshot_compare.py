"""What a new snapshot changed: the unit-years added, edited or gone between two reads of a source.

The comparison is between each origin's latest snapshot before a pull (as
listed by a previous `index.jsonl`) and its latest snapshot now. Submissions
are compared by what units and reviewers type, by value only; the status
cell and the layout (including the header cells hoctap writes itself: the
unit's name, its set and type) are not submissions, so a snapshot that changed
only those lists no unit.
`hoctap.snapshot_changes` turns the result into the scheduled job's commit message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from intake.errors import IntakeError
from intake.snapshots import Snapshot, SnapshotArchive, parse_entries
from intake.tab_layouts import FAMILIES
from scoring.canonical import RawCell, Submission

Kind = Literal["mới", "sửa", "xóa"]
# Header cells hoctap writes and locks (the template rewrites them when the registry renames a unit).
WRITTEN_BY_HOCTAP = frozenset(f.key for family in FAMILIES for f in family.header_fields if f.editor is None)


@dataclass(frozen=True)
class UnitChange:
    year: str
    unit_id: str
    name: str  # the tab title (the unit's short name), or the unit id
    kind: Kind


@dataclass(frozen=True)
class OriginChange:
    origin: str
    new: Snapshot
    previous: Snapshot | None
    units: tuple[UnitChange, ...]
    compared: bool  # False when the snapshot's kind cannot be read back into submissions


def parse_index(text: str) -> list[Snapshot]:
    """The snapshots a previous `index.jsonl` listed, in order (a blank or missing index lists none).

    Strict where the archive itself is lenient: a commit message built from a damaged previous index would
    name the wrong changes, so the first damaged line stops the command.
    """
    out, warnings = parse_entries(text, "index.jsonl")
    if warnings:
        raise IntakeError(warnings[0].replace(", đã bỏ qua.", "."))
    return out


def _plain(value: Any) -> str:
    """A cell value as text for comparison and display: 2025.0 and 2025 are the same year."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _fingerprint(sub: Submission) -> tuple[Any, ...]:
    """Everything a unit or its reviewer typed, without the places the values came from."""

    def values(cells: Mapping[str, RawCell]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, _plain(c.value)) for k, c in cells.items()))

    return (
        values({k: c for k, c in sub.fields.items() if k not in WRITTEN_BY_HOCTAP}),
        values(sub.indicators),
        values(sub.verified),
        values(sub.council),
        values(sub.evidence),
        tuple(_plain(c.value) for c in sub.unknown_columns),
    )


def _by_key(subs: Sequence[Submission]) -> dict[tuple[str, str], Submission]:
    return {(_plain(s.year.value), _plain(s.unit.value)): s for s in subs}


def _name(sub: Submission) -> str:
    return sub.origin.tab or _plain(sub.unit.value)


def compare_submissions(before: Sequence[Submission], after: Sequence[Submission]) -> list[UnitChange]:
    """Unit-years added, edited or gone between two reads of a source, sorted by year then unit."""
    old, new = _by_key(before), _by_key(after)
    out: list[UnitChange] = []
    for key in sorted(set(old) | set(new)):
        year, unit = key
        if key not in old:
            out.append(UnitChange(year, unit, _name(new[key]), "mới"))
        elif key not in new:
            out.append(UnitChange(year, unit, _name(old[key]), "xóa"))
        elif _fingerprint(old[key]) != _fingerprint(new[key]):
            out.append(UnitChange(year, unit, _name(new[key]), "sửa"))
    return out


def _submissions(archive: SnapshotArchive, snapshot: Snapshot) -> list[Submission] | None:
    if snapshot.kind != "sheets-json":
        return None
    from intake import sheets_pull  # gspread is only imported when a Google snapshot is compared

    return sheets_pull.submissions_from_snapshot(archive, snapshot)


def changes(archive: SnapshotArchive, previous: Sequence[Snapshot]) -> list[OriginChange]:
    """Per origin whose latest snapshot is not the one it had before, what changed."""
    before = {s.origin: s for s in previous}  # later lines win: the latest per origin
    now = {s.origin: s for s in archive.entries()}
    out: list[OriginChange] = []
    for origin, latest in now.items():
        old = before.get(origin)
        if old is not None and old.sha256 == latest.sha256:
            continue
        after_subs = _submissions(archive, latest)
        before_subs = _submissions(archive, old) if old is not None else []
        if after_subs is None or before_subs is None:
            out.append(OriginChange(origin, latest, old, (), compared=False))
            continue
        units = tuple(compare_submissions(before_subs, after_subs))
        out.append(OriginChange(origin, latest, old, units, compared=True))
    return out
