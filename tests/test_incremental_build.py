"""Incremental builds: after each kind of change, `hoctap build` equals `hoctap build --full` byte for byte.

A project with its own copy of the sample, the registry and the site is built
once; then one thing changes at a time (one unit's data, a template, a
setting, a new year, a unit removed) and the incremental build of the same
output folder is compared with a full build into a fresh folder: the same
files with the same bytes. The manifest tells how much was reused, so the
tests also pin that a data change reuses the pages it does not touch and a
template change reuses nothing. A failed build leaves the previous site as it
was, even though the new one shares its files (hard links).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment
from support import PINNED_EPOCH, ROOT_REPO, hoctap

from hoctap import pipeline
from hoctap.project import Project
from hoctap.site_folders import (
    WAITING,
    discard_staging,
    manifest_path,
    prepare_staging,
    remove_replaced,
    replaced_folder,
    staging_folder,
)

SAMPLE = ROOT_REPO / "content" / "data" / "sample"
sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
from hoctap_pages.build_cache import digest  # noqa: E402
from hoctap_pages.compiled_templates import use_compiled_templates  # noqa: E402
from hoctap_pages.search_views import search_view  # noqa: E402


def tree(folder: Path) -> dict[str, bytes]:
    """Each file's bytes, and each folder (as "<path>/": an incremental build must leave no folder a full one
    would not make, such as a removed unit's)."""
    return {p.relative_to(folder).as_posix() + ("/" if p.is_dir() else ""): b"" if p.is_dir() else p.read_bytes()
            for p in sorted(folder.rglob("*"))}


def out_manifest(project: Path) -> dict[str, Any]:
    path = manifest_path(Project.open(project=project), project / "out")
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def written_pages(project: Path) -> list[str]:
    doc = out_manifest(project)
    return [f for f in doc["written_files"] if f.endswith(".html") and not f.startswith("pagefind/")]


def manifest(project: Path) -> dict[str, int]:
    """How many files the last build of `out` reused and wrote, and how many of the written were pages."""
    doc = out_manifest(project)
    return {"reused": doc["reused"], "written": doc["written"], "pages_written": len(written_pages(project))}


def build(project: Path, output: str, *extra: str) -> None:
    # HOCTAP_VERIFY_REUSE: every page the build reuses is also rendered and compared; a key that missed a
    # dependency fails the build.
    done = hoctap("build", "--source", "nguon", "--output", output, *extra, cwd=project,
                  env={"HOCTAP_VERIFY_REUSE": "1"})
    assert done.returncode == 0, done.stderr


def same_as_full(project: Path) -> dict[str, int]:
    """Build `out` incrementally and `ref` in full; they must be equal. Returns the incremental build's counts."""
    build(project, "out")
    counts = manifest(project)
    shutil.rmtree(project / "ref", ignore_errors=True)
    build(project, "ref", "--full")
    incremental, full = tree(project / "out"), tree(project / "ref")
    assert sorted(incremental) == sorted(full)
    different = [name for name in full if incremental[name] != full[name]]
    assert not different, different[:10]
    return counts


