"""Hostile and careless spreadsheets, through real gspread and the local Sheets API: odd tab titles, hidden and
renamed tabs, titles differing only in case, contacts typed into the tab, a pull killed midway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sheets_server import Fault, SheetsServer, set_up
from support import PINNED_EPOCH

from hoctap import pipeline
from hoctap.project import Project
from intake.sheets_pull import current_statuses, pull, range_tab, submissions_from_snapshot
from intake.sheets_setup import MAX_BATCH_BYTES
from intake.snapshots import SnapshotArchive
from intake.writeback import write_back
from scoring.wide_table import Submissions

SID = "1HostileSpreadsheet_0123456789abcdefghijkl"
WHEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
CONTACT = "0276 3822 000, vanthu.rieng@tayninh.example"


def rename(server: SheetsServer, old: str, new: str) -> None:
    server.books[SID].sheet(old).title = new


@pytest.mark.parametrize("a1", ["'Sở Y tế!'!A1:Z9", "'Sở ''Y'' tế'!D16", "'a!b!c'", "Tab!A1", "Tab"])
def test_a1_ranges_give_back_their_sheet_name(a1: str) -> None:
    expected = {"'Sở Y tế!'!A1:Z9": "Sở Y tế!", "'Sở ''Y'' tế'!D16": "Sở 'Y' tế", "'a!b!c'": "a!b!c", "Tab!A1": "Tab",
                "Tab": "Tab"}
    assert range_tab(a1) == expected[a1]


def test_tab_titles_with_bang_and_quotes_are_pulled_and_written_back(sheets_server: SheetsServer,
                                                                     sheets_project: Project) -> None:
    sheets_server.create(SID)
    _, template = set_up(SID, sheets_project, 2023, units=("so-y-te", "so-tu-phap"))
    for unit, odd in (("so-y-te", "Sở Y tế (bản 2)!"), ("so-tu-phap", "Sở 'Tư' pháp")):
        rename(sheets_server, template.layout(unit).title, odd)
        sheets_server.type_values(SID, odd, "D7", [[30]])
    archive = SnapshotArchive(sheets_project.path("snapshot_dir"))
    snap = pull(SID, archive, when=WHEN)
    subs = submissions_from_snapshot(archive, snap)
    assert sorted(s.origin.tab or "" for s in subs) == ["Sở 'Tư' pháp", "Sở Y tế (bản 2)!"]
    current = current_statuses(archive, snap)
    report = write_back(SID, {"Sở Y tế (bản 2)!": "Hợp lệ.", "Sở 'Tư' pháp": "Chưa hợp lệ."}, current=current)
    assert report.written == ["Sở Y tế (bản 2)!", "Sở 'Tư' pháp"]
    assert sheets_server.value(SID, "Sở 'Tư' pháp", "D16") == "Chưa hợp lệ."


def test_a_tab_renamed_between_pull_and_write_back_does_not_stop_the_others(sheets_server: SheetsServer,
                                                                             sheets_project: Project) -> None:
    sheets_server.create(SID)
    _, template = set_up(SID, sheets_project, 2026, units=("tn-so-y-te", "tn-so-tu-phap"))
    archive = SnapshotArchive(sheets_project.path("snapshot_dir"))
    current = current_statuses(archive, pull(SID, archive, when=WHEN))
    health, justice = template.layout("tn-so-y-te").title, template.layout("tn-so-tu-phap").title
    rename(sheets_server, health, "Sở Y tế (đổi tên)")
    report = write_back(SID, {health: "Hợp lệ.", justice: "Hợp lệ."}, current=current)
    assert report.gone == [health] and report.written == [justice]
    assert sheets_server.value(SID, justice, "D19") == "Hợp lệ."
    assert "đã đổi tên hoặc bị xóa" in report.summary()


def test_titles_differing_only_in_case_are_the_same_tab_as_for_google(sheets_server: SheetsServer,
                                                                      sheets_project: Project) -> None:
    sheets_server.create(SID)
    _, template = set_up(SID, sheets_project, 2026, units=("tn-so-y-te",))
    title = template.layout("tn-so-y-te").title
    rename(sheets_server, title, title.upper())
    sheets_server.reset_counts()
    set_up(SID, sheets_project, 2026, units=("tn-so-y-te",))  # repairs in place; never adds a clashing tab
    assert [s.title for s in sheets_server.books[SID].sheets].count(title.upper()) == 1
    assert title not in [s.title for s in sheets_server.books[SID].sheets]


def test_every_set_up_batch_is_under_the_limit_as_sent(sheets_server: SheetsServer, sheets_project: Project) -> None:
    sheets_server.create(SID)
    set_up(SID, sheets_project, 2026)
    sizes = [entry["bytes"] for entry in sheets_server.log if entry["kind"] == "spreadsheets.batchUpdate"]
    assert len(sizes) >= 2 and max(sizes) <= MAX_BATCH_BYTES


def test_a_hidden_tab_is_rejected_not_scored(sheets_server: SheetsServer, sheets_project: Project) -> None:
    sheets_server.create(SID)
    _, template = set_up(SID, sheets_project, 2023, units=("so-y-te", "so-tu-phap"))
    for unit in ("so-y-te", "so-tu-phap"):
        layout = template.layout(unit)
        for r in layout.indicator_rows.values():
            sheets_server.type_values(SID, layout.title, f"D{r}", [[5]])
    sheets_server.books[SID].sheet(template.layout("so-tu-phap").title).hidden = True
    archive = SnapshotArchive(sheets_project.path("snapshot_dir"))
    subs = submissions_from_snapshot(archive, pull(SID, archive, when=WHEN))
    intake = pipeline.Intake(pipeline.Collected(Submissions([subs])), sample=False, label="test")
    report = pipeline.score_intake(intake, sheets_project)
    assert [r.unit_id for r in report.results] == ["so-y-te"]
    assert [p.code for r in report.rejected for p in r.problems] == ["trang-an"]


def test_the_reporters_contact_never_reaches_the_archive(sheets_server: SheetsServer, sheets_project: Project) -> None:
    sheets_server.create(SID)
    _, template = set_up(SID, sheets_project, 2026, units=("tn-so-y-te",))
    layout = template.layout("tn-so-y-te")
    sheets_server.type_values(SID, layout.title, layout.header_cell("lien_he"), [[CONTACT]])
    sheets_server.type_values(SID, layout.title, layout.header_cell("nguoi_bao_cao"), [["Trần Thị Riêng"]])
    archive = SnapshotArchive(sheets_project.path("snapshot_dir"))
    snap = pull(SID, archive, when=WHEN)
    stored = archive.path(snap).read_text(encoding="utf-8")
    assert "vanthu.rieng" not in stored and "Trần Thị Riêng" not in stored and "0276" not in stored


def test_a_damaged_archive_index_keeps_its_good_entries(sheets_server: SheetsServer, sheets_project: Project) -> None:
    sheets_server.create(SID)
    set_up(SID, sheets_project, 2026, units=("tn-so-y-te",))
    archive = SnapshotArchive(sheets_project.path("snapshot_dir"))
    good = pull(SID, archive, when=WHEN)
    with archive.index.open("a", encoding="utf-8") as f:
        f.write('{"sha256": "cắt ngang\n')
    assert archive.latest(f"google:{SID}").sha256 == good.sha256  # type: ignore[union-attr]
    assert archive.warnings and "dòng 2" in archive.warnings[0]


def test_a_pull_killed_midway_leaves_the_last_good_snapshot(sheets_server: SheetsServer, sheets_project: Project) -> None:
    sheets_server.create(SID)
    set_up(SID, sheets_project, 2026, units=("tn-so-y-te",))
    archive = SnapshotArchive(sheets_project.path("snapshot_dir"))
    good = pull(SID, archive, when=WHEN)
    index_before = archive.index.read_bytes()
    sheets_server.inject(Fault(kind="slow", delay=30, endpoint="values.batchGet", times=None))
    env = {**os.environ, "SOURCE_DATE_EPOCH": PINNED_EPOCH}
    proc = subprocess.Popen([sys.executable, "-m", "hoctap", "pull", "--spreadsheet", SID], cwd=sheets_project.root,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(e["kind"] == "values.batchGet" for e in sheets_server.log[-3:]):
        time.sleep(0.05)
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert archive.index.read_bytes() == index_before
    assert archive.latest(f"google:{SID}").sha256 == good.sha256 and json.loads(archive.read(good))["tabs"]  # type: ignore[union-attr]
    assert not list(Path(archive.root).glob(".*.tmp"))
