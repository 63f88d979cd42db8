"""Which pages Pagefind reads, and what of a page its search record can depend on (its search view).

An incremental build keeps the previous search index when every page Pagefind
reads has the same search view as before (see `search`).
"""

from __future__ import annotations

from pathlib import Path

from .build_cache import BuildCache, digest
from .search_splice import spliced_view


def indexed_pages(output_path: Path, cache: BuildCache, listed: list[str]) -> dict[str, str]:
    """Of `listed` (the output's `html_pages`), the pages Pagefind reads (those with a search body) and a digest
    of each one's bytes (known from the cache for the pages it wrote or reused)."""
    pages = {}
    for rel in listed:
        entry = cache.new.get(rel)
        if entry is not None and entry.sha:
            if entry.searched:
                pages[rel] = entry.sha
            continue
        raw = (output_path / rel).read_bytes()
        if b"data-pagefind-body" in raw:
            pages[rel] = digest(raw)
    return pages


def search_view(raw: bytes) -> bytes:
    """The page as far as its search record can depend on it, and what Pagefind is handed of it: each
    `data-pagefind-ignore` region cut down to what Pagefind still reads inside it (`search_splice`), every
    other byte the page's own; or the whole page, when its regions cannot be cut for certain.

    Pagefind parses a whole page to index the little of it outside the ignored regions; handed the view it
    does a fifth of the work, and two pages with the same view give the same index by construction. The
    index equals the whole pages' on every page of the sample and small sites and on pages made to differ
    (`test_search_service`). How the view is cut is part of the plugin's code, and so of the index's key.
    """
    spliced = spliced_view(raw)
    return raw if spliced is None else spliced


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
