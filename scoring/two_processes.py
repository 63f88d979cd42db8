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
Elsewhere, or for one item, everything runs here.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def in_two(items: Sequence[T], work: Callable[[T], list[R]], weight: Callable[[T], int]) -> list[R]:
    """`work` on every item, the heaviest first, each process taking the next while it is lighter loaded; the
    results in the order of `items`. An exception in either process is raised here (the copy's is re-raised
    as it was, when it can be pickled), once both have finished."""
    if len(items) < 2 or not can_fork():
        return [r for item in items for r in work(item)]
    loads = [0, 0]
    mine: list[int] = []
    theirs: list[int] = []
    for i in sorted(range(len(items)), key=lambda i: -weight(items[i])):
        side = 0 if loads[0] <= loads[1] else 1
        (mine if side == 0 else theirs).append(i)
        loads[side] += weight(items[i])
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: its part, its answer, and out without running anything of the parent's exit
        os.close(read_end)
        try:
            answer: object = ("ok", {i: work(items[i]) for i in theirs})
        except BaseException as exc:  # whatever it was, the parent raises it
            answer = ("error", exc)
        try:
            try:
                data = pickle.dumps(answer)
            except Exception:  # an exception that does not pickle: its words do
                data = pickle.dumps(("error", RuntimeError(str(answer[1]))))  # type: ignore[index]
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
        finally:
            os._exit(0)
    os.close(write_end)
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
    if failure is not None:
        raise failure
    if not data:
        raise ChildProcessError(f"tiến trình ghi song song dừng đột ngột (mã {os.waitstatus_to_exitcode(status)})")
    kind, value = pickle.loads(data)  # our own fork's bytes
    if kind == "error":
        raise value
    done.update(value)
    return [r for i in range(len(items)) for r in done[i]]
