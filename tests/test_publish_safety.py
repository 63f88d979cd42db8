"""Publishing never deletes what hoctap did not write, and a failed or killed build leaves the previous site whole."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import PINNED_EPOCH, ROOT_REPO, hoctap, make_project


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose sample site has been built once into output/."""
    project = make_project(tmp_path_factory.mktemp("publish"))
    done = hoctap("run", cwd=project)
    assert done.returncode == 0, done.stderr
    return project


@pytest.mark.parametrize("target", [".", "content", "content/data", ".hoctap", "..", "content/trang", ".hoctap/trang-web",
                                    "site/output"])
def test_output_folders_that_hold_the_project_are_refused(tmp_path: Path, target: str) -> None:
    project = make_project(tmp_path / "du-an")
    (project / "content" / "data").mkdir(parents=True)
    (project / "content" / "data" / "units.csv").write_bytes((ROOT_REPO / "content" / "data" / "units.csv").read_bytes())
    before = tree(project)
    done = hoctap("build", "--output", target, cwd=project)
    assert done.returncode == 1
    assert done.stderr.startswith("hoctap: lỗi: Không dựng trang vào") and "Traceback" not in done.stderr
    assert tree(project) == before


def test_a_folder_hoctap_did_not_build_is_never_emptied(tmp_path: Path) -> None:
    project = make_project(tmp_path / "du-an")
    foreign = project / "trang-cu"
    foreign.mkdir()
    (foreign / "bao-cao.docx").write_bytes(b"van ban quan trong")
    done = hoctap("build", "--output", "trang-cu", cwd=project)
    assert done.returncode == 1 and "không do hoctap dựng" in done.stderr
    assert (foreign / "bao-cao.docx").read_bytes() == b"van ban quan trong"


def test_a_failed_build_leaves_the_previous_site_whole(built: Path) -> None:
    before = tree(built / "output")
    (built / "hoctap.toml").write_text('registry = "khong-co.csv"\n', encoding="utf-8")
    try:
        done = hoctap("run", cwd=built)
    finally:
        (built / "hoctap.toml").write_text("", encoding="utf-8")
    assert done.returncode == 1 and "khong-co.csv" in done.stderr
    assert tree(built / "output") == before
    # Pelican, started while the child read, was stopped with it; its folder went with the replaced sites.
    assert not list(built.glob(".output.dang-dung-*"))


def test_a_build_killed_midway_leaves_the_previous_site_whole(built: Path) -> None:
    before = tree(built / "output")
    # The build below is incremental: it hard-links unchanged pages from output/ into its staging folder.
    # HOCTAP_VERIFY_REUSE (render every reused page again) makes the inputs differ from the last build's, so the
    # build runs instead of finding the site current, and keeps it busy long enough to be killed midway.
    assert list((built / ".hoctap" / "trang").glob("*.json"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": PINNED_EPOCH, "HOCTAP_VERIFY_REUSE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "hoctap", "build"], cwd=built, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    staging = built / ".output.dang-dung-"
    while time.monotonic() < deadline and not any(built.glob(".output.dang-dung-*/**/*.html")):
        time.sleep(0.02)  # wait until Pelican is writing pages into the staging folder
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree(built / "output") == before, "the published folder changed under a killed build"
    assert hoctap("build", cwd=built).returncode == 0  # the next build cleans the leftovers and succeeds
    assert not list(built.glob(f"{staging.name}*"))
    assert tree(built / "output") == before  # same data, same pinned clock: the same site


def test_two_builds_at_once_take_turns(built: Path) -> None:
    # HOCTAP_VERIFY_REUSE makes the inputs differ from the last build's, so the first build to take the lock
    # really builds and holds it for seconds: a rebuild with nothing to do (it reads no source now) could end
    # before the other process even asks for the lock, and nobody would have had to wait.
    env = {**os.environ, "SOURCE_DATE_EPOCH": PINNED_EPOCH, "HOCTAP_VERIFY_REUSE": "1"}
    runs = [subprocess.Popen([sys.executable, "-m", "hoctap", "build"], cwd=built, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outcomes = [p.communicate(timeout=600) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outcomes
    assert any("Đang chờ một lần chạy khác" in err for _, err in outcomes)
    assert (built / "output" / "index.html").is_file()


def test_a_forked_child_does_not_keep_the_project_locked_after_its_parent_is_killed(tmp_path: Path) -> None:
    """`hoctap build` forks its scoring child: the child closes its copy of the lock file, so a parent killed
    with -9 (no unlock) leaves the project free even while the child still runs."""
    script = (
        "import os, sys, time\n"
        "from hoctap.lock import project_lock\n"
        "from hoctap.project import Project\n"
        "from pathlib import Path\n"
        "with project_lock(Project.open(project=Path(sys.argv[1]))):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n"
        "        null = os.open(os.devnull, os.O_WRONLY)\n"
        "        os.dup2(null, 1)\n"
        "        os.dup2(null, 2)  # the test reads the parent's output to its end\n"
        "        time.sleep(20)\n"
        "        os._exit(0)\n"
        "    print(child, flush=True)\n"
        "    os._exit(0)  # as kill -9: no unlock, no cleanup\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60,
                          check=False, start_new_session=True)
    assert done.stdout.strip().isdigit(), done.stderr
    child = int(done.stdout)
    try:
        os.kill(child, 0)  # still running
        with (tmp_path / ".hoctap" / "khoa").open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if the child still held it
    finally:
        os.kill(child, signal.SIGKILL)
