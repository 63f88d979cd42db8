"""Work split between this process and a forked copy: a national results folder written on both cores.

`hoctap build --full` writes every year's JSON and CSV in its scoring child
(four seconds for five national years) while Pelican, started beside it,
waits with the other core idle. A forked copy already holds the report, so
it writes half of the years without anything being sent to it; each year's
files are its own, so the two never write the same file. The copy touches
the rows it writes (reference counts), so those pages are copied: about half
the report's memory, at a moment when Pelican holds nothing yet.

Only where forking is safe: Linux, and a process with one thread (a lock held
by another thread at the fork would stay held in the copy for ever).
Elsewhere, or for one item, everything runs here. The copy dies with its
parent (`die_with_parent`, also used by the site build's helper processes):
a build given up on must not leave it writing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def in_two(items: Sequence[T], work: Callable[[T], list[R]], weight: Callable[[T], int]) -> list[R]:
    """`work` on every item, the heaviest first, each process taking the next while it is lighter loaded; the
    results in the order of `items`. An exception in either process is raised here (the copy's as it was when
    it can be sent, else in its words), once both have finished; the copy dies if this process does."""
    if len(items) < 2 or not can_fork():
        return [r for item in items for r in work(item)]
    loads = [0, 0]
    mine: list[int] = []
    theirs: list[int] = []
    for i in sorted(range(len(items)), key=lambda i: -weight(items[i])):
        side = 0 if loads[0] <= loads[1] else 1
        (mine if side == 0 else theirs).append(i)
        loads[side] += weight(items[i])
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: its part, its answer, and out without running anything of the parent's exit
        os.close(read_end)
        try:
            die_with_parent(parent)
            _answer(write_end, lambda: {i: work(items[i]) for i in theirs})
        finally:
            os._exit(0)
    os.close(write_end)
    reaped = False
    try:
        done: dict[int, list[R]] = {}
        failure: BaseException | None = None
        try:
            for i in mine:
                done[i] = work(items[i])
        except BaseException as exc:  # raised below, once the copy is waited for
            failure = exc
        with os.fdopen(read_end, "rb") as answers:
            data = answers.read()
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        if not reaped:  # interrupted: the copy must not go on writing
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    if failure is not None:
        raise failure
    try:
        kind, value = pickle.loads(data)  # our own fork's bytes
    except Exception:  # nothing, or cut short: the copy died
        raise ChildProcessError(
            f"tiến trình ghi song song dừng đột ngột (mã {os.waitstatus_to_exitcode(status)})") from None
    if kind == "error":
        raise value
    done.update(value)
    return [r for i in range(len(items)) for r in done[i]]


def _answer(fd: int, work: Callable[[], object]) -> None:
    """The copy's answer: ("ok", what `work` gave) or ("error", the exception), as bytes the parent can read
    back (an exception that would not be rebuilt there goes as a RuntimeError in its own words)."""
    try:
        answer: tuple[str, object] = ("ok", work())
    except BaseException as exc:  # whatever it was, the parent raises it
        answer = ("error", exc)
    try:
        data = pickle.dumps(answer)
        pickle.loads(data)
    except Exception:
        data = pickle.dumps(("error", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def die_with_parent(parent: int) -> None:
    """This process (a child of `parent`) is killed when its parent dies (Linux's `PR_SET_PDEATHSIG`), or ends
    now if the parent is gone already; elsewhere a thread watches the parent's pid."""
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
