"""The build's helper processes (the search indexer, the downloads writer): how they start, and how they end
with the build.

Both run `python -m hoctap_pages <role>` (`__main__.py`, which the package does
not import: `-m` on a module the package's `__init__` had already imported
would print runpy's warning first, and a helper that died without answering
would report that warning as its reason). They import the plugin as the
build's Pelican does, from the folder that holds it.

A helper must not outlive its build. A build that fails in Python stops its
helpers itself, but `hoctap build` kills a Pelican it gives up on
(`PelicanRun.stop`), and nothing of the dead process runs then: a downloads
writer left alone would go on writing into a staging folder being deleted,
and pruning the shared workbook store. So each helper asks the kernel for
SIGKILL when its parent dies (`scoring.two_processes.die_with_parent`: Linux's
`PR_SET_PDEATHSIG`; elsewhere a thread watches its parent's pid).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

from scoring.two_processes import die_with_parent

# The folder that holds the plugin's package.
PLUGINS = Path(__file__).resolve().parent.parent
PARENT_ENV = "HOCTAP_HELPER_PARENT"


def start(role: str, *args: str, stdout: int | IO[Any], stderr: int | IO[Any]) -> subprocess.Popen[bytes]:
    """Start the helper `role` (`feeder` or `downloads`: `__main__`) with its input a pipe; OSError if it cannot."""
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGINS), path] if path else [str(PLUGINS)]),
           PARENT_ENV: str(os.getpid())}
    return subprocess.Popen([sys.executable, "-m", "hoctap_pages", role, *args], stdin=subprocess.PIPE,
                            stdout=stdout, stderr=stderr, env=env)


def end_with_parent() -> None:
    """Called first thing in a helper: it dies when the process that started it does."""
    parent = int(os.environ.pop(PARENT_ENV, "0") or 0)
    if parent:  # else run by hand
        die_with_parent(parent)