def edit_csv(path: Path, change: callable) -> None:  # type: ignore[valid-type]
    with path.open(encoding="utf-8-sig", newline="") as f:
        text = f.read()
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.DictReader(text.splitlines(), delimiter=delimiter))
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]), delimiter=delimiter, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project holding its own sources (the sample's CSV files), registry, decisions and site."""
    root = tmp_path / "du-an"
    (root / "nguon").mkdir(parents=True)
    for path in SAMPLE.glob("*.csv"):
        shutil.copy(path, root / "nguon" / path.name)
    shutil.copy(ROOT_REPO / "content" / "data" / "units.csv", root / "units.csv")
    shutil.copy(ROOT_REPO / "content" / "data" / "quyet-dinh.csv", root / "quyet-dinh.csv")
    shutil.copytree(ROOT_REPO / "site", root / "site", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "hoctap.toml").write_text('registry = "units.csv"\ndecisions = "quyet-dinh.csv"\n', encoding="utf-8")
    build(root, "out")
    return root


def test_a_rebuild_with_nothing_changed_does_nothing(project: Path) -> None:
    before = out_manifest(project)
    done = hoctap("build", "--source", "nguon", "--output", "out", cwd=project, env={"HOCTAP_VERIFY_REUSE": "1"})
    assert done.returncode == 0 and "giữ nguyên trang" in done.stdout
    assert out_manifest(project) == before  # Pelican did not run
    same_as_full(project)


def test_without_the_record_of_the_last_inputs_every_page_is_checked_and_reused(project: Path) -> None:
    """Nothing changed, but the build cannot tell at a glance (its record of the last inputs is gone): every page
    is considered, and each one, its key unchanged, is linked from the previous site (and verified)."""
    stamp = manifest_path(Project.open(project=project), project / "out").with_suffix(".inputs")
    stamp.unlink()
    build(project, "out")
    counts = manifest(project)
    assert counts["written"] == 0 and counts["reused"] > 100


def test_one_units_data_changed(project: Path) -> None:
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        row = next(r for r in rows if r["ma_don_vi"] == "tn-so-y-te")
        row["so_thanh_vien"] = str(int(row["so_thanh_vien"]) + 7)
        return rows

    manifest_file = manifest_path(Project.open(project=project), project / "out")
    blocks = manifest_file.parent / "khoi-xlsx" / manifest_file.stem
    before = {p.name: p.stat().st_mtime_ns for p in blocks.glob("*.xml")}
    index = {p.relative_to(project / "out").as_posix(): p.read_bytes() for p in (project / "out" / "pagefind").rglob("*")
             if p.is_file()}
    edit_csv(project / "nguon" / "ket-qua-2025.csv", change)
    build(project, "out")
    # The all-years workbook kept the blocks of rows of the years that did not change and made 2025's again.
    after = {p.name: p.stat().st_mtime_ns for p in blocks.glob("*.xml")}
    assert len(before) == len(after) == 6  # 2020–2025
    assert len(set(after.items()) - set(before.items())) == 1
    # Only figures inside regions Pagefind ignores changed: the search index is the previous one.
    assert not [f for f in out_manifest(project)["written_files"] if f.startswith("pagefind/")]
    assert index == {p.relative_to(project / "out").as_posix(): p.read_bytes()
                     for p in (project / "out" / "pagefind").rglob("*") if p.is_file()}
    same_as_full(project)
    # That unit's page, the year's results page, and the pages over every year (overview, downloads): no other
    # unit's page, no other year's page, and neither the status pages (its status did not change) nor the unit
    # list and the error page (the registry did not).
    pages = written_pages(project)
    assert [p for p in pages if p.startswith("don-vi/")] == ["don-vi/tn-so-y-te/index.html"]
    assert not [p for p in pages if any(str(y) in p for y in range(2020, 2025))], pages
    assert {"ket-qua/2025/index.html", "tong-hop/index.html"} <= set(pages)
    assert not [p for p in pages if p.startswith("tinh-hinh-nop/") or p in ("404.html", "tim-kiem/index.html")], pages


def compiled_templates(project: Path) -> dict[str, dict[str, int]]:
    """The compiled templates kept for the next build: each folder's files and their times."""
    root = manifest_path(Project.open(project=project), project / "out").parent / "mau-da-dich"
    return {folder.name: {f.name: f.stat().st_mtime_ns for f in folder.iterdir()} for folder in root.iterdir()}


def test_a_rebuild_loads_the_templates_the_last_build_compiled_and_a_new_theme_compiles_them_again(
        project: Path) -> None:
    first = compiled_templates(project)
    assert len(first) == 1 and len(next(iter(first.values()))) >= 10  # one per template the build rendered
    edit_csv(project / "nguon" / "ket-qua-2025.csv", lambda rows: [{**r, "ghi_chu": "Sửa lại"} for r in rows])
    same_as_full(project)
    assert compiled_templates(project) == first  # loaded, not compiled and written again
    template = project / "site" / "theme" / "templates" / "don-vi.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% block content %}",
                                                                     "{% block content %}<p>Mẫu mới</p>", 1),
                        encoding="utf-8")
    same_as_full(project)
    again = compiled_templates(project)
    assert len(again) == 2 and first.keys() < again.keys()  # the other theme's templates are kept a while
    assert "Mẫu mới" in (project / "out" / "don-vi" / "tn-so-y-te" / "index.html").read_text(encoding="utf-8")


