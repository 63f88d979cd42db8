"""The indexing process: reads each page back as the build writes it, and hands Pagefind its search view.

Pagefind parses a whole page to index the little of it outside the ignored
regions (a unit's page is mostly tables), and turning a page into the
service's message costs the page writer about as much as a tenth of
rendering it. So the build only names each page, one line on this process's
input; this process, on the other core, reads the page, reduces it to its
search view (`search_views.search_view`, which gives Pagefind the same index)
and passes that to Pagefind's service (`pagefind_service.IndexService`).

Its input is one JSON array a line: `["page", rel]` for each page, in the
order the index must number them, then `["write", folder]`. It answers one
JSON object a line: `{"ok": pages, "read": {rel: [digest, searched]}}` once
the index is written, or `{"error": message}` (Vietnamese) as soon as
something fails, and exits. `IndexFeeder` is the build's end of it.

Since it reads every page anyway, it also takes the digest of each one's bytes
that the build manifest records (`build_cache.digest`): reading ten thousand
pages back and hashing them cost the page writer a second of a national
build.
"""

from __future__ import annotations

import atexit
import contextlib
import select
import subprocess
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from . import child_process
from .build_cache import digest
from .pagefind_service import IndexService, SearchIndexError
from .search_views import search_view

WRITE_TIMEOUT_S = 1200
# Names handed over a batch at a time: a write to the pipe wakes the process on the other core, and waking it
# for each of ten thousand pages cost the page writer more than the batch's delay costs at the end.
BATCH = 16


class IndexFeeder:
    """The build's end of the indexing process: `add` names a page just written, `write` makes the index.

    A failure in the process (Pagefind's included) is raised within `BATCH` pages, not after every other page
    was rendered. The pipe holds a few thousand names: a build that writes faster than Pagefind indexes
    waits there, with nothing but the names held.
    """

    def __init__(self, output: Path) -> None:
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115  # lives as long as the process; closed by stop()
        try:
            self.proc = child_process.start("feeder", str(output), stdout=subprocess.PIPE, stderr=self.errors)
        except OSError as exc:
            self.errors.close()
            raise SearchIndexError(f"Không chạy được tiến trình lập chỉ mục: {exc}") from exc
        atexit.register(self.stop)  # a build that fails meanwhile leaves no indexer running
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.named = 0

    def add(self, rel: str) -> None:
        """Index the page `rel` (relative to the output; read back by the process)."""
        self.named += 1
        if self.named % BATCH:
            self._send(["page", rel], flush=False)
            return
        if select.select([self.stdout], [], [], 0)[0]:  # the process spoke before the end: it failed
            self._reply()
        self._send(["page", rel])

    def write(self, folder: Path) -> dict[str, tuple[str, bool]]:
        """Wait for every page to be indexed, write the index into `folder`; return every page read, with the
        digest of its bytes and whether it has a search body (those are the pages the index holds)."""
        self._send(["write", str(folder)])
        with contextlib.suppress(OSError, ValueError):  # gone already: its answer says why
            self.stdin.close()
        if not select.select([self.stdout], [], [], WRITE_TIMEOUT_S)[0]:
            self.stop()
            raise SearchIndexError(f"Pagefind không xong chỉ mục sau {WRITE_TIMEOUT_S // 60} phút.")
        return self._reply()

    def _send(self, message: list[str], *, flush: bool = True) -> None:
        try:
            self.stdin.write(orjson.dumps(message) + b"\n")
            if flush:
                self.stdin.flush()
        except (OSError, ValueError):  # the process is gone: its last words say why
            self._reply()

    def _reply(self) -> dict[str, tuple[str, bool]]:
        line = self.stdout.readline()
        try:
            reply = orjson.loads(line) if line else {}
        except orjson.JSONDecodeError:
            reply = {}
        if isinstance(reply, dict) and isinstance(reply.get("ok"), int) and isinstance(reply.get("read"), dict):
            self.stop(wait=10)
            return {str(rel): (str(sha), bool(searched)) for rel, (sha, searched) in reply["read"].items()}
        self.stop(wait=10 if line else 0)
        told = reply.get("error") if isinstance(reply, dict) else None
        raise SearchIndexError(str(told) if told else f"Pagefind thất bại: {self._why()}")

    def _why(self) -> str:
        if self.errors.closed:
            return "tiến trình lập chỉ mục dừng đột ngột"
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace").strip()[-2000:] or "tiến trình lập chỉ mục dừng đột ngột"

    def stop(self, wait: float = 0.0) -> None:
        """End the process: it has answered and ends by itself (`wait`: for how long), or the build failed and it
        is killed, not told (the names not yet handed over would be flushed into a pipe a hung process no
        longer reads). Pagefind, its child, ends at the end of its input."""
        atexit.unregister(self.stop)
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError, ValueError):
                stream.close()
        with contextlib.suppress(OSError):
            self.errors.close()


def serve(output: Path, lines: BinaryIO, replies: BinaryIO) -> None:
    """The process: index the pages named on `lines` until `write`, answer on `replies`."""
    service: IndexService | None = None
    fed = 0
    read: dict[str, tuple[str, bool]] = {}

    def answer(reply: dict[str, Any]) -> None:
        replies.write(orjson.dumps(reply) + b"\n")
        replies.flush()

    try:
        service = IndexService(output)
        for line in lines:
            kind, value = orjson.loads(line)
            if kind == "page":
                try:
                    raw = (output / value).read_bytes()
                    searched = b"data-pagefind-body" in raw
                    view = search_view(raw) if searched else None
                except Exception as exc:  # a page gone, or one the cut cannot take (a bug): named, in Vietnamese
                    raise SearchIndexError(f"Không đọc được trang {value} để lập chỉ mục: {exc}") from None
                read[value] = (digest(raw), searched)
                if view is not None:
                    service.add(value, view)
                    fed += 1
            elif kind == "write":
                if not fed:
                    raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
                service.write(Path(value))
                answer({"ok": fed, "read": read})
                return
        # The input ended without `write`: the build stopped; so does Pagefind, below.
    except SearchIndexError as exc:
        answer({"error": str(exc)})
    except (OSError, ValueError) as exc:
        answer({"error": f"Pagefind thất bại: {exc}"})
    finally:
        if service is not None:
            service.stop()
