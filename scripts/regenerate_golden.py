"""Rebuild the golden tree of the sample site (`tests/golden/sample-site/`), after a deliberate change to a page.

Run from the project folder: `python scripts/regenerate_golden.py`. It builds the
embedded sample exactly as `tests/test_golden.py` does — `hoctap run` in an
empty folder with the clock pinned — and replaces the golden tree with the
output (the search index, whose binary chunks Pagefind may order differently,
is left out; the test checks it exists).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PINNED_EPOCH = "1795392000"  # the same pinned clock as tests/support.py
GOLDEN = Path("tests") / "golden" / "sample-site"
SKIP = ("pagefind",)


def build(into: Path) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": PINNED_EPOCH}
    done = subprocess.run([sys.executable, "-m", "hoctap", "run"], cwd=into, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.exit(done.stdout + done.stderr)
    return into / "output"


def main() -> None:
    if not Path("pyproject.toml").is_file():
        sys.exit("Chạy lệnh này từ thư mục dự án (nơi có pyproject.toml).")
    with tempfile.TemporaryDirectory(prefix="hoctap-golden-") as tmp:
        output = build(Path(tmp))
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(output, GOLDEN, ignore=shutil.ignore_patterns(*SKIP, ".hoctap-site"))
    files = sum(1 for p in GOLDEN.rglob("*") if p.is_file())
    print(f"Đã dựng lại {GOLDEN}: {files} tệp.")


if __name__ == "__main__":
    main()
