"""`intake.snapshot_diff`: the scheduled job's commit message names the unit-years a pull changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake import snapshot_diff
from intake.layout import STATUS_CELL, build_layout, header_cell
from intake.snapshots import SnapshotArchive
from scoring.registry import load_registry
from scoring.rubric import rubric_for_year

SID = "1SnapshotDiffTest"
ORIGIN = f"google:{SID}"
POINTS = {"1.1": 10, "1.2": 9.5, "1.3": 9, "2.1": 9, "2.2": 5, "2.3": 9, "2.4": 4.5, "3.1": 23, "3.2": 9, "3.3": 5}


def grid(unit_id: str, year: int, points: dict[str, Any], status: str = "Chưa kiểm tra.") -> tuple[str, list[list[Any]]]:
    """A unit tab as the Sheets API returns it: the template's cells plus what the unit typed."""
    unit = next(u for u in load_registry().active(year) if u.id == unit_id)
    layout = build_layout(rubric_for_year(year), unit, year, "ngày 31/01")
    cells: dict[tuple[int, int], Any] = {(c.row, c.col): c.value for c in layout.cells if c.value is not None}
    for ind, value in points.items():
        cells[(layout.indicator_rows[ind], 4)] = value
    cells[(int(header_cell("so_thanh_vien")[1:]), 4)] = 100
    cells[(int(STATUS_CELL[1:]), 4)] = status
    rows = max(r for r, _ in cells)
    values = [[cells.get((r, c), "") for c in range(1, 8)] for r in range(1, rows + 1)]
    return layout.title, values


def document(*tabs: tuple[str, list[list[Any]]]) -> bytes:
    doc = {"spreadsheet_id": SID, "title": "Đánh giá", "tabs": [{"title": t, "values": v} for t, v in tabs]}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()


def pull(archive: SnapshotArchive, *tabs: tuple[str, list[list[Any]]]) -> str:
    """Archive a pull; return the index as it was before (what the workflow reads with `git show`)."""
    before = archive.index.read_text(encoding="utf-8") if archive.index.exists() else ""
    archive.archive(ORIGIN, "sheets-json", document(*tabs), rows=len(tabs))
    return before


@pytest.fixture
def archive(tmp_path: Path) -> SnapshotArchive:
    return SnapshotArchive(tmp_path / "snapshots")


def test_a_first_pull_lists_every_submitted_unit_as_new(archive: SnapshotArchive) -> None:
    before = pull(archive, grid("so-y-te", 2025, POINTS), grid("so-tu-phap", 2025, POINTS))
    message = snapshot_diff.describe(archive.root, before)
    subject, blank, *body = message.splitlines()
    assert subject == "Dữ liệu năm 2025: 2 đơn vị thay đổi (so-tu-phap, so-y-te)"
    assert blank == ""
    assert "bản lưu đầu tiên" in body[0] and "2 phiếu" in body[0]
    assert body[1:] == ["Năm 2025:", "- so-tu-phap (Sở Tư pháp): phiếu mới", "- so-y-te (Sở Y tế): phiếu mới"]


def test_an_edit_names_only_that_unit_and_status_cells_are_not_data(archive: SnapshotArchive) -> None:
    pull(archive, grid("so-y-te", 2025, POINTS), grid("so-tu-phap", 2025, POINTS))
    first = archive.entries()[-1]
    before = pull(
        archive,
        grid("so-y-te", 2025, POINTS, status="Hợp lệ — 92 điểm"),  # written back by hoctap
        grid("so-tu-phap", 2025, {**POINTS, "3.1": 20}),
    )
    message = snapshot_diff.describe(archive.root, before)
    assert message.splitlines()[0] == "Dữ liệu năm 2025: 1 đơn vị thay đổi (so-tu-phap)"
    assert "- so-tu-phap (Sở Tư pháp): phiếu đã sửa" in message
    assert "so-y-te" not in message
    assert f"trước đó {first.file}" in message


def test_a_status_only_change_says_so(archive: SnapshotArchive) -> None:
    pull(archive, grid("so-y-te", 2025, POINTS))
    before = pull(archive, grid("so-y-te", 2025, POINTS, status="Hợp lệ — 92 điểm"))
    message = snapshot_diff.describe(archive.root, before)
    assert message.startswith("Dữ liệu: bản lưu mới, không phiếu nào thay đổi")
    assert "Không phiếu nào thay đổi giá trị" in message


def test_a_cleared_tab_is_a_removed_submission_and_years_are_all_named(archive: SnapshotArchive) -> None:
    pull(archive, grid("so-y-te", 2025, POINTS), grid("so-tu-phap", 2024, POINTS))
    before = pull(archive, grid("so-y-te", 2025, {**POINTS, "1.1": 8}), ("Sở Tư pháp", []))
    message = snapshot_diff.describe(archive.root, before)
    assert message.splitlines()[0] == "Dữ liệu năm 2024, 2025: 2 đơn vị thay đổi (so-tu-phap, so-y-te)"
    assert "Năm 2024:\n- so-tu-phap (Sở Tư pháp): phiếu không còn trong bảng tính" in message
    assert "Năm 2025:\n- so-y-te (Sở Y tế): phiếu đã sửa" in message


def test_the_subject_names_three_units_and_the_body_all(archive: SnapshotArchive) -> None:
    units = ["so-y-te", "so-tu-phap", "so-noi-vu", "vp-tinh-uy"]
    before = pull(archive, *(grid(u, 2025, POINTS) for u in units))
    message = snapshot_diff.describe(archive.root, before)
    assert message.splitlines()[0] == "Dữ liệu năm 2025: 4 đơn vị thay đổi (so-noi-vu, so-tu-phap, so-y-te, …)"
    assert all(f"- {u} (" in message for u in units)


def test_an_unchanged_archive_and_a_file_source(archive: SnapshotArchive) -> None:
    pull(archive, grid("so-y-te", 2025, POINTS))
    same = archive.index.read_text(encoding="utf-8")
    assert snapshot_diff.describe(archive.root, same) == "Dữ liệu: không có bản lưu mới\n"
    archive.archive("ket-qua-2024.csv", "csv", b"ma_don_vi,nam\n", rows=0)
    message = snapshot_diff.describe(archive.root, same)
    assert message.startswith("Dữ liệu: bản lưu mới của tệp ket-qua-2024.csv")


def test_the_command_line(archive: SnapshotArchive, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pull(archive, grid("so-y-te", 2025, POINTS))
    missing = tmp_path / "no-previous-index.jsonl"
    assert snapshot_diff.main(["--previous-index", str(missing), "--snapshot-dir", str(archive.root)]) == 0
    assert capsys.readouterr().out.startswith("Dữ liệu năm 2025: 1 đơn vị thay đổi (so-y-te)\n\n")
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    assert snapshot_diff.main(["--previous-index", str(broken), "--snapshot-dir", str(archive.root)]) == 1
    assert "index.jsonl, dòng 1" in capsys.readouterr().err