def test_only_the_four_sets_of_compiled_templates_used_last_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "trang" / "mau-da-dich"
    for n in range(6):  # used long ago, the oldest first
        (root / f"cu-{n}").mkdir(parents=True)
        os.utime(root / f"cu-{n}", ns=(n * 10**9, n * 10**9))
    env = Environment(loader=DictLoader({"a.html": "{{ 1 + 1 }}"}))
    use_compiled_templates(env, {"HOCTAP_BUILD_MANIFEST_OUT": str(tmp_path / "trang" / ".x.json.1"),
                                 "THEME": str(ROOT_REPO / "site" / "theme")})
    assert env.get_template("a.html").render() == "2"
    kept = sorted(p.name for p in root.iterdir())
    assert len(kept) == 4 and {"cu-5", "cu-4", "cu-3"} < set(kept)  # and the set just used
    assert list((root / (set(kept) - {"cu-5", "cu-4", "cu-3"}).pop()).iterdir())  # a.html, compiled


def test_the_manifest_records_the_digest_of_each_page_the_indexing_process_read(project: Path) -> None:
    """The first build streams its index: the pages' digests come from the indexing process, not from reading
    each page back in the page writer, and must be those of the bytes published."""
    doc = out_manifest(project)
    pages = {rel: e for rel, e in doc["files"].items() if rel.endswith(".html") and not rel.startswith("pagefind/")}
    assert len(pages) > 20
    for rel, entry in pages.items():
        raw = (project / "out" / rel).read_bytes()
        assert (entry["sha"], entry["searched"]) == (digest(raw), b"data-pagefind-body" in raw), rel
    indexed = json.loads(doc["extra"]["pagefind:pages"])  # Pelican's own pages too, which have no entry
    assert indexed == {rel: digest((project / "out" / rel).read_bytes()) for rel in indexed}
    assert {rel for rel, e in pages.items() if e["searched"]} <= set(indexed)


def test_a_units_name_changed_makes_a_new_search_index(project: Path) -> None:
    """A name is indexed text: the index is made again (and equals the full build's, byte for byte)."""
    edit_csv(project / "units.csv",
             lambda rows: [{**r, "name": "Sở Y tế Tây Ninh (tên mới)"} if r["id"] == "tn-so-y-te" else r for r in rows])
    same_as_full(project)
    assert [f for f in out_manifest(project)["written_files"] if f.startswith("pagefind/")]


def test_a_template_changed(project: Path) -> None:
    template = project / "site" / "theme" / "templates" / "don-vi.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n{# mẫu mới #}\n", encoding="utf-8")
    counts = same_as_full(project)
    # A template may reach any page (and the code and templates are part of the search index's key too):
    # nothing is reused, every page is rendered again.
    units = len(list((project / "out" / "don-vi").glob("*/index.html")))
    assert counts["pages_written"] > units
    assert counts["reused"] == 0


def test_a_setting_changed(project: Path) -> None:
    with (project / "hoctap.toml").open("a", encoding="utf-8") as f:
        f.write('cdht_targets = { "2025" = 0.75, "2030" = 0.9 }\n')
    same_as_full(project)


def test_a_new_year_added(project: Path, tmp_path: Path) -> None:
    latest = project / "nguon" / "ket-qua-2025.csv"
    held = tmp_path / latest.name
    shutil.move(latest, held)
    build(project, "out")  # the site without 2025
    assert not (project / "out" / "ket-qua" / "2025").exists()
    shutil.move(held, latest)
    same_as_full(project)
    assert (project / "out" / "ket-qua" / "2025" / "index.html").is_file()


