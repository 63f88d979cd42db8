"""Where submissions come from: a file, a folder of files, or a Google spreadsheet's snapshot.

Every source read is archived first (`intake.snapshots`), then parsed from
those exact bytes, so what was scored is what was archived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from intake.csv_reader import read_csv
from intake.errors import IntakeError
from intake.snapshots import Snapshot, SnapshotArchive
from intake.xlsx_reader import read_workbook
from scoring.canonical import Submission

READERS = {".csv": read_csv, ".xlsx": read_workbook}


@dataclass
class Collected:
    submissions: list[Submission] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in a folder that are not sources

    def extend(self, other: Collected) -> None:
        self.submissions.extend(other.submissions)
        self.snapshots.extend(other.snapshots)
        self.skipped.extend(other.skipped)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    raise IntakeError(f"Không tìm thấy nguồn dữ liệu {path}.")


def read_source(path: Path, archive: SnapshotArchive | None) -> Collected:
    """An agency workbook, a wide CSV, or a folder holding any number of them."""
    out = Collected()
    for file in _files(path):
        reader = READERS.get(file.suffix.lower())
        if reader is None:
            if path.is_file():
                raise IntakeError(f"{file.name}: chỉ đọc được tệp .xlsx hoặc .csv.")
            out.skipped.append(file.name)
            continue
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise IntakeError(f"Không đọc được {file}: {exc}") from exc
        subs = reader(content, file.name)
        if archive is not None:
            origin = file.name if path.is_file() else file.relative_to(path).as_posix()
            out.snapshots.append(archive.archive(origin, file.suffix.lower().lstrip("."), content, len(subs)))
        out.submissions.extend(subs)
    return out
