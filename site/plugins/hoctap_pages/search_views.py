"""Which pages Pagefind reads, and what of a page its search record can depend on (its search view).

An incremental build keeps the previous search index when every page Pagefind
reads has the same search view as before (see `search`).
"""

from __future__ import annotations

import copy
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
_ALSO_READ = etree.XPath(f"descendant::*[@id or self::img or self::h1 or {_PAGEFIND_ATTRIBUTE}]")
_ALSO_READ_UNTITLED = etree.XPath(f"descendant::*[@id or self::img or self::h1 or self::title or {_PAGEFIND_ATTRIBUTE}]")
_IGNORED = etree.XPath("//*[@data-pagefind-ignore][not(ancestor::*[@data-pagefind-ignore])]")
_TITLED = etree.XPath("boolean(/html/head/title)")
# Pagefind reads every page as UTF-8, with or without a charset in its head; so does the view.
_UTF8 = lxml_html.HTMLParser(encoding="utf-8")

# Of those, the ones whose text Pagefind reads: they stay whole.
_WITH_TEXT = etree.XPath(f"boolean(self::h1 or self::title or {_PAGEFIND_ATTRIBUTE})")
# An anchor's text (an element with an id) is its text through inline elements, an ignored one's inline
# children included: only an ignored region that is one of these (blocks to Pagefind, each tried) can be reduced.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "svg", "table", "td", "ul"})
# Pagefind reads character references as written (an escaped quote is no quote to it): the view keeps each `&`
# as written, hidden from the parser behind a private-use character.
_AMPERSAND, _HIDDEN = b"&", "\ue000".encode()


def _reduced(region: Any, also_read: Any) -> Any:
    """An ignored region as Pagefind reads it: its own tag and attributes, and in document order the elements
    it still reads inside (those whose text it reads whole, the others without their content)."""
    if _WITH_TEXT(region):
        return region
    stub = etree.Element(str(region.tag), dict(region.attrib))
    whole: Any = None
    for e in also_read(region):
        if whole is not None and whole in e.iterancestors():
            continue
        if _WITH_TEXT(e):
            kept = copy.deepcopy(e)
            whole = e
        else:
            kept = etree.Element(str(e.tag), dict(e.attrib))
        kept.tail = None
        stub.append(kept)
    stub.tail = region.tail
    return stub


def search_view(raw: bytes) -> bytes:
    """The page as far as its search record can depend on it, and what Pagefind is handed of it: each
    `data-pagefind-ignore` region reduced to what Pagefind still reads inside it (see `_reduced`).

    Pagefind parses a whole page to index the little of it outside the ignored regions; handed the view it
    does a fifth of the work, and two pages with the same view give the same index by construction. The
    index equals the whole pages' on every page of the sample and small sites and on pages made to differ
    (`test_search_service`): character references stay as written (Pagefind reads `&#34;` as written, not as a
    quote), and an ignored inline element, whose inline children are part of an anchor's text, stays whole.
    Everything outside the ignored regions, head and navigation included, stays as it is, written again by
    the parser (attribute quoting, void elements), which Pagefind reads alike; its version is part of the
    index's key.
    """
    if _HIDDEN in raw:
        return raw  # the ampersands could not be told from it: the whole page is its own view
    root = lxml_html.document_fromstring(raw.replace(_AMPERSAND, _HIDDEN), parser=_UTF8)
    also_read = _ALSO_READ if _TITLED(root) else _ALSO_READ_UNTITLED
    for region in _IGNORED(root):
        parent = region.getparent()
        if parent is None:
            return raw
        if not isinstance(region.tag, str) or region.tag.lower() not in _BLOCKS:
            continue  # it may be part of an anchor's text: kept whole
        reduced = _reduced(region, also_read)
        if reduced is not region:
            parent.replace(region, reduced)
    return bytes(lxml_html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")).replace(_HIDDEN, _AMPERSAND)


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