def test_a_unit_removed(project: Path) -> None:
    gone = "tn-so-tu-phap"
    for path in (project / "nguon").glob("*.csv"):
        edit_csv(path, lambda rows: [r for r in rows if r["ma_don_vi"] != gone])
    edit_csv(project / "units.csv",
             lambda rows: [{**r, "successor": "" if r["successor"] == gone else r["successor"]} for r in rows if r["id"] != gone])
    edit_csv(project / "quyet-dinh.csv", lambda rows: [r for r in rows if r["ma_don_vi"] != gone])
    assert (project / "out" / "don-vi" / gone).is_dir()
    same_as_full(project)
    assert not (project / "out" / "don-vi" / gone).exists()


def test_a_failed_incremental_build_leaves_the_previous_site_byte_for_byte(project: Path) -> None:
    before = tree(project / "out")
    edit_csv(project / "nguon" / "ket-qua-2025.csv", lambda rows: rows[:-3])  # pages will change, others be reused
    # The build fails while rendering (the downloads are written by then); a build killed after linking pages
    # from the previous site is tests/test_publish_safety.py's.
    broken = project / "site" / "theme" / "templates" / "tinh-hinh-nop.html"
    broken.write_text(broken.read_text(encoding="utf-8") + '\n{% include "khong-co-mau-nay.html" %}\n', encoding="utf-8")
    done = hoctap("build", "--source", "nguon", "--output", "out", cwd=project)
    assert done.returncode == 1 and "lỗi" in done.stderr
    assert tree(project / "out") == before
    assert not list(project.glob(".out.dang-dung-*"))


def test_a_years_results_are_written_again_only_when_its_own_or_an_earlier_years_source_changed(project: Path) -> None:
    """A year's results are made from its rows and, for the change in points, the years before it: editing
    2023's file moves the keys of 2023 and later only, and the results folder (written again for those years
    only, the others verified) still equals a full build's."""
    proj = Project.open(project=project)
    before = pipeline.year_inputs(proj, pipeline.collect(proj, project / "nguon"))
    assert before is not None and sorted(before) == [2020, 2021, 2022, 2023, 2024, 2025]
    edit_csv(project / "nguon" / "ket-qua-2023.csv",
             lambda rows: [{**r, "so_thanh_vien": str(int(r["so_thanh_vien"]) + 1)} if i == 0 else r
                           for i, r in enumerate(rows)])
    after = pipeline.year_inputs(proj, pipeline.collect(proj, project / "nguon"))
    assert after is not None
    assert [y for y in before if before[y] != after[y]] == [2023, 2024, 2025]
    stamps = {p.name: p.read_text(encoding="utf-8") for p in proj.results_dir.glob(".ket-qua-*.key")}
    same_as_full(project)
    now = {p.name: p.read_text(encoding="utf-8") for p in proj.results_dir.glob(".ket-qua-*.key")}
    assert sorted(now) == sorted(stamps) and now[".ket-qua-2022.key"] == stamps[".ket-qua-2022.key"]
    assert now[".ket-qua-2023.key"] != stamps[".ket-qua-2023.key"]
    # A year's file changed by anything but hoctap no longer matches its stamp: it is written again.
    (proj.results_dir / "ket-qua-2021.csv").write_bytes(b"sua tay\n")
    same_as_full(project)


