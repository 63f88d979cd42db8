"""The append-only archive of every raw source read.

Each snapshot is the source's bytes stored under their SHA-256, plus one line
in `index.jsonl` (time, origin, kind, row count), so any published figure can
be traced back to the exact input. Reading an unchanged source adds nothing:
the same origin with the same hash as its latest snapshot is the same snapshot.
The latest snapshot of an origin is the "last good pull": a failed pull never
replaces it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from intake.errors import IntakeError


@dataclass(frozen=True)
class Snapshot:
    sha256: str
    origin: str  # a source file's name, or "google:<spreadsheet id>"
    kind: str  # "xlsx", "csv" or "sheets-json"
    file: str  # name inside the archive
    time: str  # ISO 8601, UTC
    rows: int  # submissions (unit-years) the source held
    new: bool = True  # False when the read matched the latest snapshot of that origin


def origin_of(spreadsheet_id: str) -> str:
    """The archive's name for a Google spreadsheet."""
    return f"google:{spreadsheet_id}"


class SnapshotArchive:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.index = root / "index.jsonl"

    def entries(self) -> list[Snapshot]:
        if not self.index.exists():
            return []
        out = []
        for line in self.index.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(Snapshot(**json.loads(line), new=False))
        return out

    def latest(self, origin: str) -> Snapshot | None:
        matches = [e for e in self.entries() if e.origin == origin]
        return matches[-1] if matches else None

    def path(self, snapshot: Snapshot) -> Path:
        return self.root / snapshot.file

    def read(self, snapshot: Snapshot) -> bytes:
        try:
            return self.path(snapshot).read_bytes()
        except OSError as exc:
            raise IntakeError(f"Không đọc được bản lưu {snapshot.file}: {exc}") from exc

    def archive(self, origin: str, kind: str, content: bytes, rows: int, when: datetime) -> Snapshot:
        digest = hashlib.sha256(content).hexdigest()
        latest = self.latest(origin)
        if latest is not None and latest.sha256 == digest:
            return latest
        suffix = {"sheets-json": "json"}.get(kind, kind)
        name = f"{digest[:16]}.{suffix}"
        snap = Snapshot(
            sha256=digest,
            origin=origin,
            kind=kind,
            file=name,
            time=when.astimezone(UTC).isoformat(timespec="seconds"),
            rows=rows,
        )
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            target = self.root / name
            if not target.exists():
                tmp = target.with_suffix(".tmp")
                tmp.write_bytes(content)
                tmp.replace(target)
            record = {k: v for k, v in asdict(snap).items() if k != "new"}
            with self.index.open("a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise IntakeError(f"Không lưu được bản lưu dữ liệu vào {self.root}: {exc}") from exc
        return snap

