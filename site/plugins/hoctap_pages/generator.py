"""The Pelican generator: reads the results folder in the context phase, writes every page in the output phase.

With `hoctap build`'s incremental settings (`build_cache`), a page whose key
did not change since the previous build is linked from it instead of being
rendered again.
"""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path
from typing import Any

from pelican.generators import Generator

from scoring.bulk import fewer_collections, give_back_memory
from scoring.published import load_results_folder
from scoring.results_folder import ResultsError
from scoring.results_gate import GateReader

from .build_cache import BuildCache, global_key, key_of
from .decision_lists import decision_lists
from .downloads_process import DownloadsProcess, spec
from .page_keys import PageKeys
from .pages import common_context, site_pages
from .search import IndexJob
from .site_data import SiteData

# The build caches and search index jobs of this process, by output folder: the `finalized` receiver completes them.
CACHES: dict[Path, BuildCache] = {}
SEARCH: dict[Path, IndexJob] = {}
# Every file Pelican's writer wrote in this run, in order (`content_written`): Pelican's own pages come first.
WRITTEN: list[str] = []


def note_written(path: str, context: Any = None) -> None:
    WRITTEN.append(path)


def results_folder(settings: dict[str, Any]) -> Path:
    """`HOCTAP_RESULTS_DIR`; a relative path is taken from the project folder (the parent of PATH, content/)."""
    folder = settings.get("HOCTAP_RESULTS_DIR")
    if not folder:
        raise ResultsError("Chưa đặt HOCTAP_RESULTS_DIR: không biết lấy kết quả ở đâu để dựng trang.")
    path = Path(str(folder))
    return path if path.is_absolute() else Path(str(settings["PATH"])).parent / path


