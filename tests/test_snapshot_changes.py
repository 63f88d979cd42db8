"""The scheduled job's commit message names the unit-years a pull changed.

`intake.snapshot_compare` finds them (submissions compared by value, the
status cell and hoctap's own cells left out), `hoctap.snapshot_changes`
words them, and `hoctap snapshot-changes` prints them for publish.yml.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import hoctap

from hoctap import snapshot_changes
from intake.errors import IntakeError
from intake.sheets_pull import submissions_from_snapshot
from intake.snapshot_compare import UnitChange, changes, compare_submissions, parse_index
from intake.snapshots import SnapshotArchive, origin_of
from intake.tab_layouts import tab_layout
from scoring.levels_rubric import LevelsRubric
from scoring.registry import Registry
from scoring.rubric import default_rubrics

SID = "1SnapshotChangesTest"
ORIGIN = origin_of(SID)
WHEN = datetime(2026, 1, 20, 2, 15, tzinfo=UTC)
MET = {"yes-no": "Đạt", "digital": "Tốt", "share": 95, "cdht": 95}  # Thông tư 24/2023: per kind of chỉ tiêu
POINTS = 5  # Thông tư 22/2020: every indicator's maximum is at least 5

Tab = tuple[str, list[list[Any]]]


@pytest.fixture
def tab(bundled_registry: Registry) -> Any:
    def make(unit_id: str, year: int, values: dict[str, Any] | None = None, *, status: str = "Chưa kiểm tra.",
             evidence: dict[str, str] | None = None, title: str | None = None, **header: Any) -> Tab:
        """A unit tab as the Sheets API returns it: the template's cells plus what the unit typed."""
        rubric = default_rubrics().require(year)
        unit = next(u for u in bundled_registry.active(year) if u.id == unit_id)
        layout = tab_layout(rubric, unit, year, "ngày 15/01")
        family = layout.family
        cells: dict[tuple[int, int], Any] = {(c.row, c.col): c.value for c in layout.cells
                                             if c.value is not None and not c.formula}
        if isinstance(rubric, LevelsRubric):
            cset = rubric.set_for_cap(unit.cap or "")
            assert cset is not None
            typed = {i.id: MET[i.kind] for i in cset.indicators if i.id in layout.indicator_rows}
        else:
            typed = dict.fromkeys(layout.indicator_rows, POINTS)
        for ind, value in {**typed, **(values or {})}.items():
            row = layout.indicator_rows[ind]
            cells[(row, family.col_value)] = value
            cells[(row, family.col_evidence)] = (evidence or {}).get(ind, f"https://minhchung.example/{unit_id}/{ind}")
        for key, value in {"so_thanh_vien": 100, **header}.items():
            cells[_rc(layout.header_cell(key))] = value
        cells[_rc(layout.status_cell)] = status
        rows = max(r for r, _ in cells)
        grid = [[cells.get((r, c), "") for c in range(1, family.n_cols + 1)] for r in range(1, rows + 1)]
        return title or layout.title, grid

    return make


def _rc(address: str) -> tuple[int, int]:
    letters = address.rstrip("0123456789")
    return int(address[len(letters):]), ord(letters) - ord("A") + 1


def document(*tabs: Tab) -> bytes:
    doc = {"spreadsheet_id": SID, "title": "Đánh giá", "tabs": [{"title": t, "values": v} for t, v in tabs]}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()


def pull(archive: SnapshotArchive, *tabs: Tab) -> str:
    """Archive a pull; return the index as it was before (what the workflow reads with `git show`)."""
    before = archive.index.read_text(encoding="utf-8") if archive.index.exists() else ""
    archive.archive(ORIGIN, "sheets-json", document(*tabs), rows=len(tabs), when=WHEN)
    return before


@pytest.fixture
def archive(tmp_path: Path) -> SnapshotArchive:
    return SnapshotArchive(tmp_path / "snapshots")


# --- the message ---------------------------------------------------------------------------------

