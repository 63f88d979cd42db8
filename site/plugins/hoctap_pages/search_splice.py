"""A page's search view (`search_views.search_view`) cut from its bytes, without parsing the page.

Pagefind reads a page as it is written, tag by tag: an ignored region is the
span from its start tag to the matching end tag, character references stay
as written (`&#34;` is no quote to it). Inside an ignored region (and on the
region's own element) it still reads the metadata, filters and sorts of the
elements that carry them, with their text; ids advance its anchors; the
first h1 may be the page's title (and a <title>, an SVG's, when the head has
none); images may be its image. So each region is cut down to its start tag,
those elements in document order (the ones whose text Pagefind reads whole,
the others without their content), and its end tag. Every other byte is the
page's own. Parsing the page instead (lxml) cost two milliseconds a page,
most of it on tables Pagefind ignores, and writing the page out again
changed what Pagefind read (escaped quotes, implied end tags).

Matching an end tag by counting the tags of the same name holds for the
markup the templates write, not for every HTML: an element whose end tag may
be left out with more than text inside, a comment, raw text (script, style),
or anything else this cannot be sure of gives None, and the whole page is
its own view. A region kept whole is always safe; one cut wrongly is not,
and `test_search_service` compares the indexes Pagefind makes from these
views and from the whole pages.
"""

from __future__ import annotations

import re

# A start tag, with its attributes (quoted values may hold '>'; markupsafe escapes '<' in them).
_START = re.compile(
    rb"""<([A-Za-z][A-Za-z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>""")
