"""The whole sample site against its golden tree, file by file (as Pelican's own functional tests do).

A page that changes fails here with the first lines that differ. When the change is deliberate, rebuild the
golden tree with `python scripts/regenerate_golden.py` and review the diff in git.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from support import ROOT_REPO

GOLDEN = ROOT_REPO / "tests" / "golden" / "sample-site"
SKIP_DIRS = {"pagefind"}
SKIP_FILES = {".hoctap-site"}


def files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*")
            if p.is_file() and not SKIP_DIRS & set(p.relative_to(root).parts) and p.name not in SKIP_FILES}


def test_the_sample_site_equals_its_golden_tree(sample_site: Path) -> None:
    built, golden = files(sample_site), files(GOLDEN)
    assert sorted(built) == sorted(golden), (
        f"added: {sorted(set(built) - set(golden))[:10]}; missing: {sorted(set(golden) - set(built))[:10]}")
    changed = []
    for name, path in sorted(built.items()):
        if path.read_bytes() != golden[name].read_bytes():
            changed.append(name)
    if changed:
        name = changed[0]
        diff = ""
        if name.endswith((".html", ".xml", ".json", ".csv", ".css", ".js", ".txt")):
            diff = "\n".join(list(difflib.unified_diff(
                golden[name].read_text(encoding="utf-8").splitlines(), built[name].read_text(encoding="utf-8").splitlines(),
                "golden/" + name, "built/" + name, lineterm="", n=1))[:40])
        raise AssertionError(f"{len(changed)} files differ from the golden tree, first {name}:\n{diff}")
    assert (sample_site / "pagefind" / "pagefind.js").is_file()