def test_only_the_years_whose_inputs_changed_are_scored_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`hoctap build` scores the years whose key moved and the Thông tư 22/2020 years they read (the change in
    points), and takes the others' counts from their stamps; its site and counts are a full build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)  # the day is in every year's key, as in `hoctap`
    proj = Project.open(project=project)

    def plan() -> tuple[dict[int, dict[str, int]], pipeline.Intake]:
        intake = pipeline.collect(proj, project / "nguon")
        return pipeline.kept_years(proj, pipeline.year_inputs(proj, intake)), intake

    kept, intake = plan()
    assert sorted(kept) == [2020, 2021, 2022, 2023, 2024, 2025]  # nothing changed since the last build
    edit_csv(project / "nguon" / "ket-qua-2025.csv",
             lambda rows: [{**r, "so_thanh_vien": str(int(r["so_thanh_vien"]) + 1)} if i == 0 else r
                           for i, r in enumerate(rows)])
    kept, intake = plan()
    assert sorted(kept) == [2020, 2021, 2022, 2023, 2024]  # 2025 is Thông tư 24/2023: it reads no other year
    for year, counts in kept.items():
        doc = json.loads((proj.results_dir / f"ket-qua-{year}.json").read_text(encoding="utf-8"))
        assert counts == doc["counts"]
    report = pipeline.score_intake(intake, proj, kept=kept)
    assert report.years == [2025] and report.read == kept_read(report, intake, kept)
    incremental = hoctap("build", "--source", "nguon", "--output", "out", cwd=project)
    assert incremental.returncode == 0, incremental.stderr
    same_as_full(project)
    full = hoctap("build", "--source", "nguon", "--output", "ref", "--full", cwd=project)
    assert incremental.stdout.splitlines()[-1].replace("out", "ref") == full.stdout.splitlines()[-1]
    # A Thông tư 24/2023 year changed: it and the later years (their keys cover its file) are scored again.
    edit_csv(project / "nguon" / "ket-qua-2024.csv",
             lambda rows: [{**r, "so_thanh_vien": str(int(r["so_thanh_vien"]) + 1)} if i == 0 else r
                           for i, r in enumerate(rows)])
    kept, _ = plan()
    assert sorted(kept) == [2020, 2021, 2022, 2023]
    same_as_full(project)
    # A Thông tư 22/2020 year changed: the years before it are scored too, for its change in points, and theirs.
    edit_csv(project / "nguon" / "ket-qua-2023.csv",
             lambda rows: [{**r, "so_thanh_vien": str(int(r["so_thanh_vien"]) + 1)} if i == 0 else r
                           for i, r in enumerate(rows)])
    kept, _ = plan()
    assert kept == {}
    same_as_full(project)


def kept_read(report: Any, intake: pipeline.Intake, kept: dict[int, dict[str, int]]) -> int:
    """The rows a build scores: all read but those of the kept years."""
    return len(intake.collected.submissions) - sum(c["read"] for c in kept.values())


def test_a_row_whose_year_cannot_be_read(project: Path) -> None:
    """Such a rejection belongs to no year's file (only to the index); the latest year's status page lists it."""
    edit_csv(project / "nguon" / "ket-qua-2025.csv",
             lambda rows: [*rows, {**rows[0], "ma_don_vi": "ma-la-xyz", "nam": "hai-khong"}])
    same_as_full(project)
    assert "ma-la-xyz" in (project / "out" / "tinh-hinh-nop" / "index.html").read_text(encoding="utf-8")


def test_a_file_a_guidance_page_links_changed(project: Path) -> None:
    """Any file under content/ (but its data) is the site's: a changed picture is a changed site."""
    for name in ("pages", "thong-bao"):
        shutil.copytree(ROOT_REPO / "content" / name, project / "content" / name)
    (project / "content" / "hinh").mkdir()
    picture = project / "content" / "hinh" / "so-do.svg"
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>1</title></svg>\n', encoding="utf-8")
    guide = project / "content" / "pages" / "huong-dan.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n![Sơ đồ]({static}/hinh/so-do.svg)\n", encoding="utf-8")
    same_as_full(project)
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>2</title></svg>\n', encoding="utf-8")
    same_as_full(project)
    assert b"<title>2</title>" in (project / "out" / "hinh" / "so-do.svg").read_bytes()


PAGE = """<!doctype html><html lang="vi"><head><title>Sở Y tế</title></head><body>
<main data-pagefind-body><h1>Sở Y tế</h1><p>Khối chính quyền</p>
<section id="nam-2025" data-pagefind-ignore><h2>Năm 2025</h2><table><tr><td data-sort="{members}">{members}</td></tr></table>
<span data-pagefind-meta="muc_do">{meta}</span></section><p>Hết.</p></main></body></html>"""


