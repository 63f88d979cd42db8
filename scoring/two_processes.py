"""Work split between this process and a forked copy: a national results folder written on both cores.

`hoctap build --full` writes every year's JSON and CSV in its scoring child
(four seconds for five national years) while Pelican, started beside it,
waits with the other core idle. A forked copy already holds the report, so
it writes some of the years without anything being sent to it, each process
taking the next year as soon as it is free; each year's files are its own, so
the two never write the same file. The copy touches
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
_INDEX = 4  # bytes of an item's index in the shared queue
_QUEUED = 1024  # items at most: their indices are written to the queue's pipe at once, before either reads


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def in_two(items: Sequence[T], work: Callable[[T], list[R]], weight: Callable[[T], int]) -> list[R]:
    """`work` on every item, the heaviest first, each process taking the next one as soon as it is free; the
    results in the order of `items`. An exception in either process is raised here (the copy's as it was when
    it can be sent, else in its words), once both have finished; the copy dies if this process does.

    The weights only order the items: a year's cost is not its row count (a Thông tư 24/2023 row writes its
    checks, about twice a Thông tư 22/2020 row's bytes), so a split made in advance left one process working
    alone for a second. Each takes one of the two heaviest, then the next from a shared queue."""
    if not 2 <= len(items) <= _QUEUED or not can_fork():
        return [r for item in items for r in work(item)]
    order = sorted(range(len(items)), key=lambda i: -weight(items[i]))
    queue, queue_out = os.pipe()
    os.write(queue_out, b"".join(i.to_bytes(_INDEX, "little") for i in order[2:]))  # fits the pipe
    os.close(queue_out)  # the queue ends once both have taken every index
    parent = os.getpid()
    try:
        read_end, write_end = os.pipe()
    except BaseException:
        os.close(queue)
        raise
    try:
        pid = os.fork()
    except BaseException:
        for fd in (queue, read_end, write_end):
            os.close(fd)
        raise
    if pid == 0:  # the copy: its part, its answer, and out without running anything of the parent's exit
        os.close(read_end)
        try:
            die_with_parent(parent)
            _answer(write_end, lambda: _share(order[1], queue, items, work))
        finally:
            os._exit(0)
    os.close(write_end)
    reaped = False
    try:
        failure: BaseException | None = None
        try:
            done = _share(order[0], queue, items, work)
        except BaseException as exc:  # raised below, once the copy is waited for
            failure = exc
        with os.fdopen(read_end, "rb") as answers:
            data = answers.read()
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(queue)
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


def _share(first: int, queue: int, items: Sequence[T], work: Callable[[T], list[R]]) -> dict[int, list[R]]:
    """`work` on `first`, then on each item this process takes from the shared queue until it is empty (a pipe's
    reader takes a whole index: they were all written at once, and a read of a few bytes is never split). On a
    failure the queue is emptied first: the other process then takes nothing more, and the failure is known
    once it ends the item it has, not after every other item."""
    done: dict[int, list[R]] = {}
    try:
        i = first
        while True:
            done[i] = work(items[i])
            raw = os.read(queue, _INDEX)
            if len(raw) < _INDEX:
                return done
            i = int.from_bytes(raw, "little")
    except BaseException:
        while os.read(queue, 4096):
            pass
        raise


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
