"""Which pages Pagefind reads, and what of a page its search record can depend on (its search view).

An incremental build keeps the previous search index when every page Pagefind
reads has the same search view as before (see `search`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from .build_cache import BuildCache, digest


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
