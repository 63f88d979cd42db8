"""The search index: Pagefind's bundled binary, run as a service and handed each page as the build writes it.

Pagefind folds tone marks itself (it strips every combining mark of the NFD
form, at index and at query time), but `đ` is a letter of its own, not `d`
with a mark: "duc hoa" would never find "Đức Hòa". So the pages are handed
to Pagefind with every đ/Đ written d/D followed by U+0335 (a combining
short stroke): Pagefind strips that mark like any tone mark and indexes
"duc", and the search script turns "d\u0335" back into "đ" in titles and
excerpts (and folds the query fully, đ included). The published pages keep
their text unchanged.

Only `data-pagefind-body` regions are indexed (the main content of result,
unit, criteria and guidance pages); tables, charts and counts are marked
`data-pagefind-ignore`: people search for units and texts, not figures. So an
incremental build keeps the previous index when every page Pagefind reads has
the same search view as before (`search_view`: the page without the text of
its ignored regions), which is what a corrected figure changes; indexing the
whole site again takes most of a national rebuild otherwise. A failure stops
the build: a site without its search index must not be published silently.

When the index is made, Pagefind works on the other core while the pages are
rendered (`IndexService`, `IndexJob`): it indexes a page in about as long as
the build takes to render one.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from lxml import etree
from lxml import html as lxml_html

from .build_cache import BuildCache, digest, key_of

# d/D + COMBINING SHORT STROKE OVERLAY: a mark Pagefind strips, so the word is indexed with a plain d.
STROKE = "\u0335"

SKIP_DIRS = {"pagefind", "theme"}


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:
        raise SearchIndexError("Chưa cài pagefind[bin]: không tạo được chỉ mục tìm kiếm.") from exc
    return Path(get_executable())


def indexed_pages(output_path: Path, cache: BuildCache) -> dict[str, str]:
    """The pages Pagefind reads (those with a search body) and a digest of each one's bytes (known from the
    cache for the pages it wrote or reused)."""
    pages = {}
    for path in sorted(output_path.rglob("*.html")):
        rel = path.relative_to(output_path)
        if rel.parts[0] in SKIP_DIRS:
            continue
        entry = cache.new.get(rel.as_posix())
        if entry is not None and entry.sha:
            if entry.searched:
                pages[rel.as_posix()] = entry.sha
            continue
        raw = path.read_bytes()
        if b"data-pagefind-body" in raw:
            pages[rel.as_posix()] = digest(raw)
    return pages


# Inside an ignored region (and on the region's own element) Pagefind still reads the metadata, filters and
# sorts of the elements that carry them, with their text; ids advance its anchors; the first h1 may be the
# page's title (and a <title>, an SVG's, when the head has none); images may be its image. Those stay in the
# search view.
_PAGEFIND_ATTRIBUTE = "@*[starts-with(name(), 'data-pagefind') and name() != 'data-pagefind-ignore']"
_ALSO_READ = f"descendant-or-self::*[@id or self::img or self::h1 or {_PAGEFIND_ATTRIBUTE}]"
_ALSO_READ_UNTITLED = f"descendant-or-self::*[@id or self::img or self::h1 or self::title or {_PAGEFIND_ATTRIBUTE}]"
_IGNORED = "//*[@data-pagefind-ignore][not(ancestor::*[@data-pagefind-ignore])]"


# Of those, the ones whose text Pagefind reads.
_WITH_TEXT = etree.XPath(f"boolean(self::h1 or self::title or {_PAGEFIND_ATTRIBUTE})")


def _read_inside(e: Any) -> list[Any]:
    return [str(e.tag), sorted(e.attrib.items()), e.text_content() if _WITH_TEXT(e) else ""]


def search_view(raw: bytes) -> bytes:
    """The page as far as its search record can depend on it: each `data-pagefind-ignore` region reduced to
    its own tag and what Pagefind still reads inside it (see `_ALSO_READ`).

    Everything outside the ignored regions, head and navigation included, stays as it is: two pages with the
    same view give the same index, so a change that only touches ignored text (the figures of a table) keeps
    it. The view is compared after parsing: `caf&eacute;` and `café` are the same text to it; the templates
    write text one way only (markupsafe's escaping), and its version is part of the index's key.
    """
    root = lxml_html.document_fromstring(raw)
    also_read = _ALSO_READ if root.xpath("/html/head/title") else _ALSO_READ_UNTITLED
    for region in root.xpath(_IGNORED):
        stub = etree.Element(str(region.tag), {str(k): str(v) for k, v in region.attrib.items()})
        stub.text = json.dumps([_read_inside(e) for e in region.xpath(also_read)], ensure_ascii=False)
        stub.tail = region.tail
        parent = region.getparent()
        if parent is None:
            return raw
        parent.replace(region, stub)
    return bytes(lxml_html.tostring(root, encoding="utf-8"))


# Above this many pages with new bytes a new index costs less than comparing their views.
MAX_COMPARED = 400


def same_views(previous: Path, old: dict[str, str], new: dict[str, str], output_path: Path) -> bool:
    """Whether every page Pagefind reads has the same search view as in the previous build (whose index was made
    from, or kept for, exactly the pages `old` lists: a page there whose bytes are not those is a changed one)."""
    if old.keys() != new.keys():
        return False
    changed = [rel for rel, sha in new.items() if old[rel] != sha]
    if len(changed) > MAX_COMPARED:
        return False
    for rel in changed:
        try:
            before = (previous / rel).read_bytes()
        except OSError:
            return False
        if digest(before) != old[rel] or search_view(before) != search_view((output_path / rel).read_bytes()):
            return False
    return True


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
        """Index one page (its bytes as written; đ folded here, see the module docstring)."""
        self._receive(0)
        deadline = time.monotonic() + 600
        while self.added - self.indexed >= IN_FLIGHT and not self.closed and not self.failures:
            if time.monotonic() > deadline:  # the service queues what it reads: never more than a few pages ahead
                self.failures.append("không lập chỉ mục thêm được trang nào trong 10 phút")
            self._receive(deadline - time.monotonic())
        if self.closed or self.failures:  # fail now, not after every other page was rendered
            raise SearchIndexError(f"Pagefind thất bại: {self._why()}")
        folded = raw.replace(b"\xc4\x91", b"d\xcc\xb5").replace(b"\xc4\x90", b"D\xcc\xb5")
        self._send({"type": "AddFile", "index_id": self.index_id, "file_path": rel, "url": None,
                    "file_contents": folded.decode("utf-8", "replace")}, page=rel)

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
        root = folder.resolve()
        files.reverse()
        while files:  # each file's content dropped once written: the index is held once, not twice
            file = files.pop()
            target = (root / str(file["path"])).resolve()
            if not target.is_relative_to(root) or target == root:
                raise SearchIndexError(f"Pagefind trả về tệp ngoài thư mục chỉ mục: {file['path']!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(file["content"]))

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


class IndexJob:
    """The search index, made by Pagefind's service while the build writes the pages.

    `begin` (before the generator's first page) is given the pages Pelican wrote already in this run; `page`
    is told every page the generator writes or links, in order; `finish` adds whatever other page has a
    search body and writes the index. Pages are always added in that order (Pelican's first, sorted, then
    the generator's, then the rest, sorted), and the index's key covers it, so the index has the same bytes
    however it was made:

    - streamed, when the previous build's index cannot serve (no previous build, or other code, templates,
      settings, guidance pages or library versions): each page is handed to Pagefind as soon as it is
      written, and it indexes while the next ones are rendered;
    - otherwise, once the generator's pages are written (`pages_written`): the previous index is linked in
      at the end when no page's search view changed (`same_views`), else every page is read back and
      indexed while the downloads are written.
    """

    def __init__(self, output_path: Path, cache: BuildCache | None, base: str = "") -> None:
        self.output = output_path
        self.base = base
        self.index = output_path / "pagefind"
        self.cache = cache
        self.key = ""
        self.order: list[str] = []  # every page seen, in the order they are added
        self.fed: set[str] = set()
        self.service: IndexService | None = None
        self.judged: tuple[dict[str, str], bool] | None = None  # the pages `_previous_serves` last judged, and how

    def begin(self, written: list[str] | None = None) -> None:
        """`written`: the pages Pelican wrote before the generator's (relative to the output; default: every
        page in the output folder)."""
        self.order = sorted(_pages_on_disk(self.output) if written is None else written)
        base = key_of("pagefind", STROKE, self.base)
        cache = self.cache
        if cache is not None:
            cache.extra["pagefind:base"] = base
        if cache is None or cache.previous is None or cache.old_extra.get("pagefind:base") != base:
            self._start()

    def page(self, rel: str, raw: bytes | None = None) -> None:
        """`rel` was just written or linked (`raw`: its bytes, when the caller has them)."""
        self.order.append(rel)
        if self.service is not None:
            self._feed(rel, raw)

    def pages_written(self) -> None:
        """The generator's pages are written: when the previous index cannot serve, start indexing them now."""
        if self.service is None and self.cache is not None and not self._previous_serves(self._pages()):
            self._start()

    def _start(self) -> None:
        self.service = IndexService(self.output)
        for rel in self.order:
            self._feed(rel)

    def _feed(self, rel: str, raw: bytes | None = None) -> None:
        assert self.service is not None
        if not rel.endswith(".html"):
            return
        if raw is None:
            raw = (self.output / rel).read_bytes()
        if b"data-pagefind-body" in raw:
            self.service.add(rel, raw)
            self.fed.add(rel)

    def _pages(self) -> dict[str, str]:
        """Every page Pagefind reads, in the order they are added, with the digest of its bytes."""
        found = indexed_pages(self.output, self.cache) if self.cache is not None else dict.fromkeys(
            _pages_on_disk(self.output, searched=True), "")
        ordered = [rel for rel in dict.fromkeys([*self.order, *sorted(set(found) - set(self.order))]) if rel in found]
        return {rel: found[rel] for rel in ordered}

    def _previous_serves(self, pages: dict[str, str]) -> bool:
        """Whether the previous build's index is this one: same key (code, settings, pages and their order) and
        the same search view of every page."""
        cache = self.cache
        assert cache is not None
        self.key = self._key(pages)
        if self.judged is not None and self.judged[0] == pages:  # asked again at the end, nothing changed since
            return self.judged[1]
        serves = bool(cache.previous is not None and cache.old_extra.get("pagefind") == self.key
                    and any(rel.startswith("pagefind/") and e.key == self.key for rel, e in cache.old.items())
                    and same_views(cache.previous, self._old_pages(), pages, self.output))
        self.judged = (pages, serves)
        return serves

    def _key(self, pages: dict[str, str]) -> str:
        # Pagefind numbers the pages in the order they come: the order is part of the key.
        return key_of("pagefind", STROKE, self.base, *pages)

    def finish(self) -> Path:
        pages = self._pages()
        self.key = self._key(pages)
        if self.cache is not None:
            kept = self.service is None and self._previous_serves(pages)
            self.cache.extra["pagefind"] = self.key
            self.cache.extra["pagefind:pages"] = json.dumps(pages, sort_keys=True)
            previous = sorted(rel for rel, e in self.cache.old.items() if rel.startswith("pagefind/") and e.key == self.key)
            if kept and self.cache.reuse_all(previous, self.key):
                return self.index
        if self.service is None:
            self._start()
        assert self.service is not None
        seen = set(self.order)
        for rel in pages:
            if rel not in seen:
                self._feed(rel)
        if not self.fed:
            self.service.stop()
            raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
        shutil.rmtree(self.index, ignore_errors=True)
        self.service.write(self.index)
        if not (self.index / "pagefind.js").is_file():
            raise SearchIndexError("Pagefind không ghi được chỉ mục tìm kiếm (thiếu pagefind.js).")
        if self.cache is not None:
            for path in sorted(self.index.rglob("*")):
                if path.is_file():
                    self.cache.record(path.relative_to(self.output).as_posix(), self.key, content=False)
        return self.index

    def abort(self) -> None:
        """The build failed: stop the indexer now (not at exit)."""
        if self.service is not None:
            self.service.stop()

    def _old_pages(self) -> dict[str, str]:
        assert self.cache is not None
        try:
            doc = json.loads(self.cache.old_extra.get("pagefind:pages", "{}"))
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in doc.items()} if isinstance(doc, dict) else {}


def _pages_on_disk(output_path: Path, searched: bool = False) -> list[str]:
    """The HTML pages under `output_path` (outside the index and the theme); `searched`: those with a search body."""
    out = []
    for path in sorted(output_path.rglob("*.html")):
        rel = path.relative_to(output_path)
        if rel.parts[0] in SKIP_DIRS or (searched and b"data-pagefind-body" not in path.read_bytes()):
            continue
        out.append(rel.as_posix())
    return out


def build_index(output_path: Path, cache: BuildCache | None = None) -> Path:
    """Index every page of `output_path` with Pagefind; write and return the index folder (`pagefind/`).

    With a build cache, the previous build's index is linked in when no page's search view changed.
    """
    job = IndexJob(output_path, cache)
    job.begin()
    return job.finish()
