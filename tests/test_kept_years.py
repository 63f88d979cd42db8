"""A build that keeps some years' results scores only the others: what it scores equals a full scoring.

`hoctap build` leaves out the rows of the years whose results files are current
(`pipeline.kept_years`); the sample's sources mix years inside one file (a CSV
of 2020–2022) and hold workbook tabs, so the rows left out are picked out of
the middle of a source. The end-to-end comparisons with `--full` are in
`test_incremental_build.py`.
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from pathlib import Path
from typing import Any

import orjson
import pytest
from support import PINNED_EPOCH

from hoctap import pipeline
from hoctap.project import Project
from scoring import results_folder, two_processes, year_stamps
from scoring.published import load_results_folder
from scoring.results import ScoreReport
from scoring.results_folder import _is_nfc, _json_bytes
from scoring.results_json import rejected_to_json, row_to_json


def per_year(report: ScoreReport, year: int) -> tuple[list[object], list[object], list[object]]:
    one = report.for_year(year)
    return ([row_to_json(r) for r in one.results], [rejected_to_json(r) for r in one.rejected],
            [(s.unit_id, s.status, s.submitted) for s in one.statuses])


@pytest.mark.parametrize("kept", [{2020}, {2021}, {2020, 2022}, {2023, 2024}, {2026}, {2025, 2026}])
def test_the_years_scored_are_scored_as_when_every_year_is(kept: set[int], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    project = Project.open(tmp_path)
    full = pipeline.score_intake(pipeline.collect(project), project)
    part = pipeline.score_intake(pipeline.collect(project), project, kept=kept)
    assert set(full.years) - kept == set(part.years) and kept <= set(full.years)
    assert part.read == full.read - sum(full.for_year(y).read for y in kept)
    assert [rejected_to_json(r) for r in part.rejected if r.year is None] == \
        [rejected_to_json(r) for r in full.rejected if r.year is None]
    for year in part.years:
        if year - 1 in kept:
            continue  # its change in points reads the year before: `kept_years` never keeps that one
        assert per_year(part, year) == per_year(full, year), year


def test_a_year_document_is_written_in_nfc_whatever_form_its_strings_came_in() -> None:
    """Cells are cleaned when read, but a settings text or a tab's title is not a cell."""
    decomposed = unicodedata.normalize("NFD", "Sở Giáo dục và Đào tạo tỉnh Tây Ninh")
    written = _json_bytes({"authority": {"receiving_body": decomposed}, "where": [decomposed]})
    assert unicodedata.is_normalized("NFC", written.decode("utf-8"))
    assert orjson.loads(written)["where"] == [unicodedata.normalize("NFC", decomposed)]


@pytest.mark.parametrize("piece", [1, 2, 5, 64, 1 << 20])
def test_a_document_checked_for_nfc_a_piece_at_a_time_is_judged_as_a_whole(piece: int) -> None:
    words = [unicodedata.normalize("NFC", w) for w in ("Sở Giáo dục", "Hòa Thành", "Đức Hòa", "à", "ớ", "x", "")]
    docs = [words] + [[unicodedata.normalize("NFD", w) if j == i else w for j, w in enumerate(words)]
                      for i in range(len(words))]
    judged = set()
    for doc in docs:
        raw = orjson.dumps({"rows": doc, "after": "Tây Ninh"})
        whole = unicodedata.is_normalized("NFC", raw.decode("utf-8"))
        assert _is_nfc(raw, piece) == whole, doc
        judged.add(whole)
    assert judged == {True, False}


