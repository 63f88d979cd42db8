"""The sample site on a phone (390×844) and a desktop (1366×900), in Debian's chromium through Playwright.

What a citizen on a phone needs: the unit and its result side by side in
every results table without scrolling sideways, a cue that more columns
follow, a unit page of a few screens, a search that knows đ, a visible
keyboard focus, and no axe-core violation on any page template. Printing:
a ranking fits A4 portrait without its controls, a unit page takes at most
two pages per year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import ROOT_REPO
from test_site_browser import ARGS, CHROMIUM, serve

AXE = ROOT_REPO / "tests" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
# The graphical parts of the charts that must stand out from the white page (WCAG 1.4.11).
GRAPHICS = ("rect.cot", "rect.ranh", "line.nguong", "line.muc-tieu", "rect.md-2", "rect.md-1", "rect.md-0", "rect.tot",
            "rect.kha", "rect.trung-binh", "rect.chua-dat")
DESKTOP = {"width": 1366, "height": 900}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]

# One page of every template of the sample site.
TEMPLATES = [
    "", "ket-qua/", "xep-hang/2023/", "xep-hang/2023/khoi-chinh-quyen/", "ket-qua/2025/", "tong-hop/", "don-vi/",
    "don-vi/so-y-te/", "don-vi/tn-so-y-te/", "tieu-chi/", "cong-nhan/", "tinh-hinh-nop/", "du-lieu/", "tim-kiem/",
    "thong-bao/", "huong-dan/", "van-ban/", "404.html",
]


@pytest.fixture(scope="module")
def site(sample_site: Path) -> Iterator[tuple[Any, str, list[str]]]:
    """A browser on the served sample site; every page error, console error and failed request is collected."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with serve(sample_site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser, base, errors
        finally:
            browser.close()


def open_page(site: tuple[Any, str, list[str]], path: str, viewport: dict[str, int] = PHONE) -> Any:
    browser, base, errors = site
    page = browser.new_page(viewport=viewport)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{base}/{path}")
    return page


def on_screen(page: Any, selector: str) -> None:
    """The element is scrolled to vertically only, and then lies wholly inside the viewport."""
    element = page.locator(selector).first
    element.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 100)")
    box = element.bounding_box()
    size = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (selector, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (selector, box)


# --- phone-first tables ------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "row", "result"), [
    ("xep-hang/2023/", "table.bang-xep-hang tbody tr", ["th.don-vi a", "td.tong", ".xep-loai"]),
    ("ket-qua/2025/", "table.bang-muc-do tbody tr", ["th.don-vi a", ".muc-do"]),
    ("tinh-hinh-nop/", "table.bang-nop tbody tr", ["th.don-vi a", ".trang-thai"]),
    ("tong-hop/", "table.bang-tong-hop tbody tr", ["th.don-vi a", "td:nth-child(2)"]),
])
def test_a_phone_shows_the_unit_and_its_result_side_by_side(site: tuple[Any, str, list[str]], path: str, row: str,
                                                          result: list[str]) -> None:
    page = open_page(site, path)
    for part in result:
        on_screen(page, f"{row} >> nth=0 >> {part}")
    box = page.locator(f"{row} >> nth=0").locator("xpath=ancestor::div[contains(@class,'cuon-ngang')]")
    assert box.evaluate("d => d.scrollWidth > d.clientWidth")  # more columns follow…
    hint = page.locator(".goi-y-cuon").first
    assert hint.is_visible() and "vuốt ngang" in hint.inner_text()  # …and the page says so
    box.evaluate("d => d.scrollLeft = d.scrollWidth")  # scrolled to the end, the unit stays
    on_screen(page, f"{row} >> nth=0 >> th.don-vi a")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page itself never scrolls
    page.close()


def test_a_unit_page_folds_older_years(site: tuple[Any, str, list[str]]) -> None:
    page = open_page(site, "don-vi/so-y-te/")
    details = page.locator("details.chi-tiet-nam")
    opened = [d.get_attribute("open") is not None for d in details.all()]
    assert opened[0] and not any(opened[1:])  # the newest year open, the older ones folded
    assert page.evaluate("document.documentElement.scrollHeight") <= 7 * PHONE["height"]  # was 23 screens
    page.locator("table.bang-nam a[href='#nam-2021']").click()  # a link to a year unfolds it
    # The page unfolds on `hashchange`, which the browser fires after the click returns: wait for it.
    page.wait_for_selector("#nam-2021 details.chi-tiet-nam[open]", timeout=5000)
    assert page.locator("#nam-2021 details.chi-tiet-nam").get_attribute("open") is not None
    page.close()