def test_the_search_view_drops_ignored_text_but_keeps_what_pagefind_reads_there() -> None:
    """Pagefind skips the text of an ignored region but still reads metadata and filters inside it."""
    view = search_view(PAGE.format(members=120, meta="mức độ 1").encode())
    assert view == search_view(PAGE.format(members=121, meta="mức độ 1").encode())  # a figure in a table
    assert view != search_view(PAGE.format(members=120, meta="mức độ 2").encode())  # metadata inside the region
    assert view != search_view(PAGE.format(members=120, meta="mức độ 1").replace("Hết.", "Hết!").encode())
    assert view != search_view(PAGE.format(members=120, meta="mức độ 1").replace("Sở Y tế</h1>", "Sở Y</h1>").encode())
    # The ignored element's own metadata, and a heading Pagefind may take as the title, count too.
    own = '<p data-pagefind-ignore data-pagefind-meta="so">{}</p><div data-pagefind-ignore><h1>{}</h1></div>'
    assert search_view(own.format(42, "Một").encode()) != search_view(own.format(43, "Một").encode())
    assert search_view(own.format(42, "Một").encode()) != search_view(own.format(42, "Hai").encode())
    # An SVG's title in an ignored chart is read only by a page without a title of its own.
    chart = '<html><head>{}</head><body><figure data-pagefind-ignore><svg><title>{} điểm</title></svg></figure></body></html>'
    titled = "<title>Sở Y tế</title>"
    assert search_view(chart.format(titled, 90).encode()) == search_view(chart.format(titled, 95).encode())
    assert search_view(chart.format("", 90).encode()) != search_view(chart.format("", 95).encode())


def test_the_site_a_build_replaces_waits_in_the_state_folder_until_the_next_build_removes_it(project: Path) -> None:
    """The swap is two renames; the replaced site (twenty thousand links at national scale) is not removed at
    the end of the build but by the next one, while its child process scores."""
    replaced = project / ".hoctap" / "trang" / "da-thay"
    assert not replaced.exists() or not any(replaced.iterdir())  # the first build replaced nothing
    old_index = (project / "out" / "index.html").read_bytes()
    edit_csv(project / "nguon" / "ket-qua-2025.csv", lambda rows: rows[:-1])
    build(project, "out")
    (kept,) = list(replaced.iterdir())
    assert (kept / "index.html").read_bytes() == old_index and (project / "out" / "index.html").is_file()
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".out")) == []  # nothing beside out/
    edit_csv(project / "nguon" / "ket-qua-2025.csv", lambda rows: rows[:-1])
    build(project, "out")
    # The previous one removed while the child scored (or part of it, when the child was done first), this one
    # waiting; the next build, with nothing to do, removes the previous one whole.
    (latest,) = [p for p in replaced.iterdir() if p != kept]
    build(project, "out")
    assert not kept.exists() and latest.exists()


def test_a_build_stops_removing_replaced_sites_once_its_child_is_done_and_the_next_goes_on(tmp_path: Path) -> None:
    project = Project.open(project=tmp_path)
    replaced = replaced_folder(project)
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "giu.html").write_text("giữ", encoding="utf-8")
    names = [f"trang-{n}" for n in range(WAITING + 2)]  # replaced in that order
    for n, name in enumerate(names):
        for unit in range(300):
            page = replaced / name / "don-vi" / f"dv-{unit}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text("trang", encoding="utf-8")
        (replaced / name / "lien-ket").symlink_to(outside, target_is_directory=True)
        os.utime(replaced / name, ns=(n * 10**9, n * 10**9))
    remove_replaced(project, enough=lambda: True)
    # The oldest beyond WAITING whole, whatever `enough` says; then it stopped on the way through the next.
    assert sorted(p.name for p in replaced.iterdir()) == names[-WAITING:]
    assert 0 < sum(1 for _ in (replaced / names[-WAITING]).rglob("*")) < 2 * 300
    remove_replaced(project)
    assert list(replaced.iterdir()) == []
    assert (outside / "giu.html").read_text(encoding="utf-8") == "giữ"  # a link is removed, never followed


