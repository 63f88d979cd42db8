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
`data-pagefind-ignore`: people search for units and texts, not figures.
Pagefind is handed each page's search view (`search_view`: the page with its
ignored regions cut down to what Pagefind still reads there, or the whole
page when they cannot be cut for certain), which gives the same index for a
fifth of Pagefind's work. So an incremental build keeps the
previous index when every page Pagefind reads has the same search view as
before, which is what a corrected figure changes; indexing the whole site
again takes most of a national rebuild otherwise. A failure stops the build:
a site without its search index must not be published silently.

When the index is made, it is made on the other core while the pages are
rendered (`IndexJob`): the build names each page it writes to a process of
its own (`index_feeder`), which reads the page back, makes its view and
hands it to Pagefind's service (`pagefind_service`). Which pages Pagefind
reads and their search views are `search_views`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from .build_cache import BuildCache, key_of
from .index_feeder import IndexFeeder
from .output_pages import html_pages
from .pagefind_service import SearchIndexError
from .search_views import indexed_pages, same_views

__all__ = ["STROKE", "IndexJob", "SearchIndexError", "build_index"]

# d/D + COMBINING SHORT STROKE OVERLAY: a mark Pagefind strips, so the word is indexed with a plain d.
STROKE = "\u0335"


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
      at the end when no page's search view changed (`same_views`), else the indexing process reads every
      page back and indexes it while the build finishes (the downloads page, the sitemap).
    """

    def __init__(self, output_path: Path, cache: BuildCache | None, base: str = "") -> None:
        self.output = output_path
        self.base = base
        self.index = output_path / "pagefind"
        self.cache = cache
        self.key = ""
        self.order: list[str] = []  # every page seen, in the order they are added
        self.service: IndexFeeder | None = None
        self.judged: tuple[dict[str, str], bool] | None = None  # the pages `_previous_serves` last judged, and how
        # Called before indexing starts once the pages are written: the build frees what it no longer needs.
        self.release: Callable[[], None] | None = None

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

    def page(self, rel: str) -> None:
        """`rel` was just written or linked."""
        self.order.append(rel)
        if self.service is not None:
            self._feed(rel)

    def pages_written(self) -> None:
        """The generator's pages are written: when the previous index cannot serve, start indexing them now.

        The pages it knows are every page in the output then (Pelican's own are told to `begin`, the theme's
        files are not pages, and the static files are copied later): no need to walk the output's ten
        thousand folders here, `finish` is told the final listing."""
        if self.service is None and self.cache is not None and not self._previous_serves(self._pages(
                [rel for rel in dict.fromkeys(self.order) if rel.endswith(".html")])):
            self._start()

    def _start(self) -> None:
        if self.release is not None:
            release, self.release = self.release, None
            release()
        self.service = IndexFeeder(self.output)
        for rel in self.order:
            self._feed(rel)

    def _feed(self, rel: str) -> None:
        """Name an HTML page to the indexing process, which reads it and keeps it if it has a search body."""
        assert self.service is not None
        if rel.endswith(".html"):
            self.service.add(rel)

    def _pages(self, listed: list[str] | None = None) -> dict[str, str]:
        """Every page Pagefind reads, in the order they are added, with the digest of its bytes (`listed`: the
        output's `html_pages`, when known already)."""
        listed = html_pages(self.output) if listed is None else listed
        found = indexed_pages(self.output, self.cache, listed) if self.cache is not None else dict.fromkeys(
            _pages_on_disk(self.output, searched=True, listed=listed), "")
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

    def finish(self, listed: list[str] | None = None) -> Path:
        """Write the index (or keep the previous one); `listed`: the output's `html_pages`, when known already."""
        listed = html_pages(self.output) if listed is None else listed
        if self.service is None:
            pages = self._pages(listed)
            self.key = self._key(pages)
            if self.cache is not None:
                kept = self._previous_serves(pages)
                self._remember(pages)
                previous = sorted(rel for rel, e in self.cache.old.items() if rel.startswith("pagefind/") and e.key == self.key)
                if kept and self.cache.reuse_all(previous, self.key):
                    return self.index
            self._start()
        assert self.service is not None
        # The pages not named yet, sorted: the process reads each one and indexes those with a search body (the
        # order `_pages` gives them).
        seen = set(self.order)
        for rel in sorted(set(listed) - seen):
            self._feed(rel)
        shutil.rmtree(self.index, ignore_errors=True)
        read = self.service.write(self.index)  # refuses an index of no page
        if not (self.index / "pagefind.js").is_file():
            raise SearchIndexError("Pagefind không ghi được chỉ mục tìm kiếm (thiếu pagefind.js).")
        if self.cache is not None:
            self.cache.learn(read)  # the pages written while the index was streamed were recorded without them
            pages = self._pages(listed)
            self.key = self._key(pages)
            self._remember(pages)
            for path in sorted(self.index.rglob("*")):
                if path.is_file():
                    self.cache.record(path.relative_to(self.output).as_posix(), self.key, content=False)
        return self.index

    def _remember(self, pages: dict[str, str]) -> None:
        """The index's key and pages, for the next build's judgement (`_previous_serves`)."""
        assert self.cache is not None
        self.cache.extra["pagefind"] = self.key
        self.cache.extra["pagefind:pages"] = json.dumps(pages, sort_keys=True)

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


def _pages_on_disk(output_path: Path, searched: bool = False, listed: list[str] | None = None) -> list[str]:
    """The HTML pages under `output_path` (outside the index and the theme; `listed`, when known already);
    `searched`: those with a search body."""
    return [rel for rel in (html_pages(output_path) if listed is None else listed)
            if not searched or b"data-pagefind-body" in (output_path / rel).read_bytes()]


def build_index(output_path: Path, cache: BuildCache | None = None) -> Path:
    """Index every page of `output_path` with Pagefind; write and return the index folder (`pagefind/`).

    With a build cache, the previous build's index is linked in when no page's search view changed.
    """
    job = IndexJob(output_path, cache)
    job.begin()
    return job.finish()
