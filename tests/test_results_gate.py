"""The results gate: Pelican, started beside `hoctap build`'s child, reads the years the child keeps while it
works, and what it reads is always what reading the folder afterwards gives.

The end-to-end path (a real `hoctap build`, whose child says which years it keeps, Pelican behind the gate)
runs in every incremental build of `test_incremental_build.py`, each compared with a full build.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import orjson
import pytest
from support import PINNED_EPOCH, hoctap, make_project, text_of

from hoctap import pipeline
from hoctap.project import Project
from hoctap.site_build import SiteJob
from hoctap.site_folders import manifest_path
from scoring import published, year_stamps
from scoring.published import PublishedResults, load_results_folder
from scoring.results_folder import ResultsError
from scoring.results_gate import GateReader, close_gate, open_gate, open_the_gate, say_kept


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's results folder, as `hoctap build` writes it."""
    root = tmp_path_factory.mktemp("ket-qua")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
        project = Project.open(root)
        intake = pipeline.collect(project)
        pipeline.write_results(project, pipeline.score_intake(intake, project), intake,
                               year_keys=pipeline.year_inputs(project, intake))
    return project.results_dir


class ChildRewrites:
    """A gate whose child keeps every year, then, while Pelican waits, writes one of them again (as the results
    folder does: the stamp removed, the document replaced by a rename)."""

    def __init__(self, folder: Path, rewrite: int | None) -> None:
        self.folder, self.rewrite = folder, rewrite

    def kept(self) -> tuple[int, ...]:
        return tuple(year_stamps.written_years(self.folder))

    def wait(self) -> None:
        if self.rewrite is None:
            return
        year_stamps.unstamp(self.folder, self.rewrite)
        path = year_stamps.year_files(self.folder, self.rewrite)[0]
        doc = orjson.loads(path.read_bytes())
        doc["results"][0]["name"] = "Đơn vị đổi tên trong lúc chờ"
        tmp = path.with_name(".tmp")
        tmp.write_bytes(orjson.dumps(doc))
        tmp.replace(path)


def loads_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    years: list[int] = []
    real = published._load_year

    def counted(folder: Path, year: int) -> published.PublishedYear:
        years.append(year)
        return real(folder, year)

    monkeypatch.setattr(published, "_load_year", counted)
    return years


def same(a: PublishedResults, b: PublishedResults) -> None:
    assert a.years == b.years
    for y in a.years:
        assert a.by_year[y].sha == b.by_year[y].sha
        assert a.by_year[y].results == b.by_year[y].results
        assert a.by_year[y].unit_digests == b.by_year[y].unit_digests