def test_a_touched_year_is_still_kept_and_its_stamp_learns_the_new_time(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    project = Project.open(tmp_path)
    intake = pipeline.collect(project)
    keys = pipeline.year_inputs(project, intake)
    pipeline.write_results(project, pipeline.score_intake(intake, project), intake, year_keys=keys)
    stamp = project.results_dir / ".ket-qua-2023.key"
    before = stamp.read_text(encoding="utf-8")
    os.utime(project.results_dir / "ket-qua-2023.json", ns=(1, 1))  # the same bytes, another time (a copy)
    kept = pipeline.kept_years(project, keys)
    assert 2023 in kept  # the bytes are checked, and still those of the stamp
    intake = pipeline.collect(project)
    pipeline.write_results(project, pipeline.score_intake(intake, project, kept=kept), intake, year_keys=keys, kept=kept)
    after = stamp.read_text(encoding="utf-8")
    assert after.split(" ")[:3] == before.split(" ")[:3] and after != before and ":1 " in after
    # A changed byte is not kept, whatever its time says.
    path = project.results_dir / "ket-qua-2022.csv"
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"so-", b"sx-", 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert 2022 in pipeline.kept_years(project, keys)  # same size and time: taken as the same bytes (documented)
    path.write_bytes(path.read_bytes() + b"\n")
    assert 2022 not in pipeline.kept_years(project, keys)


def test_a_year_serialised_an_entry_at_a_time_is_the_whole_documents_bytes_in_nfc(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer serialises each entry as it is made (memory); the bytes and the unit digests must be those of
    the whole document, NFC included (a decomposed name in one row, and in the settings' texts)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    project = Project.open(tmp_path)
    intake = pipeline.collect(project)
    report = pipeline.score_intake(intake, project)
    plain_row = results_folder.row_to_json
    first = report.results[0]

    def decomposed(row: Any) -> dict[str, Any]:
        doc = plain_row(row)
        return {**doc, "name": unicodedata.normalize("NFD", doc["name"])} if row is first else doc

    monkeypatch.setattr(results_folder, "row_to_json", decomposed)
    seen = []
    made_by = results_folder._year_files

    def checked(report: Any, year: int, registry: Any, rubrics: Any, info: Any) -> tuple[bytes, bytes, dict[str, str]]:
        authority = info.authority
        info = dataclasses.replace(info, authority=lambda y: dataclasses.replace(
            authority(y), place=unicodedata.normalize("NFD", "Tây Ninh")))
        raw, table, digests = made_by(report, year, registry, rubrics, info)
        whole = _json_bytes(results_folder.year_document(report, year, registry, rubrics, info))
        assert raw == whole and unicodedata.is_normalized("NFC", raw.decode("utf-8"))
        assert digests == year_stamps.unit_digests(orjson.loads(raw))
        seen.append((year, first.year == year and unicodedata.normalize("NFD", first.name) != first.name))
        return raw, table, digests

    monkeypatch.setattr(results_folder, "_year_files", checked)
    monkeypatch.setattr(two_processes, "can_fork", lambda: False)  # every year seen here
    pipeline.write_results(project, report, intake, year_keys=pipeline.year_inputs(project, intake))
    assert len(seen) >= 5 and any(nfd for _, nfd in seen)


def test_the_unit_digests_kept_beside_a_year_are_those_the_site_would_make_and_only_for_those_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    project = Project.open(tmp_path)
    intake = pipeline.collect(project)
    pipeline.write_results(project, pipeline.score_intake(intake, project), intake,
                           year_keys=pipeline.year_inputs(project, intake))
    folder = project.results_dir
    years = load_results_folder(folder).years
    assert years and {p.name for p in folder.glob(".ket-qua-*.units")} == {f".ket-qua-{y}.units" for y in years}
    for year in years:
        raw = (folder / f"ket-qua-{year}.json").read_bytes()
        made = year_stamps.unit_digests(orjson.loads(raw))
        assert made and year_stamps.recorded_units(folder, year, year_stamps.digest(raw)) == made
        assert load_results_folder(folder).by_year[year].unit_digests == made
    # Kept digests of other bytes are not believed: the loader makes them from the document it reads.
    year = years[-1]
    path = folder / f"ket-qua-{year}.json"
    doc = orjson.loads(path.read_bytes())
    doc["results"][0]["name"] = "Tên đã sửa ngoài hoctap"
    path.write_bytes(orjson.dumps(doc))
    assert year_stamps.recorded_units(folder, year, year_stamps.digest(path.read_bytes())) is None
    changed = load_results_folder(folder).by_year[year].unit_digests
    assert changed == year_stamps.unit_digests(doc) and changed != made
    # A year the folder no longer has loses its kept digests with its stamp.
    year_stamps.prune(folder, list(years[:-1]))
    assert not (folder / f".ket-qua-{year}.units").exists() and (folder / f".ket-qua-{years[0]}.units").exists()
