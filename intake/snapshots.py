"""The append-only archive of every Google Sheets pull.

Each snapshot is the pull's bytes stored under their SHA-256, plus one line
in `index.jsonl` (time, origin, kind, row count), so any published figure can
be traced back to the exact input. An unchanged pull adds nothing: the same
origin with the same hash as its latest snapshot is the same snapshot. The
latest snapshot of an origin is the "last good pull": a failed pull never
replaces it.

The archive survives damage: a line of `index.jsonl` that is not a valid
record is skipped with a warning (the good entries stay usable), and a
snapshot whose bytes no longer match their hash is refused. Appends hold an
exclusive lock on the index, so two pulls never write duplicate entries.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from intake.errors import IntakeError

_FILE = re.compile(r"^[0-9a-f]{16}\.(json|csv|xlsx)$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
KINDS = ("sheets-json", "csv", "xlsx")


@dataclass(frozen=True)
class Snapshot:
    sha256: str
    origin: str  # "google:<spreadsheet id>" (older archives also hold files: their name)
    kind: str  # "sheets-json" (older archives: "xlsx", "csv")
    file: str  # name inside the archive
    time: str  # ISO 8601, UTC
    rows: int  # submissions (unit-years) the source held
    new: bool = True  # False when the read matched the latest snapshot of that origin


def origin_of(spreadsheet_id: str) -> str:
    """The archive's name for a Google spreadsheet."""
    return f"google:{spreadsheet_id}"


def _entry(record: object) -> Snapshot | None:
    """A record of the index if it has exactly the right fields and shapes, else None."""
    if not isinstance(record, dict) or set(record) != {"sha256", "origin", "kind", "file", "time", "rows"}:
        return None
    sha, origin, kind, name, time, rows = (record[k] for k in ("sha256", "origin", "kind", "file", "time", "rows"))
    if not (isinstance(sha, str) and _SHA.match(sha) and isinstance(name, str) and _FILE.match(name)
            and name.startswith(sha[:16]) and kind in KINDS and isinstance(origin, str) and origin
            and isinstance(time, str) and isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0):
        return None
    return Snapshot(sha, origin, kind, name, time, rows, new=False)


def parse_entries(text: str, where: str = "index.jsonl") -> tuple[list[Snapshot], list[str]]:
    """The snapshots an index text lists, in order, and one Vietnamese warning per damaged line skipped."""
    out: list[Snapshot] = []
    warnings: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = _entry(json.loads(line))
        except ValueError:
            entry = None
        if entry is None:
            warnings.append(f"{where}, dòng {number}: không phải một bản ghi bản lưu hợp lệ, đã bỏ qua.")
            continue
        out.append(entry)
    return out, warnings


@dataclass
class SnapshotArchive:
    root: Path
    warnings: list[str] = field(default_factory=list)  # damaged index lines skipped while reading

    @property
    def index(self) -> Path:
        return self.root / "index.jsonl"

    def entries(self) -> list[Snapshot]:
        try:
            text = self.index.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise IntakeError(f"Không đọc được {self.index}: {exc.strerror or exc}.") from None
        out, warnings = parse_entries(text, str(self.index))
        self.warnings = warnings
        return out

    def latest(self, origin: str) -> Snapshot | None:
        matches = [e for e in self.entries() if e.origin == origin]
        return matches[-1] if matches else None

    def path(self, snapshot: Snapshot) -> Path:
        return self.root / snapshot.file

    def read(self, snapshot: Snapshot) -> bytes:
        """The snapshot's bytes, refused when they no longer hash to the recorded SHA-256."""
        try:
            content = self.path(snapshot).read_bytes()
        except OSError as exc:
            raise IntakeError(f"Không đọc được bản lưu {snapshot.file}: {exc.strerror or exc}.") from None
        if hashlib.sha256(content).hexdigest() != snapshot.sha256:
            raise IntakeError(f"Bản lưu {snapshot.file} đã bị sửa hoặc hỏng (mã băm không khớp với index.jsonl).")
        return content

    def archive(self, origin: str, kind: str, content: bytes, rows: int, when: datetime) -> Snapshot:
        digest = hashlib.sha256(content).hexdigest()
        suffix = {"sheets-json": "json"}.get(kind, kind)
        name = f"{digest[:16]}.{suffix}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with self.index.open("a+b") as index:
                fcntl.flock(index, fcntl.LOCK_EX)  # held until the entry is written: one pull at a time
                latest = self.latest(origin)
                if latest is not None and latest.sha256 == digest:
                    return latest
                target = self.root / name
                if not target.exists():
                    tmp = target.with_name(f".{name}.{os.getpid()}.tmp")
                    tmp.write_bytes(content)
                    tmp.replace(target)
                snap = Snapshot(sha256=digest, origin=origin, kind=kind, file=name,
                                time=when.astimezone(UTC).isoformat(timespec="seconds"), rows=rows)
                end = index.seek(0, os.SEEK_END)
                if end > 0:
                    index.seek(end - 1)
                    if index.read(1) != b"\n":
                        index.write(b"\n")  # a previous append was cut short: start a fresh line
                record = {k: v for k, v in asdict(snap).items() if k != "new"}
                index.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
                index.flush()
                os.fsync(index.fileno())
        except OSError as exc:
            raise IntakeError(f"Không lưu được bản lưu dữ liệu vào {self.root}: {exc.strerror or exc}.") from None
        return snap