def test_a_first_pull_lists_every_submitted_unit_as_new(archive: SnapshotArchive, tab: Any) -> None:
    before = pull(archive, tab("tn-so-y-te", 2025), tab("tn-so-tu-phap", 2025))
    message = snapshot_changes.describe(archive.root, before)
    subject, blank, *body = message.splitlines()
    assert subject == "Dữ liệu năm 2025: 2 đơn vị thay đổi (tn-so-tu-phap, tn-so-y-te)"
    assert blank == ""
    assert body[0] == f"bảng tính Google {SID}: {archive.entries()[-1].file}, 2 phiếu (bản lưu đầu tiên)."
    assert body[1:] == ["Năm 2025:", "- tn-so-tu-phap (Sở Tư pháp TN): phiếu mới", "- tn-so-y-te (Sở Y tế TN): phiếu mới"]
    assert message.endswith("\n")


def test_an_edit_names_only_that_unit_and_status_cells_are_not_data(archive: SnapshotArchive, tab: Any) -> None:
    pull(archive, tab("tn-so-y-te", 2025), tab("tn-so-tu-phap", 2025))
    first = archive.entries()[-1]
    before = pull(
        archive,
        tab("tn-so-y-te", 2025, status="Hợp lệ — đạt mức độ 1 (tự đánh giá)."),  # written back by hoctap
        tab("tn-so-tu-phap", 2025, {"2.1": 80}),
    )
    message = snapshot_changes.describe(archive.root, before)
    assert message.splitlines()[0] == "Dữ liệu năm 2025: 1 đơn vị thay đổi (tn-so-tu-phap)"
    assert "- tn-so-tu-phap (Sở Tư pháp TN): phiếu đã sửa" in message
    assert "tn-so-y-te" not in message
    assert f"trước đó {first.file}" in message


@pytest.mark.parametrize("edit", ["evidence", "header", "council"])
def test_every_cell_a_unit_or_the_council_types_is_data(archive: SnapshotArchive, tab: Any, edit: str) -> None:
    pull(archive, tab("tn-so-y-te", 2025))
    if edit == "evidence":
        changed = tab("tn-so-y-te", 2025, evidence={"1.1": "https://minhchung.example/moi.pdf"})
    elif edit == "header":
        changed = tab("tn-so-y-te", 2025, ngay_gui="08/01/2026")
    else:
        changed = tab("tn-so-y-te", 2025, hd_ly_do="Chỉ tiêu 2.1 chưa đủ minh chứng.")
    message = snapshot_changes.describe(archive.root, pull(archive, changed))
    assert message.splitlines()[0] == "Dữ liệu năm 2025: 1 đơn vị thay đổi (tn-so-y-te)", message


def test_a_status_only_change_says_so(archive: SnapshotArchive, tab: Any) -> None:
    pull(archive, tab("tn-so-y-te", 2025))
    before = pull(archive, tab("tn-so-y-te", 2025, status="Hợp lệ — đạt mức độ 1 (tự đánh giá)."))
    message = snapshot_changes.describe(archive.root, before)
    assert message.startswith("Dữ liệu: bản lưu mới, không phiếu nào thay đổi (chỉ ô trạng thái hoặc bố cục)\n\n")
    assert "Không phiếu nào thay đổi giá trị" in message


def test_cells_hoctap_writes_itself_are_layout_not_data(archive: SnapshotArchive, tab: Any) -> None:
    """The template run again after the registry renamed a unit rewrites its name: the unit typed nothing."""
    pull(archive, tab("tn-so-y-te", 2025))
    before = pull(archive, tab("tn-so-y-te", 2025, ten_don_vi="Sở Y tế tỉnh Tây Ninh (tên mới)",
                               phan_loai="Bộ tiêu chí cấp tỉnh; Cơ quan"))
    message = snapshot_changes.describe(archive.root, before)
    assert message.startswith("Dữ liệu: bản lưu mới, không phiếu nào thay đổi"), message


