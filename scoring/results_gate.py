"""The gate between `hoctap build`'s child, which writes the results folder, and Pelican, started beside it.

A rebuild after one unit changed scores one year in a child process, on one
core, for seconds; Pelican then spends seconds more starting and reading
every year's results (a national year is 50 MB of JSON). `hoctap build`
starts Pelican as soon as the child is running, with the read end of a pipe
(its number in `ENV`), and Pelican reads the folder only once the gate opens.
Meanwhile it reads the years the child said it keeps, on the other core
(`scoring.published.load_results_folder`, which reads a year again if one of
its files was replaced all the same: what the child says is a hint, never a
promise the pages rely on).

The pipe carries lines of ASCII:

- `keep 2021 2022` from the child, once it knows which years it will not
  write again (there may be no such line);
- `go` from `hoctap build`, once the child has finished writing.

The end of the pipe before `go` means the build stopped: Pelican stops too.
(The child closes its inherited end once it has spoken, so only `hoctap
build` holds one after that; it also stops Pelican itself when the build
fails or the site turns out current.)

Whether a year was replaced while Pelican waited is told by each of its
files' inode, size and times, taken before they are read
(`scoring.year_stamps.year_state`): hoctap replaces a results file by
renaming a new one over it, never by writing into it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection
from typing import BinaryIO

from scoring.results_folder import ResultsError

ENV = "HOCTAP_RESULTS_GATE"


def open_gate() -> tuple[int, int]:
    """A new gate: (the end Pelican reads, the end the child and `hoctap build` write)."""
    return os.pipe()


def close_gate(gate: tuple[int, int] | None) -> None:
    """Both ends of a gate no Pelican will read."""
    for fd in gate or ():
        with contextlib.suppress(OSError):
            os.close(fd)


def say_kept(fd: int | None, years: Collection[int]) -> None:
    """The child: the years whose files it leaves as they are; then it closes its end, so that the pipe ends
    when `hoctap build` does. Never fails the child (the gate is a hint)."""
    if fd is None:
        return
    with contextlib.suppress(OSError):
        os.write(fd, ("keep " + " ".join(str(int(y)) for y in sorted(years)) + "\n").encode("ascii"))
    with contextlib.suppress(OSError):
        os.close(fd)


def open_the_gate(fd: int) -> None:
    """`hoctap build`: the folder is written; Pelican may read it. Closes this end."""
    try:
        os.write(fd, b"go\n")
    finally:
        os.close(fd)


class GateReader:
    """Pelican's end: what the child keeps, then the wait for `go`."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._open = False
        self._kept: tuple[int, ...] | None = None

    @classmethod
    def from_environment(cls) -> GateReader | None:
        value = os.environ.pop(ENV, "")  # Pelican's own child processes (Pagefind) have no such descriptor
        if not value.isdigit():
            return None
        try:
            return cls(open(int(value), "rb"))
        except OSError:
            return None

    def kept(self) -> tuple[int, ...]:
        """The years the child keeps, once it has said so; () when the gate opened first."""
        if self._kept is None:
            self._kept = ()
            line = self._line()
            if line.startswith("keep"):
                self._kept = tuple(int(y) for y in line.split()[1:] if y.isdigit())
            elif line == "go":
                self._opened()
        return self._kept

    def wait(self) -> None:
        """Return once the gate opens; raise when the build stopped before it did."""
        while not self._open:
            line = self._line()
            if line == "go":
                self._opened()
            elif line.startswith("keep"):
                continue
            else:
                self._stream.close()
                raise ResultsError("Việc ghi kết quả đã dừng trước khi trang được dựng; trang cũ được giữ nguyên.")

    def _opened(self) -> None:
        self._open = True
        self._stream.close()

    def _line(self) -> str:
        if self._stream.closed:
            return ""
        try:
            return self._stream.readline().decode("ascii", "replace").strip() or "eof"
        except OSError:
            return "eof"