def test_a_rebuild_with_nothing_to_do_makes_no_folders_it_throws_away(project: Path) -> None:
    """Its child is done before the folders of the next site would be: `prepare_staging` stops."""
    made = prepare_staging(Project.open(project=project), project / "out", enough=lambda: True)
    assert made is not None and not any(made.iterdir())
    discard_staging(Project.open(project=project), made)
    build(project, "out")
    assert not any(replaced_folder(Project.open(project=project)).rglob("index.html"))


def test_the_folders_made_before_a_rebuild_are_every_folder_of_the_last_one_and_nothing_else(project: Path) -> None:
    """`hoctap build` makes the new site's folders while its child scores (`prepare_staging`): all of them, the
    folders holding only folders included, and never on top of what an earlier run of the same process id left
    (in a container every run is pid 1): a stale page, or a link into the published site, would be built on."""
    site = Project.open(project=project)
    out = (project / "out").resolve()
    staging = staging_folder(out)
    staging.mkdir()
    (staging / "cu.html").write_text("trang cũ", encoding="utf-8")
    (staging / "index.html").hardlink_to(out / "index.html")  # writing through it would change the live site
    prepared = prepare_staging(site, out)
    assert prepared == staging
    made = {p.relative_to(staging).as_posix() for p in staging.rglob("*")}
    files = json.loads(manifest_path(site, out).read_text(encoding="utf-8"))["files"]
    wanted = {"/".join(rel.split("/")[:i]) for rel in files for i in range(1, rel.count("/") + 1)}
    assert made == wanted and "xep-hang" in made and "don-vi/tn-so-y-te" in made
    assert all((staging / f).is_dir() for f in made)  # folders only: the stale page and the link are gone
    discard_staging(site, staging)  # a build that will not use it moves it among the replaced sites
    assert not staging.exists()
    (moved,) = (project / ".hoctap" / "trang" / "da-thay").iterdir()
    assert moved.name.startswith(staging.name) and (moved / "don-vi").is_dir()


def _scored(report: Any) -> tuple[Any, ...]:
    from scoring.results_json import rejected_to_json, row_to_json

    return (report.counts(), [row_to_json(r) for r in report.results], [rejected_to_json(r) for r in report.rejected])