def test_a_year_replaced_while_pelican_waited_is_read_again_and_the_others_once(
        written: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ket-qua"
    shutil.copytree(written, folder)
    years = year_stamps.written_years(folder)
    assert len(years) >= 3
    loads = loads_counted(monkeypatch)
    got = load_results_folder(folder, ChildRewrites(folder, years[-1]))  # type: ignore[arg-type]
    assert sorted(loads) == sorted([*years, years[-1]])  # read early, and the replaced one again
    assert got.by_year[years[-1]].results[0].name == "Đơn vị đổi tên trong lúc chờ"
    monkeypatch.undo()
    same(got, load_results_folder(folder))


def test_years_nothing_replaced_are_read_once(written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = loads_counted(monkeypatch)
    got = load_results_folder(written, ChildRewrites(written, None))  # type: ignore[arg-type]
    assert sorted(loads) == year_stamps.written_years(written)
    monkeypatch.undo()
    same(got, load_results_folder(written))


def reader_of(lines: list[bytes], *, close: bool = True) -> GateReader:
    read, write = open_gate()
    for line in lines:
        os.write(write, line)
    if close:
        os.close(write)
    return GateReader(open(read, "rb"))


def test_the_gate_says_the_kept_years_then_opens() -> None:
    read, write = open_gate()
    go = os.dup(write)  # `hoctap build`'s end; the child's is `write`
    say_kept(write, {2025, 2023})
    assert closed(write)  # the child's end, once it has spoken
    gate = GateReader(open(read, "rb"))  # noqa: SIM115  (the reader closes it)
    assert gate.kept() == (2023, 2025)
    opened = threading.Event()

    def waiting() -> None:
        gate.wait()
        opened.set()

    thread = threading.Thread(target=waiting)
    thread.start()
    assert not opened.wait(0.2)  # closed until `hoctap build` opens it
    open_the_gate(go)
    thread.join(10)
    assert opened.is_set()


def test_a_gate_opened_before_anything_was_kept_keeps_nothing() -> None:
    gate = reader_of([b"go\n"])
    assert gate.kept() == ()
    gate.wait()


def test_a_gate_whose_writers_stopped_stops_pelican_with_a_vietnamese_message() -> None:
    gate = reader_of([b"keep 2024\n"])
    assert gate.kept() == (2024,)
    with pytest.raises(ResultsError, match="dừng trước khi trang được dựng"):
        gate.wait()


def test_no_gate_in_the_environment_means_a_plain_pelican_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOCTAP_RESULTS_GATE", raising=False)
    assert GateReader.from_environment() is None
    say_kept(None, {2024})  # a spawned child has no gate: nothing to say, nothing fails
    close_gate(None)


def test_over_a_real_pipe_the_kept_years_are_read_before_the_gate_opens(
        written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = loads_counted(monkeypatch)
    years = year_stamps.written_years(written)
    read, write = open_gate()
    go = os.dup(write)
    say_kept(write, years)  # and closes the child's end, as the child does
    got: list[PublishedResults] = []
    reader = threading.Thread(target=lambda: got.append(load_results_folder(written, GateReader(open(read, "rb")))))  # noqa: SIM115
    reader.start()
    for _ in range(500):
        if len(loads) == len(years):
            break
        reader.join(0.02)
    assert sorted(loads) == years and reader.is_alive()  # every kept year read, and still waiting for `go`
    open_the_gate(go)
    reader.join(30)
    assert got and sorted(loads) == years  # nothing was replaced: nothing read twice
    monkeypatch.undo()
    same(got[0], load_results_folder(written))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's site, built once into output/."""
    project = make_project(tmp_path_factory.mktemp("du-an"))
    done = hoctap("build", cwd=project)
    assert done.returncode == 0, done.stderr
    return project


def started(project: Path) -> tuple[SiteJob, int]:
    """A build of output/ planned and its Pelican started behind a gate; also a second end to write to it."""
    job = SiteJob.plan(Project.open(project=project), project / "output")
    gate = open_gate()
    spare = os.dup(gate[1])
    job.start(gate)
    assert job.pelican is not None and job.pelican.process.poll() is None
    return job, spare


def closed(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


def test_pelican_started_behind_the_gate_is_stopped_when_the_site_is_current(
        built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    before = {p: p.read_bytes() for p in (built / "output").rglob("*") if p.is_file()}
    job, spare = started(built)
    assert job.pelican is not None
    process, end = job.pelican.process, job.pelican.gate
    assert end is not None
    assert job.finish() is False  # nothing changed since the last build
    assert process.poll() is not None and closed(end)
    os.close(spare)
    assert {p: p.read_bytes() for p in (built / "output").rglob("*") if p.is_file()} == before
    assert not list(built.glob(".output.dang-dung-*"))


def test_a_cancelled_job_stops_pelican_and_sets_its_folder_aside(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    job, spare = started(built)
    assert job.pelican is not None
    process, staging = job.pelican.process, job.staging
    job.cancel()
    assert process.poll() is not None and not staging.exists()
    os.close(spare)


def test_a_year_the_child_rewrote_while_pelican_waited_is_the_one_on_the_site(
        built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gated build end to end: Pelican is told every year is kept, reads them while it waits (when the system
    lets the test see it waiting), then one year is written again before the gate opens: the site shows the new
    file, never the one Pelican read first."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    project = Project.open(project=built)
    folder = project.results_dir
    years = year_stamps.written_years(folder)
    job, spare = started(built)
    assert job.pelican is not None
    pid = job.pelican.process.pid
    say_kept(spare, years)
    for _ in range(1500):  # until Pelican waits on the gate, its kept years read (Linux shows where it sleeps)
        try:
            if "pipe" in Path(f"/proc/{pid}/wchan").read_text() or job.pelican.process.poll() is not None:
                break
        except OSError:
            break
        threading.Event().wait(0.02)
    ChildRewrites(folder, years[-1]).wait()
    manifest_path(project, built / "output").with_suffix(".inputs").unlink()  # the folder changed: build again
    assert job.finish() is True
    page = built / "output" / "ket-qua" / str(years[-1]) / "index.html"
    assert "Đơn vị đổi tên trong lúc chờ" in text_of(page)
