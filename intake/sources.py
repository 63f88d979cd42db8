"""Where submissions come from: a file, or a folder of files. Reading never writes.

Each file read is hashed (SHA-256) so every published figure can be traced to
the exact bytes scored; nothing is archived here. Only a pull from Google
Sheets adds to the snapshot archive (`intake.sheets_pull`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from intake.csv_reader import read_csv
from intake.errors import IntakeError
from intake.xlsx_reader import read_workbook
from scoring.canonical import Submission
from scoring.results_folder import SourceRecord
from scoring.wide_table import Submissions

READERS: dict[str, Callable[[bytes, str], Sequence[Submission]]] = {".csv": read_csv, ".xlsx": read_workbook}
# Spreadsheets hoctap does not read: in a folder of sources one of these is an agency's report in the wrong
# format, so the run stops and says so rather than leaving it out.
REFUSED = {".xls": "Excel 97–2003", ".xlsm": "Excel có macro", ".xlsb": "Excel nhị phân", ".ods": "LibreOffice",
           ".numbers": "Numbers", ".tsv": "TSV"}


@dataclass
class Collected:
    submissions: Submissions = field(default_factory=Submissions)
    sources: list[SourceRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in a folder that are not sources

    def read(self, file: SourceFile, when: datetime) -> Sequence[Submission]:
        """Read `file`: its rows and its record are added; its rows are returned."""
        subs = file.read()
        self.sources.append(file.record(when, len(subs)))
        self.submissions.extend(subs)
        return subs

    def extend(self, other: Collected) -> None:
        self.submissions.extend(other.submissions)
        self.sources.extend(other.sources)
        self.skipped.extend(other.skipped)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    raise IntakeError(f"Không tìm thấy nguồn dữ liệu {path}.")


@dataclass(frozen=True)
class SourceFile:
    """One source's bytes, hashed but not yet read as submissions: a rebuild reads only the sources holding a
    year it scores again (`hoctap.source_years`)."""

    origin: str
    kind: str  # the reader's: "csv" or "xlsx"
    content: bytes
    sha256: str

    def read(self) -> Sequence[Submission]:
        return READERS[f".{self.kind}"](self.content, self.origin)

    def record(self, when: datetime, rows: int) -> SourceRecord:
        return SourceRecord(self.sha256, self.origin, self.kind, when.isoformat(timespec="seconds"), rows)


def source_files(path: Path, skipped: list[str]) -> Iterator[SourceFile]:
    """The source files of `path` (a file, or a folder of them), in reading order, one at a time (a national
    folder's files need not all be held at once); the folder's other files, which are not sources, go to
    `skipped`. A spreadsheet hoctap does not read stops the run."""
    for file in _files(path):
        suffix = file.suffix.lower()
        if suffix not in READERS:
            if path.is_file() or suffix in REFUSED:
                kind = f" (tệp {REFUSED[suffix]})" if suffix in REFUSED else ""
                raise IntakeError(f"{file.name}{kind}: chỉ đọc được tệp .xlsx hoặc .csv; hãy lưu lại thành .xlsx "
                                  "(Excel: Tệp → Lưu thành → Sổ làm việc Excel) rồi chạy lại.")
            skipped.append(file.relative_to(path).as_posix())
            continue
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise IntakeError(f"Không đọc được {file}: {exc.strerror or exc}.") from None
        origin = file.name if path.is_file() else file.relative_to(path).as_posix()
        yield SourceFile(origin, suffix.lstrip("."), content, hashlib.sha256(content).hexdigest())


def read_source(path: Path, when: datetime) -> Collected:
    """An agency workbook, a wide CSV, or a folder holding any number of them."""
    out = Collected()
    for file in source_files(path, out.skipped):
        out.read(file, when)
    return out
