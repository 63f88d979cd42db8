"""Every page of both built sites: well-formed HTML, unique ids, working internal links, accessible tables and forms.

A strict reading of the markup (every non-void element closed, in order) with
the standard library's tokenizer, and the accessibility rules the theme
promises: one h1, no skipped heading level, a caption and `scope` on every
header cell of the data tables, a label for every form control, and every
`aria-labelledby`, `#fragment` and relative link pointing at something real.
Markdown written by people (guidance, documents, announcements) is held to the
markup rules but not to the table rules.
"""

from __future__ import annotations

from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import SmallSite
from support import html_files

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# SVG leaves written as <line …/>, <rect …/> are self-closed: the tokenizer reports them as such.


class Nesting(HTMLParser):
    """Records every tag closed out of order, every tag left open, and every duplicate attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [a for a, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"{self.getpos()}: <{tag}> repeats an attribute")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"{self.getpos()}: </{tag}> closes a void element")
            return
        if not self.stack or self.stack[-1][0] != tag:
            open_tag = self.stack[-1] if self.stack else None
            self.errors.append(f"{self.getpos()}: </{tag}> while <{open_tag[0] if open_tag else '—'}> "
                               f"(line {open_tag[1][0] if open_tag else '—'}) is open")
            if any(t == tag for t, _ in self.stack):
                while self.stack and self.stack[-1][0] != tag:
                    self.stack.pop()
                self.stack.pop()
            return
        self.stack.pop()


def sites(small_site: SmallSite, sample_site: Path) -> list[Path]:
    return [small_site.output, sample_site]


def is_content(doc: BeautifulSoup) -> bool:
    return doc.select_one("article.noi-dung-trang") is not None


@pytest.fixture(scope="module")
def pages(small_site: SmallSite, sample_site: Path) -> list[tuple[Path, Path, str, BeautifulSoup]]:
    out = []
    for site in sites(small_site, sample_site):
        for path in html_files(site):
            text = path.read_text(encoding="utf-8")
            out.append((site, path, text, BeautifulSoup(text, "html.parser")))
    return out


def test_markup_is_well_formed(pages: list[tuple[Path, Path, str, BeautifulSoup]]) -> None:
    for _site, path, text, _doc in pages:
        assert text.startswith("<!doctype html>\n<html lang=\"vi\">"), path
        parser = Nesting()
        parser.feed(text)
        parser.close()
        assert parser.errors == [], (path, parser.errors[:5])
        assert parser.stack == [], (path, parser.stack[:5])


def test_every_page_has_a_title_one_h1_and_no_skipped_heading(pages: list[tuple[Path, Path, str, BeautifulSoup]]) -> None:
    for _site, path, _text, doc in pages:
        assert doc.title is not None and doc.title.get_text(strip=True), path
        assert doc.select_one("meta[charset=utf-8]") is not None, path
        assert len(doc.find_all("h1")) == 1, path
        levels = [int(h.name[1]) for h in doc.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        for before, after in pairwise(levels):
            assert after <= before + 1, (path, levels)
        assert doc.main is not None and doc.main.get("id") == "noi-dung", path
        skip = doc.select_one("a.bo-qua")
        assert skip is not None and skip["href"] == "#noi-dung", path


def test_ids_are_unique_and_every_reference_points_at_one(pages: list[tuple[Path, Path, str, BeautifulSoup]]) -> None:
    for _site, path, _text, doc in pages:
        ids = [str(t["id"]) for t in doc.find_all(id=True)]
        assert len(ids) == len(set(ids)), (path, sorted({i for i in ids if ids.count(i) > 1}))
        known = set(ids)
        for tag in doc.find_all(attrs={"aria-labelledby": True}):
            for ref in str(tag["aria-labelledby"]).split():
                assert ref in known, (path, ref)
        for label in doc.find_all("label", attrs={"for": True}):
            assert label["for"] in known, (path, label["for"])
        for a in doc.find_all("a", href=True):
            href = str(a["href"])
            if href.startswith("#") and len(href) > 1:
                assert unquote(href[1:]) in known, (path, href)


def test_relative_links_resolve_to_files_of_the_site(pages: list[tuple[Path, Path, str, BeautifulSoup]]) -> None:
    for site, path, _text, doc in pages:
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src")):
            for el in doc.find_all(tag, attrs={attr: True}):
                url = str(el[attr])
                parts = urlsplit(url)
                if parts.scheme or parts.netloc or url.startswith("#") or not parts.path:
                    continue
                target = (path.parent / unquote(parts.path)).resolve()
                if parts.path.endswith("/"):
                    target = target / "index.html"
                assert target.is_file(), (path.relative_to(site), url)
                assert target.is_relative_to(site.resolve()), (path.relative_to(site), url)


def test_data_tables_have_captions_and_scoped_headers(pages: list[tuple[Path, Path, str, BeautifulSoup]]) -> None:
    checked = 0
    for _site, path, _text, doc in pages:
        if is_content(doc):
            continue
        for table in doc.find_all("table"):
            assert table.caption is not None and table.caption.get_text(strip=True), (path, str(table)[:120])
            assert table.thead is not None, (path, table.caption.get_text(strip=True))
            for th in table.find_all("th"):
                assert th.get("scope") in ("col", "row", "colgroup", "rowgroup"), (path, str(th)[:120])
            for th in table.thead.find_all("th"):
                assert th.get("scope") == "col", (path, str(th)[:120])
            checked += 1
    assert checked > 100


def test_form_controls_and_figures_are_labelled(pages: list[tuple[Path, Path, str, BeautifulSoup]]) -> None:
    for _site, path, _text, doc in pages:
        labelled = {str(label["for"]) for label in doc.find_all("label", attrs={"for": True})}
        for control in doc.find_all(["input", "select", "textarea"]):
            assert control.get("id") in labelled or control.find_parent("label") is not None or control.get("aria-label"), \
                (path, str(control))
        for svg in doc.find_all("svg"):
            assert svg.get("role") == "img", path
            title = svg.find("title")
            assert title is not None and title.get_text(strip=True), path
            assert svg.get("aria-labelledby") == title.get("id"), path
        for nav in doc.find_all("nav"):
            assert nav.get("aria-label"), (path, str(nav)[:80])
        for a in doc.find_all("a"):
            assert a.get_text(strip=True) or a.get("aria-label"), (path, str(a))