def content_key(content: Path) -> str:
    """The guidance pages and announcements Pelican renders around ours (nav, home and feed show them)."""
    h = hashlib.blake2b(digest_size=20)
    for path in sorted(p for p in content.rglob("*") if p.is_file() and p.relative_to(content).parts[0] != "data"):
        h.update(path.relative_to(content).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


class HoctapGenerator(Generator):  # type: ignore[misc]  # Pelican ships no type information
    """Renders home, results per year, units, criteria, recognitions, status, downloads, search, 404."""

    data: SiteData | None = None
    # Made once the results are read: the build cache, the pages' keys (and their base) and the downloads' process.
    cache: BuildCache | None = None
    keys: PageKeys | None = None
    base = ""
    files: DownloadsProcess | None = None

    def generate_context(self) -> None:
        WRITTEN.clear()
        # `hoctap build` may start Pelican while its child still writes the folder (`scoring.results_gate`); the
        # gate's variable is taken out of the environment first, so no process started from here inherits it.
        gate = GateReader.from_environment()
        # The downloads' own process (`downloads_process`) starts now: it loads its modules while the results are read.
        self.files = DownloadsProcess()
        try:
            self._read(gate)
        except BaseException:
            self.files.abort()
            raise

    def _read(self, gate: GateReader | None) -> None:
        files = self.files
        assert files is not None
        if gate is not None:
            # Waiting anyway: Jinja compiles each template when first used, so compile them now.
            for name in self.env.list_templates(extensions=["html"]):
                self.env.get_template(name)
        # The previous build's manifest and the code's key, before the results: while the gate is shut.
        output = Path(self.output_path)
        self.cache = CACHES[output.resolve()] = BuildCache.from_settings(self.settings, output)
        base = key_of(global_key(self.settings, Path(str(self.settings["THEME"]))), content_key(Path(self.path)))
        folder = results_folder(self.settings)
        self.data = SiteData(load_results_folder(folder, gate, ready=lambda: files.ready(folder, output, self.settings)))
        # Shared with every other generator: the banner, the authority and the plans appear on Pelican's pages too.
        self.context["hoctap"] = common_context(self.data)
        # Only Pelican's own page /van-ban/ shows the plans, and Pelican's pages are always rendered.
        shared = {k: v for k, v in self.context["hoctap"].items() if k != "plans"}
        self.base, self.keys = base, PageKeys(self.data, base, shared)
        files.send(spec(self.data, output, self.settings, self.keys.base), self.cache)

    def generate_output(self, writer: Any) -> None:
        # The results live until the last page: the cycle collector need not walk them again at every collection
        # while the pages are made (they hold no cycles; refcounting frees them all the same).
        gc.freeze()
        output = Path(self.output_path)
        try:
            self._write(writer, output)
        except BaseException:
            job = SEARCH.pop(output.resolve(), None)
            if job is not None:
                job.abort()
            gc.unfreeze()
            raise

    def _write(self, writer: Any, output: Path) -> None:
        assert self.files is not None
        try:
            self._write_pages(writer, output)
        except BaseException:
            self.files.abort()
            raise
        self.keys = self.files = None
        job = SEARCH.get(output.resolve())
        if job is not None and job.service is None:
            # The previous index is likely kept: the results stay, frozen (no collection walks them), until the
            # process ends (Pelican leaves without freeing them one by one, `hoctap.quiet_pelican`), unless
            # Pagefind must index after all.
            job.release = self._release
        else:
            self._release()

    def _release(self) -> None:
        """The results are no longer needed while the search index is finished: the last references to them
        (the pages and their closures went with `_write_pages`, the keys) go, and their memory with them."""
        self.data = None
        gc.unfreeze()
        give_back_memory()

    def _write_pages(self, writer: Any, output: Path) -> None:
        assert self.data is not None and self.cache is not None and self.keys is not None and self.files is not None
        cache, keys, base = self.cache, self.keys, self.base
        downloads: dict[str, Any] = {"decision_lists": []}
        lists = decision_lists(self.data)
        if lists:
            from .decision_pdf import write_decision_lists  # fpdf2: only a site with decisions imports it

            downloads["decision_lists"] = write_decision_lists(lists, self.data, output)
        articles = list(self.context.get("articles") or [])
        relative = bool(self.settings.get("RELATIVE_URLS"))
        verify = bool(self.settings.get("HOCTAP_VERIFY_REUSE"))
        pages = site_pages(self.data, articles, downloads)
        # The downloads page lists the files' sizes, so it comes after them. Pagefind indexes each page in its own
        # process as soon as it is written (when the previous index cannot serve: see `search.IndexJob`).
        later = [p for p in pages if p.template == "du-lieu"]
        job = None
        if self.settings.get("HOCTAP_SEARCH", True):
            SEARCH[output.resolve()] = job = IndexJob(output, cache, base)
            root = output.resolve()
            pelicans = [Path(p).resolve() for p in WRITTEN if p.endswith(".html")]
            job.begin([p.relative_to(root).as_posix() for p in pelicans if p.is_relative_to(root)])
        with fewer_collections():  # ten thousand pages' contexts: made and dropped by the million
            for page in [p for p in pages if p.template != "du-lieu"]:
                # The announcements are Pelican's articles: those two pages are always rendered.
                key = None if page.template in ("home", "thong-bao") else keys.key(page.save_as, page.template, page.deps)
                if key is not None and cache.reuse(page.save_as, key):
                    if verify:
                        verify_reused(writer, self, page, relative, output)
                else:
                    # Never write through a file linked from the previous site (two pages at one address would).
                    (output / page.save_as).unlink(missing_ok=True)
                    writer.write_file(page.save_as, self.get_template(page.template), self.context,
                                      relative_urls=relative, page_url=page.url, **page.context)
                    if key is not None:
                        # While the index is streamed, the indexing process reads the page and tells its digest.
                        cache.record(page.save_as, key, content=job is None or job.service is None)
                if job is not None:
                    job.page(page.save_as)
        if job is not None:
            job.pages_written()
        downloads.update(self.files.result())
        for page in later:
            writer.write_file(page.save_as, self.get_template(page.template), self.context,
                              relative_urls=relative, page_url=page.url, **page.context)
            if job is not None:
                job.page(page.save_as)


def verify_reused(writer: Any, generator: HoctapGenerator, page: Any, relative: bool, output: Path) -> None:
    """Render a reused page again beside it and fail if the bytes differ: a key that missed a dependency."""
    reused = output / page.save_as
    kept = reused.read_bytes()
    reused.unlink()
    writer.write_file(page.save_as, generator.get_template(page.template), generator.context,
                      relative_urls=relative, page_url=page.url, **page.context)
    fresh = reused.read_bytes()
    if fresh != kept:
        raise AssertionError(f"Trang {page.save_as} được dùng lại nhưng khác bản dựng mới (khóa thiếu một phụ thuộc).")
