"""Work split with a forked copy (`scoring.two_processes`): a --full build writes its years on both cores.

The results folder written by two processes must be the one written by one,
byte for byte (stamps included), and a failure in the copy must fail the
write, in its own words.
"""

from __future__ import annotations

import errno
import os
import re
import time
from pathlib import Path

import pytest
from support import PINNED_EPOCH

from hoctap import pipeline
from hoctap.project import Project
from scoring import two_processes
from scoring.two_processes import in_two

needs_fork = pytest.mark.skipif(not two_processes.can_fork(), reason="forks only on Linux, from one thread")


@needs_fork
def test_the_work_is_shared_with_a_copy_and_comes_back_in_order() -> None:
    here = os.getpid()
    done = in_two(list(range(7)), lambda i: [(i, os.getpid())], weight=lambda i: 10 - i)
    assert [i for i, _ in done] == list(range(7))
    assert {pid for _, pid in done} - {here}  # some were done by the copy
    assert here in {pid for _, pid in done}


@needs_fork
def test_a_process_that_is_free_takes_the_next_item() -> None:
    """Years cost what their rows write, not their count: the copy goes on while this process is busy."""
    here = os.getpid()

    def work(i: int) -> list[tuple[int, int]]:
        time.sleep(1.0 if i == 0 else 0.01)
        return [(i, os.getpid())]

    done = in_two(list(range(6)), work, weight=lambda i: 10 - i)
    assert [i for i, _ in done] == list(range(6))
    assert [i for i, pid in done if pid == here] == [0]  # the heaviest, and nothing while it lasted


@needs_fork
def test_after_a_failure_the_other_process_takes_no_more_items(tmp_path: Path) -> None:
    """The failure is known once the other process ends the item it has, not after every other item."""
    here = os.getpid()

    def work(i: int) -> list[int]:
        if os.getpid() == here:
            raise OSError(errno.ENOSPC, "Hết chỗ trên đĩa")
        time.sleep(0.5)  # the copy's first item, while this process fails
        (tmp_path / str(i)).touch()
        return [i]

    with pytest.raises(OSError, match="Hết chỗ trên đĩa"):
        in_two(list(range(6)), work, weight=lambda i: 10 - i)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1"]


@needs_fork
def test_a_failure_in_the_copy_is_raised_here_as_it_was() -> None:
    here = os.getpid()

    def work(i: int) -> list[int]:
        if os.getpid() != here:
            raise OSError(errno.ENOSPC, "Hết chỗ trên đĩa")
        return [i]

    with pytest.raises(OSError, match="Hết chỗ trên đĩa") as raised:
        in_two([1, 2, 3], work, weight=lambda i: 1)
    assert raised.value.errno == errno.ENOSPC


class TwoPartError(Exception):
    """An exception pickle writes but cannot rebuild (its constructor takes two arguments, its args hold one)."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path}: {why}")


@needs_fork
def test_an_exception_the_copy_cannot_send_comes_back_in_its_words() -> None:
    here = os.getpid()

    def work(i: int) -> list[int]:
        if os.getpid() != here:
            raise TwoPartError("ket-qua-2025.json", "không ghi được")
        return [i]

    with pytest.raises(RuntimeError, match=r"TwoPartError: ket-qua-2025\.json: không ghi được"):
        in_two([1, 2], work, weight=lambda i: 1)


@needs_fork
def test_a_copy_that_dies_without_answering_fails_the_work_in_vietnamese() -> None:
    here = os.getpid()

    def work(i: int) -> list[int]:
        if os.getpid() != here:
            os._exit(3)
        return [i]

    with pytest.raises(ChildProcessError, match=r"dừng đột ngột \(mã 3\)"):
        in_two([1, 2], work, weight=lambda i: 1)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes; a stamp's without the times it records of its files (size:time)."""
    return {p.relative_to(folder).as_posix(): re.sub(rb" (\d+):\d+", rb" \1", p.read_bytes()) if p.suffix == ".key"
            else p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_fork
def test_the_results_folder_written_by_two_processes_is_the_one_written_by_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    folders = {}
    for label, forks in (("hai", True), ("mot", False)):
        monkeypatch.setattr(two_processes, "can_fork", lambda forks=forks: forks)
        project = Project.open(tmp_path / label)
        intake = pipeline.collect(project)
        keys = pipeline.year_inputs(project, intake)
        pipeline.write_results(project, pipeline.score_intake(intake, project), intake, year_keys=keys)
        folders[label] = tree(project.results_dir)
    assert len([n for n in folders["hai"] if n.startswith("ket-qua-") and n.endswith(".json")]) >= 5
    assert folders["hai"] == folders["mot"]
