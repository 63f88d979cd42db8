"""Pagefind's indexing service (`pagefind --service`): a page handed to it as soon as the build writes it.

Pagefind's own Python client waits a tenth of a second for each reply, so
`IndexService` speaks the protocol itself. What is indexed, and in which
order, is `search.IndexJob`'s business; this module only carries pages to
Pagefind and the index files back.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:
        raise SearchIndexError("Chưa cài pagefind[bin]: không tạo được chỉ mục tìm kiếm.") from exc
    return Path(get_executable())


# Pages sent to the service and not yet indexed, at most: it holds each one whole until its turn.
IN_FLIGHT = 32


class IndexService:
    """Pagefind's indexing service (`pagefind --service`), fed one page at a time as the build writes it.

    Pagefind's own Python client waits a tenth of a second for each reply, so this speaks the protocol itself:
    each message base64-encoded JSON ended by a comma, on the service's stdin and stdout. The service reads its
    stdin eagerly into a queue and indexes page after page in order, on a core the page writer does not use.
    Its index depends on the order pages are added: `IndexJob` always adds them in one order. The replies are
    read by the caller's thread, between pages: a reader thread would take the interpreter from the page
    writer at every reply.
    """

    def __init__(self, cwd: Path) -> None:
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115  # lives as long as the service; closed by stop()
        try:
            self.proc = subprocess.Popen([str(_executable()), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self.errors, cwd=cwd)
        except OSError as exc:
            self.errors.close()
            raise SearchIndexError(f"Không chạy được Pagefind: {exc}") from exc
        atexit.register(self.stop)  # a build that fails meanwhile leaves no indexer running
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        grow = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux: a page (tens of KB) fits whole, the writer does not wait
        if grow is not None:
            with contextlib.suppress(OSError):
                fcntl.fcntl(self.stdin, grow, 1 << 20)
        self.replies: dict[int, dict[str, Any]] = {}
        self.failures: list[str] = []
        self.pending = bytearray()  # the start of a reply not yet ended (a large one comes in many pieces)
        self.indexed = 0
        self.closed = False
        self.sent = 0
        self.added = 0
        self.pages: dict[int, str] = {}  # message id -> page, to name a page Pagefind could not read
        self.index_id = int(self._call({"type": "NewIndex", "config": {"force_language": "vi"}})["index_id"])

    def _receive(self, wait: float) -> None:
        """Take in the replies that have come, waiting up to `wait` seconds for some."""
        if self.closed or not select.select([self.stdout], [], [], max(0.0, wait))[0]:
            return
        chunk = os.read(self.stdout, 1 << 20)
        if not chunk:
            self.closed = True
            return
        *ended, rest = chunk.split(b",")
        if not ended:
            self.pending += rest
            return
        ended[0] = bytes(self.pending + ended[0]) if self.pending else ended[0]
        self.pending = bytearray(rest)
        for message in ended:
            try:
                reply = orjson.loads(base64.b64decode(message))
            except ValueError as exc:
                raise SearchIndexError(f"Pagefind trả lời không đọc được ({exc}).") from None
            payload, number = reply.get("payload") or {}, reply.get("message_id")
            if payload.get("type") == "IndexedFile" and number in self.pages:
                self.indexed += 1
                del self.pages[number]
            elif payload.get("type") == "Error":
                where = self.pages.pop(number, None)
                self.failures.append(f"{where}: {payload.get('message')}" if where else str(payload.get("message")))
            else:
                self.replies[number] = payload

    def _send(self, payload: dict[str, Any], page: str | None = None) -> int:
        self.sent += 1
        if page is not None:
            self.pages[self.sent] = page
            self.added += 1
        message = memoryview(base64.b64encode(orjson.dumps({"message_id": self.sent, "payload": payload})) + b",")
        try:
            while message:
                message = message[os.write(self.stdin, message):]
        except OSError as exc:  # the service is gone: `_why` says why
            self.failures.append(str(exc))
        return self.sent

    def _call(self, payload: dict[str, Any], timeout: float = 600) -> dict[str, Any]:
        number = self._send(payload)
        deadline = time.monotonic() + timeout
        while number not in self.replies and not self.closed and not self.failures and time.monotonic() < deadline:
            self._receive(deadline - time.monotonic())
        reply = self.replies.pop(number, None)
        if reply is None or self.failures:
            raise SearchIndexError(f"Pagefind thất bại: {self._why()}")
        return reply

    def _why(self) -> str:
        if self.errors.closed:
            return "; ".join(self.failures[:5]) or "dịch vụ lập chỉ mục dừng đột ngột"
        self.errors.seek(0)
        told = self.errors.read().decode("utf-8", "replace").strip()[-2000:]
        return "; ".join([*self.failures[:5], told] if told else self.failures[:5]) or "dịch vụ lập chỉ mục dừng đột ngột"

    def add(self, rel: str, raw: bytes) -> None:
        """Index one page (its bytes as written; đ folded here, see `search`'s docstring)."""
        self._receive(0)
        deadline = time.monotonic() + 600
        while self.added - self.indexed >= IN_FLIGHT and not self.closed and not self.failures:
            if time.monotonic() > deadline:  # the service queues what it reads: never more than a few pages ahead
                self.failures.append("không lập chỉ mục thêm được trang nào trong 10 phút")
            self._receive(deadline - time.monotonic())
        if self.closed or self.failures:  # fail now, not after every other page was rendered
            raise SearchIndexError(f"Pagefind thất bại: {self._why()}")
        # Replaced after decoding: `bytes.replace` stops at every other Vietnamese letter (their first byte is
        # đ's), `str.replace` does not; ten thousand pages' bytes are fed here while the next ones wait.
        text = raw.decode("utf-8", "replace").replace("đ", "d\u0335").replace("Đ", "D\u0335")
        self._send({"type": "AddFile", "index_id": self.index_id, "file_path": rel, "url": None,
                    "file_contents": text}, page=rel)

    def write(self, folder: Path) -> None:
        """Wait for every page to be indexed, then write the index into `folder`.

        The files are asked for (`GetFiles`) and written here: the service's own `WriteFiles` answers before
        its last writes reach the disk, and it exits when its input ends, which can cut a file short.
        """
        files = self._call({"type": "GetFiles", "index_id": self.index_id}).get("files") or []
        if self.indexed != self.added:
            raise SearchIndexError(f"Pagefind lập chỉ mục {self.indexed} trên {self.added} trang: {self._why()}")
        if not any(str(f.get("path", "")).startswith("fragment/") for f in files):  # every page without a word
            raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (trang không có chữ nào để tìm?).")
        self.stop()
        write_index_files(files, folder)

    def stop(self) -> None:
        if self.proc.poll() is None:
            if self.proc.stdin is not None:
                with contextlib.suppress(OSError):
                    self.proc.stdin.close()  # the service ends at the end of its input
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self.errors.close()


def write_index_files(files: list[dict[str, Any]], folder: Path) -> None:
    """The files `GetFiles` answered (`path`, base64 `content`), written into `folder`; each one's content is
    dropped once written, so the index is held once, not twice. A path that would lead out of the folder stops
    the build before anything else is written.

    Paths are judged as strings: the folder is new and only these files go in it, so no link can lead out of
    it, and resolving ten thousand paths cost a third of the last second of a national build."""
    for file in files:
        rel = str(file["path"])
        if rel.startswith("/") or any(p in ("", ".", "..") or os.sep in p or "\\" in p for p in rel.split("/")):
            raise SearchIndexError(f"Pagefind trả về tệp ngoài thư mục chỉ mục: {rel!r}")
    folder.mkdir(parents=True, exist_ok=True)
    root = f"{folder}{os.sep}"
    made = {""}
    files.reverse()
    while files:
        file = files.pop()
        rel = str(file["path"])
        parent = rel.rpartition("/")[0]
        if parent not in made:
            os.makedirs(root + parent, exist_ok=True)  # noqa: PTH103  (strings: see above)
            made.add(parent)
        with open(root + rel, "wb") as out:
            out.write(base64.b64decode(file["content"]))
