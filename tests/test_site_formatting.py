"""The plugin's Vietnamese formatting filters and its guards for submitter text, tested directly."""

from __future__ import annotations

import sys
from datetime import date

import pytest
from site_fixtures import PLUGIN_DIR

sys.path.insert(0, str(PLUGIN_DIR))
from hoctap_pages.formatting import ngay, ngay_so, phan_tram, so, thay_doi
from hoctap_pages.safety import safe_url, slugify

from scoring.publication import neutralise as neutralise_cell


@pytest.mark.parametrize(
    ("value", "shown"),
    [(88.5, "88,5"), (85, "85"), (84.99, "84,99"), (1234.567, "1.234,57"), (0.1 + 0.2, "0,3"), (None, "—")],
)
def test_numbers_use_a_decimal_comma_and_at_most_two_decimals(value: object, shown: str) -> None:
    assert so(value) == shown


def test_shares_and_changes() -> None:
    assert phan_tram(0.6667) == "66,7%"
    assert phan_tram(0.6) == "60%"
    assert thay_doi(6.5) == "+6,5"
    assert thay_doi(-3) == "−3"
    assert thay_doi(0) == "0"


def test_dates_are_day_month_year() -> None:
    assert ngay_so("2026-01-31") == "31/01/2026"
    assert ngay(date(2026, 1, 31)) == "ngày 31/01/2026"
    assert ngay(None) == "chưa rõ ngày"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.gov.vn/ke-hoach.pdf", True),
        ("http://example.gov.vn/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("https://exa mple.gov.vn/", False),
        ("ke-hoach.pdf", False),
        (None, False),
    ],
)
def test_only_http_links_are_links(url: object, kept: bool) -> None:
    assert (safe_url(url) is not None) is kept


def test_formula_cells_are_neutralised() -> None:
    assert neutralise_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise_cell("+1") == "'+1"
    assert neutralise_cell("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_cell("\tx") == "'\tx"
    assert neutralise_cell("Sở Y tế") == "Sở Y tế"
    assert neutralise_cell(-3) == -3


def test_group_slugs_are_ascii() -> None:
    assert slugify("Khối chính quyền") == "khoi-chinh-quyen"
    assert slugify("Khối Đảng") == "khoi-dang"
    assert slugify("UBND cấp huyện") == "ubnd-cap-huyen"
