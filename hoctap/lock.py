"""One run at a time per project: pulls, builds and write-backs take the project's lock.

Two runs at once would interleave archive entries and half-written output; the
second one waits for the first (saying so), and gives up with a clear message
after `WAIT_S`. The lock is an `flock` on `.hoctap/khoa`, released by the
kernel when its process ends, however it ends (a `kill -9` leaves no stale lock).
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from hoctap.project import Project, ProjectError

WAIT_S = 30 * 60

# The lock files this process holds open. A forked child (`hoctap build`'s scoring child) closes its copies at
# once: an flock lasts while any descriptor of the file is open, so a child outliving a parent killed with -9
# would otherwise keep the project locked.
_HELD: set[IO[str]] = set()


def _close_in_child() -> None:
    for handle in list(_HELD):
        handle.close()  # this process's descriptor only: the parent's lock stands
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)


@contextmanager
def project_lock(project: Project, wait_s: float = WAIT_S) -> Iterator[None]:
    path = project.state_dir / "khoa"
    try:
        project.state_dir.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:
        raise ProjectError(f"Không tạo được khóa dự án {path}: {exc.strerror or exc}.") from None
    with handle:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ProjectError(
                        f"Một lần chạy khác của hoctap vẫn đang dùng dự án {project.root} sau {wait_s / 60:.0f} phút; "
                        "hãy thử lại sau."
                    ) from None
                if not told:
                    print("Đang chờ một lần chạy khác của hoctap trong dự án này kết thúc…", file=sys.stderr)
                    told = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        _HELD.add(handle)
        try:
            yield
        finally:
            _HELD.discard(handle)
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_file(project: Project) -> Path:
    return project.state_dir / "khoa"
