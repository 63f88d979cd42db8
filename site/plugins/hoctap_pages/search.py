"""The search index: Pagefind's bundled binary run over a folded copy of the output folder, after Pelican wrote it.

Pagefind folds tone marks itself (it strips every combining mark of the NFD
form, at index and at query time), but `đ` is a letter of its own, not `d`
with a mark: "duc hoa" would never find "Đức Hòa". So the pages are indexed
from a copy where every đ/Đ is written d/D followed by U+0335 (a combining
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
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

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


def fold_d(html: str) -> str:
    """The page as Pagefind reads it: đ/Đ written as d/D with a combining stroke (see the module docstring)."""
    return html.replace("đ", "d" + STROKE).replace("Đ", "D" + STROKE)  # replace is C-fast; translate is not


def folded_copy(output_path: Path, target: Path) -> int:
    """Copy every HTML page that has a search body into `target`, with đ folded; return how many."""
    count = 0
    for path in output_path.rglob("*.html"):
        rel = path.relative_to(output_path)
        if rel.parts[0] in SKIP_DIRS:
            continue
        raw = path.read_bytes()
        if b"data-pagefind-body" not in raw:
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        # In UTF-8: đ is C4 91 and Đ is C4 90; d/D + U+0335 is 64/44 CC B5. Bytes, so no decoding is paid.
        dest.write_bytes(raw.replace(b"\xc4\x91", b"d\xcc\xb5").replace(b"\xc4\x90", b"D\xcc\xb5"))
        count += 1
    return count


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


class IndexJob:
    """The search index, made by Pagefind in its own process while the build writes the downloads.

    `start` links the previous build's index when no page's search view changed, else stages a folded copy
    of the pages and starts Pagefind; `finish` waits for it, checks it and records its files in the build cache.
    """

    def __init__(self, output_path: Path, cache: BuildCache | None, base: str = "") -> None:
        self.output = output_path
        self.base = base
        self.index = output_path / "pagefind"
        self.cache = cache
        self.key = ""
        self.proc: subprocess.Popen[str] | None = None
        self.staged: tempfile.TemporaryDirectory[str] | None = None

    def start(self) -> None:
        if self.cache is not None:
            pages = indexed_pages(self.output, self.cache)
            # The code, settings and library versions (Pagefind's own, this module's arguments) and which pages:
            # with the same key, the index is the previous one when each page has the same search view.
            self.key = key_of("pagefind", STROKE, self.base, *pages)
            self.cache.extra["pagefind"] = self.key
            self.cache.extra["pagefind:pages"] = json.dumps(pages, sort_keys=True)
            old = self.cache.old
            previous = sorted(rel for rel, entry in old.items() if rel.startswith("pagefind/") and entry.key == self.key)
            if (self.cache.previous is not None and self.cache.old_extra.get("pagefind") == self.key and previous
                    and same_views(self.cache.previous, self._old_pages(), pages, self.output)
                    and self.cache.reuse_all(previous, self.key)):
                return
        self.staged = tempfile.TemporaryDirectory(prefix="hoctap-tim-kiem-")
        staged = Path(self.staged.name)
        if folded_copy(self.output, staged) == 0:
            self.staged.cleanup()
            raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
        shutil.rmtree(self.index, ignore_errors=True)
        cmd = [str(_executable()), "--site", str(staged), "--output-path", str(self.index.resolve()),
               "--force-language", "vi"]
        try:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            self.staged.cleanup()
            raise SearchIndexError(f"Không chạy được Pagefind: {exc}") from exc
        atexit.register(self.stop)  # a build that fails meanwhile leaves no indexer running

    def _old_pages(self) -> dict[str, str]:
        assert self.cache is not None
        try:
            doc = json.loads(self.cache.old_extra.get("pagefind:pages", "{}"))
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in doc.items()} if isinstance(doc, dict) else {}

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def finish(self) -> Path:
        if self.proc is None:
            return self.index  # the previous build's, linked in
        try:
            out, err = self.proc.communicate(timeout=600)
        except subprocess.TimeoutExpired as exc:
            self.proc.kill()
            raise SearchIndexError(f"Không chạy được Pagefind: {exc}") from exc
        finally:
            if self.staged is not None:
                self.staged.cleanup()
        if self.proc.returncode != 0 or not (self.index / "pagefind.js").is_file():
            detail = (err or out).strip()[-2000:]
            raise SearchIndexError(f"Pagefind thất bại (mã {self.proc.returncode}): {detail}")
        if "Indexed 0 pages" in out:
            raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
        if self.cache is not None:
            for path in sorted(self.index.rglob("*")):
                if path.is_file():
                    self.cache.record(path.relative_to(self.output).as_posix(), self.key, content=False)
        return self.index


def build_index(output_path: Path, cache: BuildCache | None = None) -> Path:
    """Run Pagefind on a folded copy of `output_path`; write and return the index folder (`pagefind/`).

    With a build cache, the previous build's index is linked in when no page changed.
    """
    job = IndexJob(output_path, cache)
    job.start()
    return job.finish()
