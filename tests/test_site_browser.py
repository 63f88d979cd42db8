"""The built site in a real browser (Debian's chromium through Playwright), served over http on 127.0.0.1.

Pins what only JavaScript adds: sorting the tables on a header click (best
first), the group and name filters kept in the address, and Pagefind search
matching Vietnamese typed without tone marks. Everything else is readable
without JavaScript (test_site_pages.py); phones, accessibility and printing
are in test_site_phone.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import HOSTILE_NAME, SmallSite

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over http on 127.0.0.1 in a thread; yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser_page(small_site: SmallSite) -> Iterator[tuple[Any, str, list[str]]]:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with serve(small_site.output) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        try:
            yield page, base, errors
        finally:
            browser.close()


def unit_column(page: Any, table: str = "table.bang-xep-hang") -> list[str]:
    return [t.strip() for t in page.locator(f"{table} tbody tr:not([hidden]) th a").all_inner_texts()]


def test_rankings_sort_on_header_click_and_filter_by_group(browser_page: tuple[Any, str, list[str]]) -> None:
    page, base, errors = browser_page
    page.goto(f"{base}/xep-hang/2023/")
    assert unit_column(page)[0] == "Sở Giáo dục và Đào tạo"

    total = page.locator("table.bang-xep-hang thead th", has_text="Tổng điểm")
    total.locator("button").click()  # the first click on a score sorts the best first
    assert total.get_attribute("aria-sort") == "descending"
    assert unit_column(page)[0] == "Sở Giáo dục và Đào tạo"
    assert "sx=tong-diem" in page.url and "chieu=giam" in page.url  # the sort is kept in the address
    total.locator("button").click()
    assert total.get_attribute("aria-sort") == "ascending"
    assert unit_column(page)[0] == HOSTILE_NAME  # 80 points, the lowest; its name stays text

    page.locator("table.bang-xep-hang thead th", has_text="Đơn vị").first.locator("button").click()
    assert unit_column(page) == [HOSTILE_NAME, "Hội Liên hiệp Phụ nữ tỉnh", "Sở Giáo dục và Đào tạo", "Sở Nội vụ"]

    page.select_option("select[data-loc=khoi]", "Khối chính quyền")
    assert sorted(unit_column(page)) == ["Sở Giáo dục và Đào tạo", "Sở Nội vụ"]
    assert "Đang hiện 2/4 đơn vị" in page.inner_text(".bo-loc")
    page.fill("input[data-loc=ten]", "noi vu")  # without tone marks
    assert unit_column(page) == ["Sở Nội vụ"]
    assert "khoi=" in page.url and "ten=noi+vu" in page.url
    page.reload()  # the address brings the same filter and sort back
    assert unit_column(page) == ["Sở Nội vụ"]
    assert page.locator("input[data-loc=ten]").input_value() == "noi vu"
    page.select_option("select[data-loc=khoi]", "")
    page.fill("input[data-loc=ten]", "")
    assert len(unit_column(page)) == 4
    assert page.evaluate("typeof alert === 'function' && document.querySelectorAll('script:not([src])').length") == 0
    assert errors == []


def test_levels_table_sorts_by_level_and_filters(browser_page: tuple[Any, str, list[str]]) -> None:
    page, base, errors = browser_page
    page.goto(f"{base}/ket-qua/2024/")
    table = "table.bang-muc-do"
    assert len(unit_column(page, table)) == 5
    level = page.locator(f"{table} thead th", has_text="Mức đạt")
    level.locator("button").click()
    assert level.get_attribute("aria-sort") == "descending"  # the highest level first
    assert unit_column(page, table)[0] == "Sở Giáo dục và Đào tạo"  # requested level 1, reached level 2
    assert set(unit_column(page, table)[-2:]) == {"Hội Liên hiệp Phụ nữ tỉnh", "Sở Nội vụ"}
    level.locator("button").click()
    assert level.get_attribute("aria-sort") == "ascending"
    first_two = set(unit_column(page, table)[:2])
    assert first_two == {"Hội Liên hiệp Phụ nữ tỉnh", "Sở Nội vụ"}  # level 0 first
    page.select_option("select[data-loc=khoi]", "Cơ sở giáo dục")
    assert unit_column(page, table) == ["Trường THPT chuyên Long An"]
    page.select_option("select[data-loc=khoi]", "")
    assert errors == []


def test_search_finds_a_unit_typed_without_tone_marks(browser_page: tuple[Any, str, list[str]]) -> None:
    page, base, errors = browser_page
    page.goto(f"{base}/tim-kiem/")
    box = page.locator("#tu-khoa")
    assert box.is_visible()  # the form is shown once JavaScript runs
    box.fill("hoi lien hiep phu nu")
    first = page.locator("#ket-qua-tim-kiem ol.ket-qua-tk li a").first
    first.wait_for(timeout=10_000)
    titles = page.locator("#ket-qua-tim-kiem ol.ket-qua-tk li a").all_inner_texts()
    assert "Hội Liên hiệp Phụ nữ tỉnh" in titles[:3]
    marks = [m.lower() for m in page.locator("#ket-qua-tim-kiem mark").all_inner_texts()]
    assert any(m in ("hội", "liên", "hiệp", "phụ", "nữ") for m in marks)
    link = page.locator("#ket-qua-tim-kiem ol.ket-qua-tk li a", has_text="Hội Liên hiệp Phụ nữ tỉnh").first
    assert link.get_attribute("href").endswith("/don-vi/hoi-lhpn/")
    link.click()
    page.wait_for_url("**/don-vi/hoi-lhpn/")
    assert page.locator("h1").inner_text() == "Hội Liên hiệp Phụ nữ tỉnh"
    assert errors == []


def test_search_query_in_the_address_runs_on_load(browser_page: tuple[Any, str, list[str]]) -> None:
    page, base, errors = browser_page
    page.goto(f"{base}/tim-kiem/?q=thpt%20chuyen")
    first = page.locator("#ket-qua-tim-kiem ol.ket-qua-tk li a").first
    first.wait_for(timeout=10_000)
    titles = page.locator("#ket-qua-tim-kiem ol.ket-qua-tk li a").all_inner_texts()
    assert "Trường THPT chuyên Long An" in titles
    assert page.locator("#tu-khoa").input_value() == "thpt chuyen"
    assert errors == []