_ATTRIBUTE = re.compile(rb"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_IGNORE = b"data-pagefind-ignore"
# Values of the attribute that ignore an element's text only; any other (`all`) excludes everything inside it,
# metadata and filters included, which the cut regions do not keep track of.
_TEXT_ONLY = frozenset({b"", b"index", b"true"})
# An anchor's text (an element with an id) is its text through inline elements, an ignored one's inline
# children included: only an ignored region that is one of these (blocks to Pagefind, each tried) can be reduced.
BLOCKS = frozenset({
    b"address", b"article", b"aside", b"blockquote", b"caption", b"dd", b"details", b"div", b"dl", b"dt", b"fieldset",
    b"figcaption", b"figure", b"footer", b"form", b"h1", b"h2", b"h3", b"h4", b"h5", b"h6", b"header", b"li", b"main",
    b"nav", b"ol", b"p", b"pre", b"section", b"summary", b"svg", b"table", b"td", b"ul"})
# What would make counting tags wrong: comments, CDATA, processing instructions (any `<!` but the doctype),
# and elements whose content is not markup, unless empty of tags (a script loaded from a file).
_MARKUP_DECLARATION = re.compile(rb"<[!?](?!doctype[\s>])")
_RAW_TEXT = re.compile(
    rb"<(script|style|title|textarea|xmp|iframe|noembed|noframes|noscript|plaintext|template)[\s/>]")
# Elements whose end tag may be left out (and so not counted): a region inside which one starts is not cut.
_OPTIONAL_END = frozenset({
    b"p", b"li", b"dt", b"dd", b"tr", b"td", b"th", b"thead", b"tbody", b"tfoot", b"option", b"optgroup",
    b"colgroup", b"caption", b"rb", b"rt", b"rp", b"rtc", b"html", b"head", b"body"})
_VOID = frozenset({b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
                   b"track", b"wbr"})
# Inside a region, where an element Pagefind still reads may start: an h1, an image, a title, an id or a
# data-pagefind-* attribute (checked exactly once its tag is parsed). Searched for in the lowercased page, one
# literal at a time: a regular expression of alternatives would try every position of a 50 KB page.
_MAYBE_READ = tuple(re.compile(p) for p in (rb"<h1[\s/>]", rb"<img[\s/>]", rb"<title[\s/>]", rb"id(?=[\s=/>])",
                                             rb"data-pagefind"))
# What may come before an attribute's name: a space, or the quote ending the value before (a tag `_START` cannot
# read, so not cut).
_AFTER = frozenset(b" \t\n\r\f\"'")

_PHRASING = frozenset({
    b"a", b"abbr", b"b", b"bdi", b"bdo", b"br", b"cite", b"code", b"data", b"dfn", b"em", b"i", b"img", b"kbd",
    b"mark", b"q", b"s", b"samp", b"small", b"span", b"strong", b"sub", b"sup", b"time", b"u", b"var", b"wbr"})
_ANY_START = re.compile(rb"<([A-Za-z][A-Za-z0-9:-]*)")
_TAGS: dict[bytes, re.Pattern[bytes]] = {}


class UnsureError(Exception):
    """The bytes are not markup this can cut for certain: the whole page is its own view."""


def spliced_view(raw: bytes) -> bytes | None:
    """The page with each outermost ignored region of a tag in `BLOCKS` cut down (see the module); None when it
    cannot be cut for certain."""
    low = raw.lower()  # ASCII only: the same length, every offset the same
    if not _only_markup(low):
        return None
    head_end = low.find(b"</head>")
    titled = head_end != -1 and low.find(b"<title", 0, head_end) != -1  # a page without a head has no title
    out: list[bytes] = []
    done = pos = 0
    try:
        while (hit := low.find(_IGNORE, pos)) != -1:
            pos = hit + len(_IGNORE)
            lt = raw.rfind(b"<", done, hit)
            tag = _START.match(raw, lt) if lt != -1 else None
            if tag is None:
                if lt != -1 and raw.find(b">", lt, hit) == -1:
                    return None  # inside a tag it cannot read
                continue  # in text
            attributes = _attributes(tag)
            if tag.end() <= hit or _IGNORE not in attributes:
                continue  # in text, or in an attribute's value
            name = tag.group(1).lower()
            end = _element_end(low, tag)
            pos = end
            if name not in BLOCKS or _with_text(name, attributes) or attributes[_IGNORE].lower() not in _TEXT_ONLY:
                continue  # kept whole: an anchor's text may read it, Pagefind reads its text, or it excludes all
            close = raw.rfind(b"<", tag.end(), end)
            out += [raw[done:lt], tag.group(0), *_still_read(raw, low, tag.end(), close, titled), raw[close:end]]
            done = end
    except UnsureError:
        return None
    out.append(raw[done:])
    return b"".join(out)


def _only_markup(low: bytes) -> bool:
    """Whether every `<` of the page (`low`, lowercased) that is not in text starts a tag: no comment, and no
    element whose content is not markup unless it holds no `<`."""
    if _MARKUP_DECLARATION.search(low):
        return False
    for m in _RAW_TEXT.finditer(low):
        end = low.find(b"</" + m.group(1), m.end())
        if end == -1 or low.find(b"<", m.end(), end) != -1:
            return False
    return True


def _still_read(raw: bytes, low: bytes, start: int, stop: int, titled: bool) -> list[bytes]:
    """Inside a region (`raw[start:stop]`; `low`: the page lowercased), in document order: the elements whose
    text Pagefind reads, whole, and the others it reads (an id, an image; a title in a page without one),
    without their content."""
    marks = sorted(m.start() for p in _MAYBE_READ for m in p.finditer(low, start, stop))
    kept: list[bytes] = []
    skip = last = start
    for at in marks:
        if at < skip or (low[at] == ord("i") and low[at - 1] not in _AFTER):
            continue  # inside an element kept whole, or an "id" that is no attribute's name
        lt = at if low[at] == ord("<") else raw.rfind(b"<", last, at)
        if lt == -1 or lt < last:
            continue  # in text, or in a tag seen already
        tag = _START.match(raw, lt)
        if tag is None:
            if raw.find(b">", lt, at) == -1:
                raise UnsureError
            continue
        if tag.end() <= at:
            continue  # in text
        last = tag.end()
        name, names = tag.group(1).lower(), _attributes(tag)
        if names.get(_IGNORE, b"").lower() not in _TEXT_ONLY:
            raise UnsureError  # an element inside that excludes what it holds: it would have to stay whole
        pagefind = any(n.startswith(b"data-pagefind") and n != _IGNORE for n in names)
        if not (pagefind or b"id" in names or name in (b"h1", b"img") or (name == b"title" and not titled)):
            continue
        if pagefind or name in (b"h1", b"title"):  # `_with_text`, from what is known already
            end = _element_end(low, tag)
            if end > stop:
                raise UnsureError
            kept.append(raw[lt:end])
            skip = last = end
        elif _closed(low, tag):
            kept.append(tag.group(0))
        else:
            kept.append(tag.group(0) + b"</" + tag.group(1) + b">")
    return kept


def _with_text(name: bytes, attributes: dict[bytes, bytes]) -> bool:
    """Whether Pagefind reads the text of an element (`name` lowercase, its `_attributes`) inside an ignored
    region: an h1, a title, metadata, a filter, a sort."""
    return name in (b"h1", b"title") or any(n.startswith(b"data-pagefind") and n != _IGNORE for n in attributes)


def _attributes(tag: re.Match[bytes]) -> dict[bytes, bytes]:
    """The tag's attributes, by lowercase name (the first of a name wins, as in HTML), with their values."""
    found: dict[bytes, bytes] = {}
    for m in _ATTRIBUTE.finditer(tag.group(2)):
        found.setdefault(m.group(1).lower(), m.group(2) or m.group(3) or m.group(4) or b"")
    return found


def _closed(low: bytes, tag: re.Match[bytes]) -> bool:
    """Whether the element ends with its start tag: a void element, or one written `<x/>` inside SVG or MathML
    (in HTML the slash is ignored, and an element written so is open: `UnsureError`)."""
    if tag.group(1).lower() in _VOID:
        return True
    if not tag.group(3):
        return False
    at = tag.start()
    if max(low.rfind(b"<svg", 0, at), low.rfind(b"<math", 0, at)) > max(low.rfind(b"</svg", 0, at),
                                                                         low.rfind(b"</math", 0, at)):
        return True
    raise UnsureError


def _element_end(low: bytes, tag: re.Match[bytes]) -> int:
    """Where the element `tag` starts ends (after its end tag), counting the tags of its name in `low` (the page
    lowercased); `UnsureError` when they do not balance, or when its end tag may have been left out and something
    but text and phrasing is inside."""
    name = tag.group(1).lower()
    if _closed(low, tag):
        return tag.end()
    depth = 1
    for m in _tags_of(name).finditer(low, tag.end()):
        if m.group(1):
            depth -= 1
            if depth == 0:
                close = low.find(b">", m.end())
                if close == -1:
                    break
                if name in _OPTIONAL_END and not _only_phrasing(low, tag.end(), m.start()):
                    break
                return close + 1
        else:
            opened = _START.match(low, m.start())
            if opened is None:
                break
            if not _closed(low, opened):
                depth += 1
    raise UnsureError


def _only_phrasing(low: bytes, start: int, stop: int) -> bool:
    return all(m.group(1) in _PHRASING for m in _ANY_START.finditer(low, start, stop))


def _tags_of(name: bytes) -> re.Pattern[bytes]:
    found = _TAGS.get(name)
    if found is None:
        found = _TAGS[name] = re.compile(rb"<(/?)" + re.escape(name) + rb"(?=[\s/>])")
    return found
