"""The downloads written by their own process (`hoctap_pages.downloads_process`) while the pages are rendered.

The process is told what the build read of each year and reads a year's rows
from the results folder only when a file must be made from them: its files and
listing must be those `write_downloads` makes from the build's own results,
and a year that changed after the build read it must stop the build, not be
published beside pages made from other figures.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SmallSite
from support import ROOT_REPO

sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
import hoctap_pages.downloads_process as process
from hoctap_pages.build_cache import BuildCache
from hoctap_pages.downloads import write_downloads
from hoctap_pages.downloads_process import DownloadsError, DownloadsProcess, spec
from hoctap_pages.site_data import SiteData
from scoring.published import load_results_folder


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data(small_site: SmallSite) -> SiteData:
    return SiteData(load_results_folder(small_site.project / ".hoctap" / "ket-qua"))


def written_apart(told: dict[str, Any], cache: BuildCache | None = None) -> dict[str, Any]:
    files = DownloadsProcess()
    files.send(told, cache)
    return files.result()


def test_the_process_writes_the_files_and_listing_the_build_would(data: SiteData, tmp_path: Path) -> None:
    here, apart = tmp_path / "trong", tmp_path / "rieng"
    here.mkdir()
    apart.mkdir()
    listing = write_downloads(data, here, BuildCache(output=here, previous=None), "goc")
    cache = BuildCache(output=apart, previous=None)
    assert written_apart(spec(data, apart, {}, "goc"), cache) == listing
    assert tree(apart) == tree(here)
    assert len(data.years) >= 3 and len(tree(apart)) >= 3 * len(data.years)
    # What the process told its own cache is the build's cache's now: the next build reuses the files.
    made = sorted(f"du-lieu/{name}" for name in tree(apart / "du-lieu") if name != "datapackage.json")  # always new
    assert sorted(cache.new) == made
    assert {k for k in cache.extra if k.startswith("du-lieu:")} == {"du-lieu:all", *(f"du-lieu:{y}" for y in data.years)}


def test_the_process_reads_each_year_it_writes_once_and_holds_one_at_a_time(
        data: SiteData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    real = process.load_year

    def counted(folder: Path, year: int) -> Any:
        assert len(read) == 0 or read[-1] != year  # never read twice in a row: the year is held
        read.append(year)
        return real(folder, year)

    monkeypatch.setattr(process, "load_year", counted)
    process.run(spec(data, tmp_path, {}, "goc"))
    assert sorted(read) == sorted(data.years)  # each once, newest first
    assert read == sorted(read, reverse=True)


def test_a_year_changed_after_the_build_read_it_stops_the_build_in_vietnamese(data: SiteData, tmp_path: Path) -> None:
    told = spec(data, tmp_path, {}, "goc")
    told["years"][-1]["sha"] = "0" * 40  # what the build read is not what the folder holds now
    with pytest.raises(DownloadsError, match=f"Kết quả năm {told['years'][-1]['year']} đã thay đổi"):
        written_apart(told)


def test_a_process_that_dies_fails_the_build_and_one_aborted_stops_at_once(data: SiteData, tmp_path: Path) -> None:
    files = DownloadsProcess()
    files.proc.kill()
    files.send(spec(data, tmp_path, {}, "goc"), None)
    with pytest.raises(DownloadsError, match=r"Không ghi được các tệp tải về \(du-lieu/\): tiến trình dừng đột ngột"):
        files.result()
    files = DownloadsProcess()
    files.send(blocked_spec(data, tmp_path), None)  # busy with a year's rows, as a national build's is for seconds
    files.abort()  # the build failed meanwhile
    assert files.proc.returncode == -signal.SIGKILL
    assert not list((tmp_path / "ra").rglob("*.csv"))


def blocked_spec(data: SiteData, tmp_path: Path) -> dict[str, Any]:
    """A spec whose newest year (the first it reads) is a pipe nobody writes: the process waits there."""
    told = spec(data, tmp_path / "ra", {}, "goc")
    copy = tmp_path / "ket-qua"
    shutil.copytree(told["folder"], copy)
    newest = copy / f"ket-qua-{max(data.years)}.json"
    newest.unlink()
    os.mkfifo(newest)
    told["folder"] = str(copy)
    return told


def test_a_results_folder_that_cannot_be_read_is_named(data: SiteData, tmp_path: Path) -> None:
    told = spec(data, tmp_path, {}, "goc")
    copy = tmp_path / "ket-qua"
    shutil.copytree(told["folder"], copy)
    (copy / f"ket-qua-{told['years'][-1]['year']}.json").write_text("{", encoding="utf-8")
    told["folder"] = str(copy)
    with pytest.raises(DownloadsError, match="ket-qua-"):
        written_apart(told)


def test_the_year_read_while_the_build_reads_is_the_newest_one_changed_and_is_not_read_again(
        data: SiteData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "lan-1"
    first.mkdir()
    cache = BuildCache(output=first, previous=None)
    written_apart(spec(data, first, {}, "goc"), cache)
    manifest = tmp_path / "manifest.json"
    cache.write_manifest(manifest)
    settings = {"HOCTAP_PREVIOUS_OUTPUT": str(first), "HOCTAP_BUILD_MANIFEST": str(manifest),
                "HOCTAP_BUILD_MANIFEST_OUT": str(tmp_path / "moi.json")}
    folder = Path(spec(data, first, {}, "goc")["folder"])
    # Every year's files were made from these very data.
    assert process.first_needed(folder, BuildCache.from_settings(settings, folder)) is None

    newest = max(data.years)
    doc = json.loads(cache.extra[f"du-lieu:{newest}"])
    cache.extra[f"du-lieu:{newest}"] = json.dumps({**doc, "data": ["khac", "khac"]})  # made from other data
    cache.write_manifest(manifest)
    held = process.first_needed(folder, BuildCache.from_settings(settings, folder))
    assert held is not None and held.year == newest

    read: list[int] = []
    real = process.load_year
    monkeypatch.setattr(process, "load_year", lambda f, y: read.append(y) or real(f, y))
    second = tmp_path / "lan-2"
    second.mkdir()
    told = spec(data, second, settings, "goc-2")  # another base: every file is made again
    listing = written_apart(spec(data, tmp_path / "lan-3", {}, "goc-2"))
    assert process.run(told, [held])["listing"] == listing
    assert newest not in read and sorted(read) == sorted(set(data.years) - {newest})

    # The same through the process: told the folder is ready, then what to write.
    fourth = tmp_path / "lan-4"
    fourth.mkdir()
    files = DownloadsProcess()
    files.ready(folder, fourth, settings)
    files.send(spec(data, fourth, settings, "goc-2"), None)
    assert files.result() == listing
    assert tree(fourth / "du-lieu") == tree(second / "du-lieu")


def test_an_older_year_read_early_stays_held_while_the_newer_years_files_are_kept(
        data: SiteData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corrected older year: the newer years' files are kept (their rows never read, each released), and the
    older year read while the build read is the one written, not read again."""
    first = tmp_path / "lan-1"
    first.mkdir()
    cache = BuildCache(output=first, previous=None)
    written_apart(spec(data, first, {}, "goc"), cache)
    oldest = min(data.years)
    doc = json.loads(cache.extra[f"du-lieu:{oldest}"])
    # As a correction leaves it: the previous files of that year were made from other data, under another key.
    cache.extra[f"du-lieu:{oldest}"] = json.dumps({**doc, "key": "khac", "data": ["khac", "khac"]})
    manifest = tmp_path / "manifest.json"
    cache.write_manifest(manifest)
    second = tmp_path / "lan-2"
    second.mkdir()
    settings = {"HOCTAP_PREVIOUS_OUTPUT": str(first), "HOCTAP_BUILD_MANIFEST": str(manifest),
                "HOCTAP_BUILD_MANIFEST_OUT": str(tmp_path / "moi.json")}
    told = spec(data, second, settings, "goc")
    held = process.first_needed(Path(told["folder"]), BuildCache.from_settings(settings, second))
    assert held is not None and held.year == oldest

    read: list[int] = []
    real = process.load_year
    monkeypatch.setattr(process, "load_year", lambda f, y: read.append(y) or real(f, y))
    assert process.run(told, [held])["listing"] == written_apart(spec(data, tmp_path / "lan-3", {}, "goc"))
    assert read == []
    assert tree(second / "du-lieu") == tree(first / "du-lieu")


HOLDER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from hoctap_pages.downloads_process import DownloadsProcess
from hoctap_pages.index_feeder import IndexFeeder
files = DownloadsProcess()
files.send(json.loads(sys.argv[3]), None)
helpers = [files, IndexFeeder(__import__("pathlib").Path(sys.argv[2]))]
print(" ".join(str(h.proc.pid) for h in helpers), flush=True)
time.sleep(600)
"""


def test_the_helper_processes_die_with_a_build_that_is_killed(data: SiteData, tmp_path: Path) -> None:
    """`hoctap build` kills a Pelican it gives up on, and nothing of it runs then: its helpers must not go on
    (the downloads process, busy and no longer reading its input, would write into a staging folder being
    deleted)."""
    told = blocked_spec(data, tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(ROOT_REPO / "site" / "plugins"), str(tmp_path),
                               json.dumps(told)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    pids = [int(p) for p in holder.stdout.readline().split()]
    assert len(pids) == 2 and all(alive(p) for p in pids)
    holder.kill()
    holder.wait()
    deadline = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in pids)


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead and not yet reaped by init, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