def test_a_cleared_tab_is_a_removed_submission_and_years_are_all_named(archive: SnapshotArchive, tab: Any) -> None:
    # One spreadsheet holding a Thông tư 22/2020 tab (points, 2023) and a Thông tư 24/2023 one (levels, 2025).
    pull(archive, tab("tn-so-y-te", 2025), tab("so-tu-phap", 2023))
    before = pull(archive, tab("tn-so-y-te", 2025, {"1.1": "Không đạt"}), ("Sở Tư pháp", []))
    message = snapshot_changes.describe(archive.root, before)
    assert message.splitlines()[0] == "Dữ liệu năm 2023, 2025: 2 đơn vị thay đổi (so-tu-phap, tn-so-y-te)"
    assert "Năm 2023:\n- so-tu-phap (Sở Tư pháp): phiếu không còn trong bảng tính\n" in message
    assert "Năm 2025:\n- tn-so-y-te (Sở Y tế TN): phiếu đã sửa\n" in message


def test_the_subject_names_three_units_and_the_body_all(archive: SnapshotArchive, tab: Any) -> None:
    units = ["tn-so-y-te", "tn-so-tu-phap", "tn-so-noi-vu", "tn-vp-tinh-uy"]
    before = pull(archive, *(tab(u, 2025) for u in units))
    message = snapshot_changes.describe(archive.root, before)
    assert message.splitlines()[0] == "Dữ liệu năm 2025: 4 đơn vị thay đổi (tn-so-noi-vu, tn-so-tu-phap, tn-so-y-te, …)"
    assert all(f"- {u} (" in message for u in units)


def test_an_unchanged_archive_and_a_file_source(archive: SnapshotArchive, tab: Any) -> None:
    pull(archive, tab("tn-so-y-te", 2025))
    same = archive.index.read_text(encoding="utf-8")
    assert snapshot_changes.describe(archive.root, same) == "Dữ liệu: không có bản lưu mới\n"
    archive.archive("ket-qua-2024.csv", "csv", b"ma_don_vi,nam\n", rows=0, when=WHEN)
    message = snapshot_changes.describe(archive.root, same)
    assert message.startswith("Dữ liệu: bản lưu mới của tệp ket-qua-2024.csv\n\n")
    assert "tệp ket-qua-2024.csv: " in message and "0 phiếu (bản lưu đầu tiên)" in message


# --- the library ---------------------------------------------------------------------------------

def test_submissions_are_compared_by_value_not_by_place(archive: SnapshotArchive, tab: Any) -> None:
    """A renamed tab, and a year read as 2025.0, hold the same submission."""
    title, grid = tab("tn-so-y-te", 2025)
    moved = [[2025.0 if v == 2025 else v for v in line] for line in grid]
    assert document((title, moved)) != document((title, grid))
    pull(archive, (title, grid))
    first = submissions_from_snapshot(archive, archive.entries()[-1])
    pull(archive, ("Sở Y tế (cũ)", moved))
    second = submissions_from_snapshot(archive, archive.entries()[-1])
    assert first[0].origin != second[0].origin
    assert compare_submissions(first, second) == []
    assert compare_submissions([], second) == [UnitChange("2025", "tn-so-y-te", "Sở Y tế (cũ)", "mới")]
    assert compare_submissions(first, []) == [UnitChange("2025", "tn-so-y-te", title, "xóa")]


def test_changes_compare_each_origin_with_its_own_previous_snapshot(archive: SnapshotArchive, tab: Any) -> None:
    before = pull(archive, tab("tn-so-y-te", 2025))
    archive.archive("ket-qua-2024.csv", "csv", b"ma_don_vi,nam\n", rows=0, when=WHEN)
    (google, csv) = changes(archive, parse_index(before))
    assert google.origin == ORIGIN and google.previous is None and google.compared
    assert google.units == (UnitChange("2025", "tn-so-y-te", "Sở Y tế TN", "mới"),)
    assert csv.origin == "ket-qua-2024.csv" and not csv.compared and csv.units == ()
    assert changes(archive, archive.entries()) == []


