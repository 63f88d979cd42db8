"""The Nu HTML Checker (vnu.jar, from the `vnu-jar` npm package, run by Debian's Java) on every page of the built sites.

`npm ci` in tests/ installs the jar; `default-jre-headless` runs it. Every
HTML file of the sample site and of the small hostile site must have no
error (warnings are printed by the checker but do not fail the test).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SmallSite
from support import ROOT_REPO, html_files

VNU = ROOT_REPO / "tests" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")

pytestmark = pytest.mark.skipif(not (VNU.is_file() and JAVA),
                                reason="vnu.jar (npm ci in tests/) or Java (default-jre-headless) is missing")


def vnu_errors(files: list[Path]) -> list[str]:
    assert JAVA is not None
    done = subprocess.run([JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    return [f"{m.get('url', '').rsplit('/output/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}"
            for m in report["messages"] if m.get("type") == "error" or m.get("subType") == "fatal"]


def test_sample_site_has_no_html_error(sample_site: Path) -> None:
    files = html_files(sample_site)
    assert len(files) > 50
    assert vnu_errors(files) == []


def test_small_hostile_site_has_no_html_error(small_site: SmallSite) -> None:
    assert vnu_errors(html_files(small_site.output)) == []
