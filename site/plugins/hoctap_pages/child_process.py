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
SIGKILL when its parent dies (Linux's `PR_SET_PDEATHSIG`), and elsewhere
watches its parent's pid.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

# The folder that holds the plugin's package.
PLUGINS = Path(__file__).resolve().parent.parent
PARENT_ENV = "HOCTAP_HELPER_PARENT"
_PR_SET_PDEATHSIG = 1


def start(role: str, *args: str, stdout: int | IO[Any], stderr: int | IO[Any]) -> subprocess.Popen[bytes]:
    """Start the helper `role` (`__main__.ROLES`) with its input a pipe; raises OSError if it cannot start."""
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGINS), path] if path else [str(PLUGINS)]),
           PARENT_ENV: str(os.getpid())}
    return subprocess.Popen([sys.executable, "-m", "hoctap_pages", role, *args], stdin=subprocess.PIPE,
                            stdout=stdout, stderr=stderr, env=env)


def end_with_parent() -> None:
    """Called first thing in a helper: it dies when the process that started it does."""
    parent = int(os.environ.pop(PARENT_ENV, "0") or 0)
    if not parent:
        return  # run by hand
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # it died before the request was made
                os._exit(1)
            return
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.1)
    with contextlib.suppress(OSError):
        os.kill(os.getpid(), signal.SIGKILL)
