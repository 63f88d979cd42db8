"""`intake.site_build.build_site`: publishing settings, reproducible output, and loud failures."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from site_fixtures import PLUGIN_DIR, build, html_files, write_results

from intake.errors import IntakeError
from intake.site_build import build_site


def test_publish_build_uses_absolute_urls_and_no_banner_for_real_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOCTAP_SITE_URL", "https://hoctap.example.org/long-an/")
    results = write_results(tmp_path / "results", sample=False)
    output = tmp_path / "out"
    output.mkdir()
    (output / "stale.html").write_text("old", encoding="utf-8")
    build(results, output, publish=True)
    assert not (output / "stale.html").exists()  # DELETE_OUTPUT_DIRECTORY
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://hoctap.example.org/long-an/don-vi/so-gd-dt/</loc>" in sitemap
    home = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.select_one(".du-lieu-mau") is None
    assert home.select_one('link[rel=stylesheet]')["href"] == "https://hoctap.example.org/long-an/theme/css/hoctap.css"
    feed = (output / "thong-bao" / "atom.xml").read_text(encoding="utf-8")
    assert "https://hoctap.example.org/long-an/thong-bao/mo-dot-bao-cao-2025/" in feed
    package = json.loads((output / "du-lieu" / "datapackage.json").read_text(encoding="utf-8"))
    assert "MẪU" not in package["description"]


def test_same_results_give_the_same_pages(built_site: Path, site_results: Path, tmp_path: Path) -> None:
    again = build(site_results, tmp_path / "again")
    first = {p.relative_to(built_site): p.read_bytes() for p in html_files(built_site)}
    second = {p.relative_to(again): p.read_bytes() for p in html_files(again)}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    for name in ("ket-qua-2025.xlsx", "datapackage.json"):
        assert (built_site / "du-lieu" / name).read_bytes() == (again / "du-lieu" / name).read_bytes()


def test_source_date_epoch_dates_the_workbooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    output = build(write_results(tmp_path / "results"), tmp_path / "out")
    with zipfile.ZipFile(output / "du-lieu" / "ket-qua-2023.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    package = json.loads((output / "du-lieu" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["created"] == "2026-01-01T00:00:00+00:00"


def test_missing_results_folder_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match=r"không có index\.json"):
        build_site(tmp_path / "nowhere", tmp_path / "out")


def test_broken_results_file_fails_the_build(tmp_path: Path) -> None:
    results = write_results(tmp_path / "results")
    (results / "ket-qua-2024.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IntakeError, match=r"ket-qua-2024\.json"):
        build_site(results, tmp_path / "out")


def test_search_index_failure_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(PLUGIN_DIR))
    import hoctap_pages.search  # the module Pelican loads: plugins are cached in sys.modules

    monkeypatch.setattr(hoctap_pages.search, "_executable", lambda: Path("/bin/false"))
    results = write_results(tmp_path / "results")
    with pytest.raises(IntakeError, match="Pagefind"):
        build_site(results, tmp_path / "out")
