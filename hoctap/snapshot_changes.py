"""The scheduled job's commit message: which unit-years a new snapshot changed, in words.

When a pull adds a snapshot, the workflow commits it with a message naming
the unit-years whose cells changed, so the git history reads as an audit
trail ("Năm 2026: tn-so-y-te (Sở Y tế TN): phiếu đã sửa"). `hoctap snapshot-changes` prints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from intake.snapshot_compare import Kind, OriginChange, UnitChange, changes, parse_index
from intake.snapshots import SnapshotArchive

SUBJECT_UNITS = 3  # unit ids named in the subject line; the body lists them all
KIND_TEXT: dict[Kind, str] = {"mới": "phiếu mới", "sửa": "phiếu đã sửa", "xóa": "phiếu không còn trong bảng tính"}


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
