"""Pelican's own command, run as a child process into a folder: the site's pages, downloads and search index.

The command is Pelican's (`python -m pelican … --fatal errors`, run through
`hoctap.quiet_pelican`, which only drops its spinner) with the project's
`site/pelicanconf.py` (or `publishconf.py`): plain `pelican -s
site/pelicanconf.py` builds the same site from the same results folder.
`start_pelican` may start it before the results are written, behind a gate
(`scoring.results_gate`); `hoctap.site_build` decides when and where.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hoctap.project import Project
from scoring import results_gate

BUILD_TIMEOUT_S = 3600


class SiteBuildError(Exception):
    """The site could not be built; the message is Vietnamese and the previous site is intact."""


def _pelican_error(text: str) -> str:
    """The useful line of Pelican's log: our plugin's Vietnamese message, or Pelican's last complaint."""
    lines = [re.sub(r"\s+", " ", line).strip(" │") for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith(("Traceback", "File ", "─"))]
    for line in lines:
        if "Error:" in line or "ERROR" in line or "CRITICAL" in line:
            return re.sub(r"^(\[[\d:]+\]\s*)?(CRITICAL|ERROR)\s*", "", line)[:500]
    return (lines[-1] if lines else "Pelican dừng mà không nêu lý do")[:500]


@dataclass
class PelicanRun:
    """Pelican running into `output`; with a `gate`, waiting to read the results folder until it opens."""

    process: subprocess.Popen[str]
    output: Path
    gate: int | None = None  # the end `open_the_gate` writes

    def wait(self) -> None:
        """Open the gate, wait for the end, and raise `SiteBuildError` unless the site was built."""
        try:
            if self.gate is not None:
                gate, self.gate = self.gate, None
                with contextlib.suppress(OSError):  # Pelican already stopped: its own message says why
                    results_gate.open_the_gate(gate)
            out, err = self.process.communicate(timeout=BUILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.stop()
            raise SiteBuildError(f"Dựng trang quá {BUILD_TIMEOUT_S // 60} phút nên đã dừng; trang cũ được giữ nguyên.") from None
        if self.process.returncode != 0 or not (self.output / "index.html").is_file():
            raise SiteBuildError(f"Không dựng được trang web: {_pelican_error(err + out)}")

    def stop(self) -> None:
        """Stop Pelican: the results it waits for will not come (or are the site's already)."""
        if self.gate is not None:
            os.close(self.gate)
            self.gate = None
        self.process.kill()
        self.process.communicate()


def start_pelican(project: Project, output: Path, *, publish: bool = False, site_url: str = "", search: bool = True,
                  incremental: dict[str, str] | None = None, gate: tuple[int, int] | None = None) -> PelicanRun:
    """Start Pelican's own command line into `output` (which must not exist or be ours); `PelicanRun.wait`
    raises on any error.

    `incremental` carries the build-cache settings (`HOCTAP_PREVIOUS_OUTPUT`, `HOCTAP_BUILD_MANIFEST`,
    `HOCTAP_BUILD_MANIFEST_OUT`) the plugin reads; without them every page is rendered. `gate`
    (`results_gate.open_gate`): Pelican reads the results once the gate opens. The gate's ends are Pelican's and
    the returned run's from here, closed if Pelican cannot start."""
    try:
        return _start_pelican(project, output, publish=publish, site_url=site_url, search=search,
                              incremental=incremental, gate=gate)
    except BaseException:
        results_gate.close_gate(gate)
        raise


def _start_pelican(project: Project, output: Path, *, publish: bool, site_url: str, search: bool,
                   incremental: dict[str, str] | None, gate: tuple[int, int] | None) -> PelicanRun:
    conf = project.site_dir / ("publishconf.py" if publish else "pelicanconf.py")
    if not conf.is_file():
        raise SiteBuildError(f"Không tìm thấy tệp cấu hình trang {conf}.")
    extra: dict[str, object] = {"HOCTAP_RESULTS_DIR": str(project.results_dir), "HOCTAP_SEARCH": search,
                                **(incremental or {})}
    if os.environ.get("HOCTAP_VERIFY_REUSE"):
        extra["HOCTAP_VERIFY_REUSE"] = True  # developers and tests: render reused pages again and compare
    url = (os.environ.get("HOCTAP_SITE_URL") or site_url).rstrip("/")
    if publish and url:
        extra.update({"SITEURL": url, "FEED_DOMAIN": url})
    cmd = [sys.executable, "-m", "hoctap.quiet_pelican", str(project.content_dir), "-s", str(conf), "-o", str(output),
           "--fatal", "errors", "-q"]
    # One -e with every pair: Pelican keeps only the last -e given.
    cmd += ["-e", *(f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in extra.items())]
    env = {k: v for k, v in os.environ.items() if k != results_gate.ENV}
    env.update(PYTHONIOENCODING="utf-8", COLUMNS="200")
    if gate is not None:
        env[results_gate.ENV] = str(gate[0])
    try:
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                   pass_fds=(gate[0],) if gate else ())
    except OSError as exc:
        raise SiteBuildError(f"Không chạy được Pelican: {exc.strerror or exc}.") from None
    if gate is not None:
        os.close(gate[0])  # Pelican's end now
    return PelicanRun(process, output, gate[1] if gate else None)
