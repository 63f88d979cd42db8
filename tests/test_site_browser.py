"""The built site in a real browser (Debian's chromium through Playwright), served over http on 127.0.0.1.

Pins what only JavaScript adds: sorting the rankings on a header click, the
group filter, and Pagefind search matching Vietnamese typed without tone marks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from site_fixtures import serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


@pytest.fixture(scope="module")
def browser_page(built_site: Path) -> Iterator[tuple[Any, str, list[str]]]:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with serve(built_site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield page, base, errors
        finally:
            browser.close()


def unit_column(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("table.bang-xep-hang tbody tr:not([hidden]) th a").all_inner_texts()]


def test_rankings_sort_on_header_click_and_filter_by_group(browser_page: tuple[Any, str, list[str]]) -> None:
    page, base, errors = browser_page
    page.goto(f"{base}/xep-hang/2025/")
    assert unit_column(page)[0] == "Sở Giáo dục và Đào tạo"

    total = page.locator("table.bang-xep-hang thead th", has_text="Tổng điểm")
    total.locator("button").click()
    assert total.get_attribute("aria-sort") == "ascending"
    assert unit_column(page)[0].startswith("Ban Thử nghiệm")  # 80 points, the lowest
    total.locator("button").click()
    assert total.get_attribute("aria-sort") == "descending"
    assert unit_column(page)[0] == "Sở Giáo dục và Đào tạo"

    page.locator("table.bang-xep-hang thead th", has_text="Đơn vị").locator("button").click()
    names = unit_column(page)
    assert names[0].startswith("Ban Thử nghiệm")
    assert names[1:] == ["Hội Liên hiệp Phụ nữ tỉnh", "Sở Giáo dục và Đào tạo", "Sở Nội vụ"]

    page.select_option("select[data-loc=khoi]", "Khối chính quyền")
    assert sorted(unit_column(page)) == ["Sở Giáo dục và Đào tạo", "Sở Nội vụ"]
    assert "Đang hiện 2/4 đơn vị" in page.inner_text(".bo-loc")
    page.fill("input[data-loc=ten]", "noi vu")
    assert unit_column(page) == ["Sở Nội vụ"]
    page.select_option("select[data-loc=khoi]", "")
    page.fill("input[data-loc=ten]", "")
    assert len(unit_column(page)) == 4
    assert errors == []


def test_search_finds_a_unit_typed_without_tone_marks(browser_page: tuple[Any, str, list[str]]) -> None:
    page, base, errors = browser_page
    page.goto(f"{base}/tim-kiem/")
    box = page.locator("#tu-khoa")
    assert box.is_visible()
    box.fill("so giao duc")
    first = page.locator("#ket-qua-tim-kiem ol.ket-qua-tk li a").first
    first.wait_for(timeout=10_000)
    assert first.inner_text() == "Sở Giáo dục và Đào tạo"
    assert first.get_attribute("href").endswith("/don-vi/so-gd-dt/")
    marks = page.locator("#ket-qua-tim-kiem mark").all_inner_texts()
    assert any(m.lower() in ("giáo", "dục", "sở") for m in marks)
    first.click()
    page.wait_for_url("**/don-vi/so-gd-dt/")
    assert page.locator("h1").inner_text() == "Sở Giáo dục và Đào tạo"
    assert errors == []
