"""`hoctap.site_build.build_site`: publishing settings, reproducible output, and loud failures.

The build runs Pelican's own command in a subprocess; these tests call the
function the CLI calls, on copies of the `small_site` project (its results
folder scored by the real pipeline), so a failing build can be provoked
without touching the shared fixture.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import SMALL_DECISIONS, SMALL_UNITS, SmallSite, small_sources
from support import hoctap, html_files, make_project, soup

from hoctap.pelican_run import SiteBuildError
from hoctap.project import Project
from hoctap.site_build import build_site
from hoctap.site_folders import MARKER

SITE_URL = "https://hoctap.example.org/tay-ninh"


def copy_project(small_site: SmallSite, target: Path) -> Project:
    """The small project with its results folder, without its built site."""
    shutil.copytree(small_site.project, target, ignore=shutil.ignore_patterns("output", ".output*"))
    return Project.open(project=target)


def test_publish_build_uses_absolute_urls_and_no_banner_for_real_data(
    small_site: SmallSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOCTAP_SITE_URL", SITE_URL + "/")
    project = copy_project(small_site, tmp_path / "du-an")
    output = tmp_path / "cong-bo"
    output.mkdir()
    (output / MARKER).write_text("", encoding="utf-8")
    (output / "stale.html").write_text("old", encoding="utf-8")
    build_site(project, output, publish=True)
    assert not (output / "stale.html").exists()  # the previous build is replaced whole
    assert (output / MARKER).is_file()
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}/don-vi/so-gd-dt/</loc>" in sitemap and f"<loc>{SITE_URL}/</loc>" in sitemap
    home = soup(output / "index.html")
    assert home.select_one(".du-lieu-mau") is None
    stylesheet = home.select_one("link[rel=stylesheet]")
    assert stylesheet is not None and stylesheet["href"] == f"{SITE_URL}/theme/css/hoctap.css"
    canonical = soup(output / "don-vi" / "so-gd-dt" / "index.html").select_one("link[rel=canonical]")
    assert canonical is not None and canonical["href"] == f"{SITE_URL}/don-vi/so-gd-dt/"
    for path in html_files(output):
        for a in soup(path).find_all("a", href=True):
            href = str(a["href"])
            if a.find_parent(class_="noi-dung-trang") is None:  # people's Markdown may link relatively
                assert href.startswith(("https://", "http://", "#")), (path, href)
    feed = (output / "thong-bao" / "atom.xml").read_text(encoding="utf-8")
    assert f"{SITE_URL}/thong-bao/mo-dot-bao-cao-2025/" in feed
    package = json.loads((output / "du-lieu" / "datapackage.json").read_text(encoding="utf-8"))
    assert "MẪU" not in package["description"]


def test_same_results_give_the_same_pages(small_site: SmallSite, tmp_path: Path) -> None:
    project = copy_project(small_site, tmp_path / "du-an")
    again = tmp_path / "lan-hai"
    build_site(project, again)
    first = {p.relative_to(small_site.output): p.read_bytes() for p in html_files(small_site.output)}
    second = {p.relative_to(again): p.read_bytes() for p in html_files(again)}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    for name in ("du-lieu/ket-qua-2023.xlsx", "du-lieu/ket-qua-2025.xlsx", "du-lieu/datapackage.json", "sitemap.xml",
                 "thong-bao/atom.xml"):
        assert (small_site.output / name).read_bytes() == (again / name).read_bytes(), name


def test_source_date_epoch_dates_the_results_and_the_workbooks(tmp_path: Path) -> None:
    project = make_project(tmp_path / "du-an", units=SMALL_UNITS, decisions=SMALL_DECISIONS)
    sources = small_sources(tmp_path / "nguon")
    done = hoctap("build", "--source", str(sources), cwd=project, env={"SOURCE_DATE_EPOCH": "1767225600"})  # 2026-01-01
    assert done.returncode == 0, done.stdout + done.stderr
    output = project / "output"
    with zipfile.ZipFile(output / "du-lieu" / "ket-qua-2023.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    package = json.loads((output / "du-lieu" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["created"] == "2026-01-01T00:00:00+00:00"
    assert "Dữ liệu cập nhật ngày 01/01/2026" in soup(output / "index.html").get_text(" ", strip=True)


def test_missing_results_folder_is_a_readable_error(tmp_path: Path) -> None:
    project = Project.open(project=make_project(tmp_path / "trong"))
    with pytest.raises(SiteBuildError, match=r"hoctap run"):
        build_site(project, tmp_path / "trong" / "output")
    assert not (tmp_path / "trong" / "output").exists()


def test_broken_results_file_fails_the_build_and_keeps_the_previous_site(small_site: SmallSite, tmp_path: Path) -> None:
    project = copy_project(small_site, tmp_path / "du-an")
    output = tmp_path / "du-an" / "output"
    build_site(project, output)
    before = (output / "index.html").read_bytes()
    (project.results_dir / "ket-qua-2024.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"ket-qua-2024\.json"):
        build_site(project, output)
    assert (output / "index.html").read_bytes() == before
    assert not list(output.parent.glob(".output.dang-dung-*"))  # no half-built folder left behind


@pytest.mark.parametrize("damage", ["a check that is not an object", "a level that is not a number"])
def test_a_damaged_check_fails_the_build_with_the_contracts_message(small_site: SmallSite, tmp_path: Path,
                                                                   damage: str) -> None:
    """Checks are made into objects when first read; a damaged one still fails the build, and says why."""
    project = copy_project(small_site, tmp_path / "du-an")
    path = project.results_dir / "ket-qua-2024.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    checks = next(r for r in data["results"] if r["method"] == "levels")["outcome"]["checks"]
    first = next(iter(checks))
    if damage == "a check that is not an object":
        checks[first] = "dat"
    else:
        checks[first]["by_level"] = {"mot": "dat"}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"ket-qua-2024\.json.*không đúng hợp đồng"):
        build_site(project, tmp_path / "out")


def test_a_results_folder_of_another_version_is_refused(small_site: SmallSite, tmp_path: Path) -> None:
    project = copy_project(small_site, tmp_path / "du-an")
    index = project.results_dir / "index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    data["contract"] = 1
    index.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"phiên bản hoctap khác"):
        build_site(project, tmp_path / "out")


def test_search_index_failure_fails_the_build(small_site: SmallSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind that fails (a stand-in `pagefind_bin` whose binary is /bin/false) stops the build: no site without search."""
    fake = tmp_path / "gia"
    (fake / "pagefind_bin").mkdir(parents=True)
    (fake / "pagefind_bin" / "__init__.py").write_text(
        "def get_executable():\n    return '/bin/false'\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(fake))
    project = copy_project(small_site, tmp_path / "du-an")
    with pytest.raises(SiteBuildError, match="Pagefind"):
        build_site(project, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_folder_hoctap_did_not_build_is_never_replaced(small_site: SmallSite, tmp_path: Path) -> None:
    project = copy_project(small_site, tmp_path / "du-an")
    mine = tmp_path / "tai-lieu-rieng"
    mine.mkdir()
    (mine / "bao-cao.docx").write_bytes(b"x")
    with pytest.raises(SiteBuildError, match=MARKER):
        build_site(project, mine)
    assert (mine / "bao-cao.docx").read_bytes() == b"x"
    with pytest.raises(SiteBuildError):
        build_site(project, project.root)


def test_a_build_without_search_still_writes_every_page(small_site: SmallSite, tmp_path: Path) -> None:
    project = copy_project(small_site, tmp_path / "du-an")
    output = tmp_path / "khong-tim-kiem"
    build_site(project, output, search=False)
    assert not (output / "pagefind").exists()
    names = {p.relative_to(output) for p in html_files(output)}
    assert names == {p.relative_to(small_site.output) for p in html_files(small_site.output)}
    doc = BeautifulSoup((output / "tim-kiem" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert doc.select("ul.danh-sach-don-vi a")  # the A–Z list works without the index
