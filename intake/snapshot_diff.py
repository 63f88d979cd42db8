"""What a new snapshot changed, in words: the commit message of the scheduled job.

The scheduled workflow pulls the spreadsheet, and when the archive gained a
snapshot it commits it with a message naming the unit-years whose cells
changed, so the git history reads as an audit trail ("năm 2025: so-y-te sửa").
The comparison is between each origin's latest snapshot before the pull (read
from the previous `index.jsonl`, which the workflow takes from `git show`)
and its latest snapshot now. Submissions are compared by their values only;
a change of the status cell or of the layout is reported as such, not hidden.

    python -m intake.snapshot_diff --previous-index OLD_INDEX [--snapshot-dir DIR]

prints the message (subject line, blank line, body) on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from intake.errors import IntakeError
from intake.snapshots import Snapshot, SnapshotArchive
from scoring.canonical import RawCell, Submission

Kind = Literal["mới", "sửa", "xóa"]
SUBJECT_UNITS = 3  # unit ids named in the subject line; the body lists them all
KIND_TEXT: dict[Kind, str] = {"mới": "phiếu mới", "sửa": "phiếu đã sửa", "xóa": "phiếu không còn trong bảng tính"}


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
    """The snapshots an `index.jsonl` text lists, in order (a blank or missing index lists none)."""
    out: list[Snapshot] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(Snapshot(**json.loads(line), new=False))
        except (ValueError, TypeError):
            raise IntakeError(f"index.jsonl, dòng {number}: không phải một bản ghi bản lưu hợp lệ.") from None
    return out


def _plain(value: Any) -> str:
    """A cell value as text for comparison and display: 2025.0 and 2025 are the same year."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _fingerprint(sub: Submission) -> tuple[Any, ...]:
    """Everything a unit typed, without the places the values came from."""

    def values(cells: Mapping[str, RawCell]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, _plain(c.value)) for k, c in cells.items()))

    return (
        values(sub.fields),
        values(sub.self_points),
        values(sub.verified_points),
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


def _origin_text(origin: str) -> str:
    if origin.startswith("google:"):
        return f"bảng tính Google {origin.removeprefix('google:')}"
    return f"tệp {origin}"


def _unit_text(u: UnitChange) -> str:
    return u.unit_id if u.name == u.unit_id else f"{u.unit_id} ({u.name})"


def _years(units: Sequence[UnitChange]) -> list[str]:
    return sorted({u.year for u in units})


def commit_message(found: Sequence[OriginChange]) -> str:
    """Subject (years and units changed), blank line, one body line per unit-year and per snapshot."""
    units = [u for c in found for u in c.units]
    if not found:
        return "Dữ liệu: không có bản lưu mới\n"
    if units:
        ids = list(dict.fromkeys(u.unit_id for u in units))
        shown = ", ".join(ids[:SUBJECT_UNITS]) + (", …" if len(ids) > SUBJECT_UNITS else "")
        subject = f"Dữ liệu năm {', '.join(_years(units))}: {len(ids)} đơn vị thay đổi ({shown})"
    elif all(c.compared for c in found):
        subject = "Dữ liệu: bản lưu mới, không phiếu nào thay đổi (chỉ ô trạng thái hoặc bố cục)"
    else:
        subject = "Dữ liệu: bản lưu mới của " + ", ".join(_origin_text(c.origin) for c in found)
    body: list[str] = []
    for c in found:
        prev = f"trước đó {c.previous.file}" if c.previous else "bản lưu đầu tiên"
        body.append(f"{_origin_text(c.origin)}: {c.new.file}, {c.new.rows} phiếu ({prev}).")
        for year in _years(c.units):
            body.append(f"Năm {year}:")
            body.extend(f"- {_unit_text(u)}: {KIND_TEXT[u.kind]}" for u in c.units if u.year == year)
        if c.compared and not c.units:
            body.append("Không phiếu nào thay đổi giá trị (chỉ ô trạng thái hoặc bố cục trang tính).")
    return subject + "\n\n" + "\n".join(body) + "\n"


def describe(snapshot_dir: Path, previous_index: str) -> str:
    """The commit message for the snapshots added to `snapshot_dir` since `previous_index`."""
    return commit_message(changes(SnapshotArchive(snapshot_dir), parse_index(previous_index)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m intake.snapshot_diff",
        description="In nội dung commit cho các bản lưu mới: đơn vị và năm đã thay đổi.",
    )
    parser.add_argument("--previous-index", type=Path, required=True,
                        help="index.jsonl trước lần lấy dữ liệu (tệp không tồn tại hoặc rỗng: chưa có bản lưu nào)")
    parser.add_argument("--snapshot-dir", type=Path, help="kho bản lưu (mặc định: snapshot_dir trong hoctap.toml)")
    args = parser.parse_args(argv)
    try:
        if args.snapshot_dir is None:
            from intake.settings import load_settings

            args.snapshot_dir = load_settings().path("snapshot_dir")
        previous = args.previous_index.read_text(encoding="utf-8") if args.previous_index.exists() else ""
        sys.stdout.write(describe(args.snapshot_dir, previous))
    except (IntakeError, OSError) as exc:
        print(f"snapshot_diff: lỗi: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