def test_a_rebuild_reads_only_the_sources_holding_a_year_it_scores_again(project: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The last build recorded what each source file held: a rebuild hashes every file but reads only those it has
    no record of, then those holding a year it scores again; its keys, kept years and report are those of
    reading everything."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)  # the day is in every year's key, as in `hoctap`
    proj = Project.open(project=project)
    reg = pipeline.registry(proj)
    nothing_new = pipeline.collect(proj, project / "nguon", defer=True)
    everything = pipeline.collect(proj, project / "nguon")
    assert nothing_new.unread is not None and not nothing_new.unread.read
    assert len(nothing_new.collected.submissions) == 0
    assert nothing_new.collected.sources == everything.collected.sources  # rows and hashes, as if read
    edit_csv(project / "nguon" / "ket-qua-2025.csv",
             lambda rows: [{**r, "so_thanh_vien": str(int(r["so_thanh_vien"]) + 1)} if i == 0 else r
                           for i, r in enumerate(rows)])
    intake = pipeline.collect(proj, project / "nguon", defer=True)
    everything = pipeline.collect(proj, project / "nguon")
    assert intake.unread is not None
    assert [intake.collected.sources[i].origin for i in intake.unread.read] == ["ket-qua-2025.csv"]
    pipeline.check_tabs(intake, reg)
    keys = pipeline.year_inputs(proj, intake)
    assert keys == pipeline.year_inputs(proj, everything)
    kept = pipeline.kept_years(proj, keys)
    assert sorted(kept) == [2020, 2021, 2022, 2023, 2024]
    pipeline.read_scored_sources(intake, reg, kept)
    assert sorted(intake.collected.sources[i].origin for i in intake.unread.files) == [
        "ket-qua-2023.csv", "ket-qua-2024.csv", "lich-su-2020-2022.csv"]
    assert _scored(pipeline.score_intake(intake, proj, reg, kept)) == _scored(
        pipeline.score_intake(everything, proj, reg, kept))
    # A Thông tư 22/2020 year changed: it reads the years before it, so every source is read.
    edit_csv(project / "nguon" / "ket-qua-2023.csv",
             lambda rows: [{**r, "so_thanh_vien": str(int(r["so_thanh_vien"]) + 1)} if i == 0 else r
                           for i, r in enumerate(rows)])
    intake = pipeline.collect(proj, project / "nguon", defer=True)
    pipeline.check_tabs(intake, reg)
    kept = pipeline.kept_years(proj, pipeline.year_inputs(proj, intake))
    pipeline.read_scored_sources(intake, reg, kept)
    assert intake.unread is not None and not intake.unread.files
    assert len(intake.collected.submissions) == sum(s.rows for s in intake.collected.sources)
    same_as_full(project)


def _add_member(path: Path) -> None:
    edit_csv(path, lambda rows: [{**r, "so_thanh_vien": str(int(r["so_thanh_vien"]) + 1)} if i == 0 else r
                                 for i, r in enumerate(rows)])


@pytest.mark.parametrize("damage", ["other code", "not JSON", "gone", "years as text"])
def test_a_record_of_the_sources_made_by_other_code_or_damaged_is_not_trusted(project: Path, damage: str) -> None:
    """Only the code that made the record may trust it (a reader that changed may read the same bytes otherwise),
    and only whole: else every source is read, the build is still a full build's, and it records them again."""
    from hoctap.source_years import RECORD_NAME

    proj = Project.open(project=project)
    record = proj.state_dir / RECORD_NAME
    doc = json.loads(record.read_text(encoding="utf-8"))
    if damage == "other code":
        record.write_text(json.dumps({**doc, "code": "0" * 40}), encoding="utf-8")
    elif damage == "not JSON":
        record.write_text("{", encoding="utf-8")
    elif damage == "gone":
        record.unlink()
    else:
        first = next(iter(doc["sources"]))
        doc["sources"][first]["years"] = "2020"
        record.write_text(json.dumps(doc), encoding="utf-8")
    intake = pipeline.collect(proj, project / "nguon", defer=True)
    assert intake.unread is not None and not intake.unread.files
    assert len(intake.collected.submissions) == sum(s.rows for s in intake.collected.sources)
    _add_member(project / "nguon" / "ket-qua-2025.csv")
    build(project, "out")  # the incremental build records the sources again, all of them
    assert json.loads(record.read_text(encoding="utf-8"))["code"] == doc["code"]
    trusted = pipeline.collect(proj, project / "nguon", defer=True)
    assert trusted.unread is not None and not trusted.unread.read and len(trusted.unread.files) == len(doc["sources"])
    same_as_full(project)


def test_a_source_that_does_not_hold_what_the_record_says_stops_the_build_and_the_next_one_reads_everything(
        project: Path) -> None:
    """The record is the build's own; should it be wrong all the same, the build that reads the source stops and
    says so in Vietnamese, rather than scoring from a wrong plan, and removes the record."""
    from hoctap.source_years import RECORD_NAME

    record = Project.open(project=project).state_dir / RECORD_NAME
    doc = json.loads(record.read_text(encoding="utf-8"))
    for entry in doc["sources"].values():
        entry["rows"] += 1
    record.write_text(json.dumps(doc), encoding="utf-8")
    before = tree(project / "out")
    _add_member(project / "nguon" / "ket-qua-2023.csv")  # a Thông tư 22/2020 year: every source is read
    done = hoctap("build", "--source", "nguon", "--output", "out", cwd=project)
    assert done.returncode == 1
    assert "không chứa đúng những dòng mà bản ghi của lần dựng trước" in done.stderr
    assert tree(project / "out") == before and not record.exists()
    same_as_full(project)
