"""The plugin's Vietnamese formatting filters, its ordering and chart geometry, and the guards for submitter text."""

from __future__ import annotations

import sys
from datetime import date, datetime
from decimal import Decimal

import pytest
from support import ROOT_REPO

from scoring.text import neutralise, safe_url, slugify

sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
from hoctap_pages.charts import criteria_chart, history_chart
from hoctap_pages.formatting import FILTERS, nfc, ngay, ngay_so, phan_tram, so, thay_doi
from hoctap_pages.site_data import unit_url, vi_sort_key, year_url


@pytest.mark.parametrize(
    ("value", "shown"),
    [(88.5, "88,5"), (85, "85"), (84.99, "84,99"), (1234.567, "1.234,57"), (0.1 + 0.2, "0,3"), (None, "—"),
     (Decimal("88.50"), "88,5"), ("", "—"), (True, "—"), ("abc", "—"), (1200, "1.200")],
)
def test_numbers_use_a_decimal_comma_and_at_most_two_decimals(value: object, shown: str) -> None:
    assert so(value) == shown


def test_shares_and_changes() -> None:
    assert phan_tram(0.6667) == "66,7%"
    assert phan_tram(0.6) == "60%"
    assert phan_tram(Decimal("0.985")) == "98,5%"
    assert phan_tram(None) == "—"
    assert thay_doi(6.5) == "+6,5"
    assert thay_doi(-3) == "−3"  # a true minus sign
    assert thay_doi(0) == "0"
    assert thay_doi(None) == "—"


def test_dates_are_day_month_year() -> None:
    assert ngay_so("2026-01-31") == "31/01/2026"
    assert ngay_so(date(2025, 7, 1)) == "01/07/2025"
    assert ngay_so(datetime(2026, 11, 23, 7, 0)) == "23/11/2026"
    assert ngay_so("không phải ngày") == "—"
    assert ngay(date(2026, 1, 31)) == "ngày 31/01/2026"
    assert ngay(None) == "chưa rõ ngày"


def test_text_is_composed_and_every_filter_is_registered() -> None:
    assert nfc("Vie\u0302\u0323t") == "Việt"
    assert nfc(None) == ""
    assert set(FILTERS) == {"so", "thay_doi", "phan_tram", "ngay", "ngay_so", "nfc"}


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.gov.vn/ke-hoach.pdf", True),
        ("http://example.gov.vn/", True),
        ("  https://example.gov.vn/a  ", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//evil.example/x", False),
        ("https://exa mple.gov.vn/", False),
        ('https://example.gov.vn/"onmouseover="alert(1)', False),
        ("https:///no-host", False),
        ("ke-hoach.pdf", False),
        ("Công văn số 12/SGDĐT", False),
        (None, False),
        (12, False),
    ],
)
def test_only_http_links_are_links(url: object, kept: bool) -> None:
    assert (safe_url(url) is not None) is kept


def test_formula_cells_are_neutralised() -> None:
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+1") == "'+1"
    assert neutralise("-1") == "'-1"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("Sở Y tế") == "Sở Y tế"
    assert neutralise(-3) == -3
    assert neutralise(None) is None


def test_group_slugs_and_urls_are_ascii() -> None:
    assert slugify("Khối chính quyền") == "khoi-chinh-quyen"
    assert slugify("Khối Đảng") == "khoi-dang"
    assert slugify("Cấp huyện: huyện Đức Hòa") == "cap-huyen-huyen-duc-hoa"
    assert slugify("") == "khac"
    assert unit_url("so-gd-dt") == "don-vi/so-gd-dt/"
    assert year_url(2023, None) == "ket-qua/2023/"


def test_vietnamese_alphabetical_order() -> None:
    names = ["Đoàn Thanh niên", "Ban Dân vận", "Sở Y tế", "Hội Nông dân", "Dân quân", "Ủy ban Mặt trận", "Uỷ ban"]
    ordered = sorted(names, key=vi_sort_key)
    assert ordered.index("Dân quân") < ordered.index("Đoàn Thanh niên") < ordered.index("Hội Nông dân")
    assert ordered[0] == "Ban Dân vận" and ordered.index("Sở Y tế") < ordered.index("Ủy ban Mặt trận")


def test_history_chart_scales_totals_and_draws_thresholds() -> None:
    chart = history_chart([(2022, Decimal("50")), (2023, None), (2024, Decimal("100"))],
                          [(85, "Tốt"), (70, "Khá"), (0, "Chưa đạt")], 100)
    assert len(chart.bars) == 3
    full, missing, half = chart.bars[2], chart.bars[1], chart.bars[0]
    assert missing.height == 0 and missing.value is None
    assert full.height == pytest.approx(2 * half.height)
    assert full.y + full.height == pytest.approx(chart.baseline)
    assert [name for _, name in chart.lines] == ["Tốt", "Khá"]  # no line at zero
    assert chart.width >= 3 * 56


def test_criteria_chart_keeps_bars_inside_their_track() -> None:
    chart = criteria_chart([("1", Decimal("30"), 30), ("2", Decimal("45"), 30), ("3", None, 40)])
    widths = [b.width for b in chart.bars]
    assert widths[0] == pytest.approx(chart.baseline) and widths[1] == pytest.approx(chart.baseline)  # clipped
    assert widths[2] == 0