# --- search -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "first"), [
    ("duc hoa", r"\(huyện Đức Hòa\)$|huyện Đức Hòa$"),
    ("doan thanh nien", r"^Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh "),
    ("so y te", r"^Sở Y tế tỉnh "),
    ("ĐOÀN THANH NIÊN", r"^Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh "),
])
def test_search_folds_vietnamese_and_puts_the_unit_first(site: tuple[Any, str, list[str]], query: str, first: str) -> None:
    page = open_page(site, "")
    page.fill("#tim-nhanh", query)  # the box in every page's header
    page.press("#tim-nhanh", "Enter")
    page.wait_for_url("**/tim-kiem/?q=*")
    links = page.locator("#ket-qua-tim-kiem ol.ket-qua-tk li > a")
    links.first.wait_for(timeout=10_000)
    titles = links.all_inner_texts()
    hrefs = [str(a.get_attribute("href")) for a in links.all()]
    assert re.search(first, titles[0]), titles[:5]
    assert "/don-vi/" in hrefs[0]
    assert len(hrefs) == len(set(hrefs))  # each page once
    assert "\u0335" not in page.inner_text("#ket-qua-tim-kiem")  # đ restored in titles and summaries
    marks = [m.lower() for m in page.locator("#ket-qua-tim-kiem li >> nth=0 >> mark").all_inner_texts()]
    assert marks  # the words found are marked
    page.close()


# --- keyboard, contrast, accessibility -----------------------------------------------------------------


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = (_luminance(tuple(float(x) for x in re.findall(r"[\d.]+", c))) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_keyboard_focus_is_visible(site: tuple[Any, str, list[str]]) -> None:
    page = open_page(site, "xep-hang/2023/", DESKTOP)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "bo-qua"  # the skip link comes first
    for _ in range(6):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            let p = e.parentElement, bg = 'rgba(0, 0, 0, 0)';
            while (p && (bg = getComputedStyle(p).backgroundColor) === 'rgba(0, 0, 0, 0)') p = p.parentElement;
            return {tag: e.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
                    bg: bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : bg}; }""")
        assert style["style"] != "none" and style["width"] >= 2, style
        assert contrast(style["color"], style["bg"]) >= 3, style
    page.close()


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed: run `npm ci` in tests/")
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_violation_on_any_template(site: tuple[Any, str, list[str]], viewport: dict[str, int]) -> None:
    script = AXE.read_text(encoding="utf-8")
    found = {}
    for path in TEMPLATES:
        page = open_page(site, path, viewport)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(content=script)
        violations = page.evaluate("""async () => (await axe.run(document)).violations.map(
            v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))""")
        if violations:
            found[path or "/"] = violations
        page.close()
    assert found == {}
    errors = [e for e in site[2] if "favicon" not in e]
    assert errors == []


# --- printing --------------------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_a_ranking_prints_on_a4_portrait_without_controls(site: tuple[Any, str, list[str]]) -> None:
    # A4 at 96 dpi less 12 mm margins: 718 px of line.
    page = open_page(site, "xep-hang/2023/", {"width": 718, "height": 1000})
    page.emulate_media(media="print")
    table = page.locator("table.bang-xep-hang")
    width = page.evaluate("document.querySelector('main').clientWidth")
    assert table.evaluate("t => t.getBoundingClientRect().right") <= width + 1  # the last column is on the paper
    for hidden in (".bo-loc", ".tim-nhanh", ".dau-trang nav", ".goi-y-cuon", ".chon-khoi"):
        assert not page.locator(hidden).first.is_visible(), hidden
    arrow = page.evaluate("""getComputedStyle(document.querySelector('thead th button'), '::after').content""")
    assert arrow in ("none", "normal", '""')  # no sort arrows on paper
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf_pages(pdf) <= 3
    page.close()


def test_a_unit_page_prints_every_year_in_at_most_two_pages_each(site: tuple[Any, str, list[str]]) -> None:
    for unit in ("so-y-te", "tn-so-y-te"):
        page = open_page(site, f"don-vi/{unit}/", {"width": 718, "height": 1000})
        years = page.locator("section.nam").count()
        page.emulate_media(media="print")
        assert all(d.is_visible() for d in page.locator("details.chi-tiet-nam table").all())  # unfolded on paper
        pdf = page.pdf(format="A4")
        assert 0 < pdf_pages(pdf) <= 2 * years, (unit, pdf_pages(pdf), years)
        page.close()


def test_charts_are_readable_on_a_phone(site: tuple[Any, str, list[str]]) -> None:
    """Every label at 12 px or more and inside its viewBox; bars, tracks and threshold lines at 3:1 against white."""
    for path in ("ket-qua/", "don-vi/so-y-te/"):
        page = open_page(site, path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        labels = page.evaluate("""() => [...document.querySelectorAll('figure.bieu-do svg')].flatMap(svg => {
            const vb = svg.viewBox.baseVal, scale = svg.getBoundingClientRect().width / vb.width;
            return [...svg.querySelectorAll('text')].map(t => { const b = t.getBBox();
                return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                        inside: b.x >= -0.5 && b.y >= -0.5 && b.x + b.width <= vb.width + 0.5
                                && b.y + b.height <= vb.height + 0.5}; });
        })""")
        assert labels, path
        for label in labels:
            assert label["px"] >= 12 and label["inside"], (path, label)
        colours = page.evaluate("""() => [...document.querySelectorAll(GRAPHICS)].map(e => {
            const s = getComputedStyle(e);
            return e.classList.contains('ranh') || e.tagName === 'line' ? s.stroke : s.fill; })""".replace(
            "GRAPHICS", repr(", ".join(f"figure.bieu-do {g}" for g in GRAPHICS))))
        assert colours, path
        for colour in colours:
            assert contrast(colour, "rgb(255, 255, 255)") >= 3, (path, colour)
        page.close()