def test_the_previous_index_is_read_line_by_line(archive: SnapshotArchive, tab: Any) -> None:
    pull(archive, tab("tn-so-y-te", 2025))
    text = archive.index.read_text(encoding="utf-8")
    assert parse_index("") == [] and parse_index("\n  \n") == []
    assert parse_index("\n" + text + "\n") == archive.entries()
    with pytest.raises(IntakeError, match=r"index.jsonl, dòng 2: không phải một bản ghi bản lưu hợp lệ"):
        parse_index(text + '{"sha256": "abc"}\n')  # a record missing its fields
    with pytest.raises(IntakeError, match=r"dòng 1"):
        parse_index("{not json\n")


# --- the command ---------------------------------------------------------------------------------

def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_command_prints_the_message_for_the_projects_archive(tmp_path: Path, tab: Any) -> None:
    project = tmp_path / "du-an"
    (project / "ghi-chu").mkdir(parents=True)
    (project / "hoctap.toml").write_text('snapshot_dir = "ban-luu"\n', encoding="utf-8")
    archive = SnapshotArchive(project / "ban-luu")
    before = pull(archive, tab("tn-so-y-te", 2025), tab("tn-so-tu-phap", 2025))
    previous = tmp_path / "previous-index.jsonl"
    previous.write_text(before, encoding="utf-8")
    files = files_of(project)

    done = hoctap("snapshot-changes", "--previous-index", str(previous), cwd=project / "ghi-chu")  # found upwards
    assert done.returncode == 0, done.stderr
    assert done.stdout == snapshot_changes.describe(archive.root, before)
    assert done.stdout.startswith("Dữ liệu năm 2025: 2 đơn vị thay đổi (tn-so-tu-phap, tn-so-y-te)\n\n")
    assert done.stderr == ""
    assert files_of(project) == files  # reading writes nothing into the project

    previous.write_text(archive.index.read_text(encoding="utf-8"), encoding="utf-8")
    done = hoctap("snapshot-changes", "--previous-index", str(previous), cwd=project)
    assert (done.returncode, done.stdout) == (0, "Dữ liệu: không có bản lưu mới\n")


def test_the_command_reads_the_default_archive_and_an_absent_previous_index_means_none(
    tmp_path: Path, tab: Any,
) -> None:
    (tmp_path / "hoctap.toml").write_text("", encoding="utf-8")
    archive = SnapshotArchive(tmp_path / "content" / "data" / "snapshots")
    pull(archive, tab("tn-so-y-te", 2025))
    # `--help` says so: a previous index that does not exist (or is empty) lists no snapshot.
    done = hoctap("snapshot-changes", "--previous-index", str(tmp_path / "khong-co.jsonl"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Dữ liệu năm 2025: 1 đơn vị thay đổi (tn-so-y-te)\n\n")
    assert "bản lưu đầu tiên" in done.stdout


@pytest.mark.parametrize("damage", ["not json", "not utf-8", "a folder"])
def test_a_damaged_previous_index_is_one_vietnamese_line_and_exit_1(tmp_path: Path, tab: Any, damage: str) -> None:
    (tmp_path / "hoctap.toml").write_text('snapshot_dir = "snapshots"\n', encoding="utf-8")
    pull(SnapshotArchive(tmp_path / "snapshots"), tab("tn-so-y-te", 2025))
    previous = tmp_path / "previous-index.jsonl"
    if damage == "not json":
        previous.write_text("{not json\n", encoding="utf-8")
        expected = "hoctap: lỗi: index.jsonl, dòng 1: không phải một bản ghi bản lưu hợp lệ."
    elif damage == "not utf-8":
        previous.write_bytes(b'{"sha256": "\xff"}\n')
        expected = f"hoctap: lỗi: Không đọc được {previous}"
    else:
        previous.mkdir()
        expected = f"hoctap: lỗi: Không đọc được {previous}"
    done = hoctap("snapshot-changes", "--previous-index", str(previous), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(expected) and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_needs_the_previous_index(tmp_path: Path) -> None:
    done = hoctap("snapshot-changes", cwd=tmp_path)
    assert done.returncode == 2 and "--previous-index" in done.stderr
