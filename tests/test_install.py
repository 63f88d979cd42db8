"""hoctap as users install it: a wheel (non-editable) runs from an empty folder, and plain Pelican rebuilds the site.

The wheel is built from this checkout and installed into a fresh virtual
environment; that environment borrows the already-installed dependencies
through a `.pth` line, but not this checkout (the editable install's own
`.pth` is not processed there), so the code that runs is the wheel's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from support import PINNED_EPOCH, ROOT_REPO, hoctap, make_project


def run(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "SOURCE_DATE_EPOCH": PINNED_EPOCH, **env}
    full.pop("PYTHONPATH", None)
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900, check=False, env=full)


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work / "dist"),
                 str(ROOT_REPO)], cwd=work)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((work / "dist").glob("hoctap-*.whl"))
    env = work / "venv"
    assert run([sys.executable, "-m", "venv", str(env)], cwd=work).returncode == 0
    purelib = Path(run([str(env / "bin" / "python"), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
                       cwd=work).stdout.strip())
    (purelib / "_hoctap_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = run([str(env / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], cwd=work)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env


def test_the_wheel_carries_the_site_the_sample_and_the_rubrics(wheel_env: Path) -> None:
    where = run([str(wheel_env / "bin" / "python"), "-c",
                 "import hoctap, scoring; from hoctap.project import bundle_root; "
                 "print(hoctap.__file__); print(bundle_root()); print(scoring.__file__)"], cwd=wheel_env)
    module, bundle, scoring_module = where.stdout.split()
    assert str(wheel_env) in module and str(wheel_env) in scoring_module and str(ROOT_REPO) not in module
    for part in ("site/pelicanconf.py", "site/publishconf.py", "site/theme/templates/base.html",
                 "site/plugins/hoctap_pages/__init__.py", "content/pages/huong-dan.md", "content/data/units.csv",
                 "content/data/sample/ket-qua-2025.csv"):
        assert (Path(bundle) / part).is_file(), part


def test_a_non_editable_install_builds_the_sample_from_an_empty_folder(wheel_env: Path, tmp_path: Path) -> None:
    done = run([str(wheel_env / "bin" / "hoctap"), "run"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "output" / "index.html").is_file()
    assert (tmp_path / "output" / "ket-qua" / "2025" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hoctap", "output"]  # nothing else written


def test_a_non_editable_install_scores_a_source_without_writing_anything(wheel_env: Path, tmp_path: Path) -> None:
    source = ROOT_REPO / "content" / "data" / "sample" / "ket-qua-2025.csv"
    done = run([str(wheel_env / "bin" / "hoctap"), "score", "--source", str(source)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_plain_pelican_rebuilds_the_same_site_after_hoctap_run(tmp_path: Path) -> None:
    project = make_project(tmp_path / "du-an")
    shutil.copytree(ROOT_REPO / "site", project / "site", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT_REPO / "content", project / "content", ignore=shutil.ignore_patterns("snapshots"))
    assert hoctap("run", cwd=project).returncode == 0
    plain = run([sys.executable, "-m", "pelican", "-s", "site/pelicanconf.py", "-o", str(tmp_path / "plain")], cwd=project)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    ours = {p.relative_to(project / "output").as_posix(): p.read_bytes() for p in (project / "output").rglob("*")
            if p.is_file() and "pagefind" not in p.parts and p.name != ".hoctap-site"}
    theirs = {p.relative_to(tmp_path / "plain").as_posix(): p.read_bytes() for p in (tmp_path / "plain").rglob("*")
              if p.is_file() and "pagefind" not in p.parts}
    assert sorted(ours) == sorted(theirs)
    assert [k for k in ours if ours[k] != theirs[k]] == []
