"""The downloads written by their own process (`hoctap_pages.downloads_process`) while the pages are rendered.

The process is told what the build read of each year and reads a year's rows
from the results folder only when a file must be made from them: its files and
listing must be those `write_downloads` makes from the build's own results,
and a year that changed after the build read it must stop the build, not be
published beside pages made from other figures.
"""

from __future__ import annotations

import json
import shutil
import sys
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


def test_a_process_that_dies_fails_the_build_and_one_stopped_first_leaves_nothing(data: SiteData, tmp_path: Path) -> None:
    files = DownloadsProcess()
    files.proc.kill()
    files.send(spec(data, tmp_path, {}, "goc"), None)
    with pytest.raises(DownloadsError, match="Không ghi được các tệp tải về"):
        files.result()
    files = DownloadsProcess()
    files.abort()  # the build failed before it knew what to write
    assert files.proc.returncode is not None and not (tmp_path / "du-lieu").exists()


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
    assert process.first_needed(folder, settings) is None  # every year's files were made from these very data

    newest = max(data.years)
    doc = json.loads(cache.extra[f"du-lieu:{newest}"])
    cache.extra[f"du-lieu:{newest}"] = json.dumps({**doc, "data": ["khac", "khac"]})  # made from other data
    cache.write_manifest(manifest)
    held = process.first_needed(folder, settings)
    assert held is not None and held.year == newest

    read: list[int] = []
    real = process.load_year
    monkeypatch.setattr(process, "load_year", lambda f, y: read.append(y) or real(f, y))
    second = tmp_path / "lan-2"
    second.mkdir()
    told = spec(data, second, settings, "goc-2")  # another base: every file is made again
    assert process.run(told, [held])["listing"] == written_apart(spec(data, tmp_path / "lan-3", {}, "goc-2"))
    assert newest not in read and sorted(read) == sorted(set(data.years) - {newest})
