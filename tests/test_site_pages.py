"""The built site, read back with BeautifulSoup: the facts a reader of each page must find.

Two sites built by the real pipeline in a real process (tests/conftest.py):
`small_site` (2023 by points with a tie, a verified score and hostile text;
2024–2025 by levels) and `sample_site` (`hoctap run` on the embedded sample).
Pages of the Thông tư 24/2023 years have their own module, test_site_levels.py.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import HOSTILE_NAME, HOSTILE_SCRIPT, HOSTILE_URL, SmallSite
from jinja2 import Environment, FileSystemLoader
from support import ROOT_REPO, html_files, soup

from scoring.published import PublishedResults, load_results_folder
from scoring.text import safe_url
from scoring.vietnamese import vi_number

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def page(site: Path, path: str) -> BeautifulSoup:
    return soup(site / path)


def table_rows(doc: BeautifulSoup | Tag, selector: str) -> list[dict[str, str]]:
    """A table's body rows as {header text: cell text}."""
    table = doc.select_one(selector)
    assert isinstance(table, Tag), selector
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    return [dict(zip(headers, (c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])), strict=True))
            for tr in table.select("tbody tr")]


def ranking(site: Path, path: str) -> list[dict[str, str]]:
    return table_rows(page(site, path), "table.bang-xep-hang")


def section_text(doc: BeautifulSoup, selector: str) -> str:
    found = doc.select_one(selector)
    assert isinstance(found, Tag), selector
    return found.get_text(" ", strip=True)


def vi_decimal(text: str) -> Decimal:
    """'88,5' → 88.5; '+5,5' → 5.5; '−1' → -1."""
    return Decimal(text.replace(".", "").replace(",", ".").replace("−", "-").replace("+", ""))


@pytest.fixture(scope="module")
def sample_results(sample_site: Path) -> PublishedResults:
    """What the scorer published for the sample site (the folder `hoctap run` left in the project)."""
    return load_results_folder(sample_site.parent / ".hoctap" / "ket-qua")


# --- every page ---------------------------------------------------------------------------------------


def test_every_page_is_vietnamese_and_carries_the_sample_banner(sample_site: Path) -> None:
    pages = html_files(sample_site)
    assert len(pages) > 100
    for path in pages:
        doc = soup(path)
        assert doc.html is not None and doc.html.get("lang") == "vi", path
        banner = doc.select_one(".du-lieu-mau")
        assert banner is not None, f"no sample banner on {path}"
        assert banner.get_text(" ", strip=True).startswith("Dữ liệu mẫu —"), path


def test_real_data_has_no_sample_banner(small_site: SmallSite) -> None:
    pages = html_files(small_site.output)
    assert len(pages) > 25
    for path in pages:
        doc = soup(path)
        assert doc.html is not None and doc.html.get("lang") == "vi", path
        assert doc.select_one(".du-lieu-mau") is None, path
        assert "Dữ liệu mẫu" not in doc.get_text(), path


# --- the points ranking (Thông tư 22/2020 years) --------------------------------------------------------


def test_rankings_give_tied_units_the_same_rank(small_site: SmallSite) -> None:
    rows = ranking(small_site.output, "xep-hang/2023/index.html")
    assert [r["Hạng"] for r in rows] == ["1", "2", "2", "4"]
    assert rows[0]["Đơn vị"] == "Sở Giáo dục và Đào tạo"
    assert {rows[1]["Đơn vị"], rows[2]["Đơn vị"]} == {"Sở Nội vụ", "Hội Liên hiệp Phụ nữ tỉnh"}
    assert rows[3]["Đơn vị"] == HOSTILE_NAME  # shown as text, escaped


def test_rankings_write_numbers_with_a_decimal_comma_and_say_which_score_is_verified(small_site: SmallSite) -> None:
    rows = {r["Đơn vị"]: r for r in ranking(small_site.output, "xep-hang/2023/index.html")}
    noi_vu = rows["Sở Nội vụ"]
    assert noi_vu["Tổng điểm"] == "88,5"
    assert noi_vu["TC1"] == "29,5"  # the verified 9,5 of indicator 1.1
    assert noi_vu["Cơ sở điểm"] == "Đã thẩm định"
    assert noi_vu["Xếp loại"] == "Tốt"
    assert noi_vu["So với năm trước"] == "—"  # no 2022 result
    assert rows["Hội Liên hiệp Phụ nữ tỉnh"]["Tổng điểm"] == "88,5"
    assert rows["Hội Liên hiệp Phụ nữ tỉnh"]["Cơ sở điểm"] == "Tự đánh giá"
    assert rows["Sở Giáo dục và Đào tạo"]["Tổng điểm"] == "100"
    assert rows[HOSTILE_NAME]["Xếp loại"] == "Khá"  # 80 points
    table = page(small_site.output, "xep-hang/2023/index.html").select_one("table.bang-xep-hang")
    assert table is not None and "88.5" not in table.get_text()


def test_change_on_the_previous_year_is_signed_with_a_decimal_comma(sample_site: Path) -> None:
    this = {r["Đơn vị"]: r for r in ranking(sample_site, "xep-hang/2023/index.html")}
    last = {r["Đơn vị"]: r for r in ranking(sample_site, "xep-hang/2022/index.html")}
    compared = 0
    for name, row in this.items():
        if name not in last:
            assert row["So với năm trước"] == "—", name
            continue
        change = vi_decimal(row["Tổng điểm"]) - vi_decimal(last[name]["Tổng điểm"])
        sign = "+" if change > 0 else ("−" if change < 0 else "")
        assert row["So với năm trước"] == (sign + vi_number(abs(change)) if change else "0"), name
        compared += 1
    assert compared > 10
    assert any("," in r["So với năm trước"] for r in this.values())  # some change has decimals


def test_group_pages_filter_the_ranking_without_javascript(small_site: SmallSite) -> None:
    site = small_site.output
    rows = ranking(site, "xep-hang/2023/khoi-chinh-quyen/index.html")
    assert [r["Đơn vị"] for r in rows] == ["Sở Giáo dục và Đào tạo", "Sở Nội vụ"]
    assert [r["Hạng trong khối"] for r in rows] == ["1", "2"]
    assert [r["Hạng"] for r in rows] == ["1", "2"]
    overall = page(site, "xep-hang/2023/index.html")
    links = {a.get_text(strip=True): str(a["href"]) for a in overall.select("nav.chon-khoi a")}
    assert links["Khối chính quyền"].endswith("xep-hang/2023/khoi-chinh-quyen/")
    assert links["Mặt trận và đoàn thể"].endswith("xep-hang/2023/mat-tran-va-doan-the/")
    # A group with no unit assessed in 2023 (the district school came in 2024) has no 2023 page.
    assert "Cấp huyện: huyện Đức Hòa" not in links
    assert not (site / "xep-hang" / "2023" / "cap-huyen-huyen-duc-hoa").exists()
    years = page(site, "ket-qua/index.html").get_text(" ", strip=True)
    assert all(f"Năm {y}" in years for y in (2023, 2024, 2025))


def test_points_year_pages_exist_only_for_points_years(sample_site: Path, sample_results: PublishedResults) -> None:
    for year in sample_results.years:
        by_points = sample_results.by_year[year].method == "points"
        assert (sample_site / "xep-hang" / str(year) / "index.html").is_file() is by_points, year
        assert (sample_site / "ket-qua" / str(year) / "index.html").is_file() is not by_points, year


# --- unit pages -------------------------------------------------------------------------------------------


def test_unit_page_shows_history_chart_breakdown_and_plan(sample_site: Path, sample_results: PublishedResults) -> None:
    """A sample unit with four points years: its chart, its breakdown, its Công dân học tập share, its plan."""
    points_years = [y for y in sample_results.years if sample_results.by_year[y].method == "points"]
    unit_id = next(u.id for u in sample_results.units
                   if all(sample_results.by_year[y].result_for(u.id) for y in points_years))
    last = points_years[-1]
    result = sample_results.by_year[last].result_for(unit_id)
    assert result is not None and result.points is not None and result.plan_url and result.cdht is not None
    doc = page(sample_site, f"don-vi/{unit_id}/index.html")
    assert doc.h1 is not None and doc.h1.get_text(strip=True) == result.name

    history = doc.select_one("section[aria-labelledby=qua-cac-nam] table")
    assert history is not None
    years = [tr.th.get_text(strip=True) for tr in history.select("tbody tr") if tr.th]
    assert years[-len(points_years):] == [str(y) for y in reversed(points_years)]
    svg = doc.select_one("section[aria-labelledby=qua-cac-nam] svg")
    assert svg is not None and len(svg.select("rect.cot")) == len(points_years)
    assert f"Tổng điểm của {result.name}" in svg.get_text()

    section = doc.select_one(f"#nam-{last}")
    assert section is not None
    cells = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
             for tr in section.select("table.bang-chi-tiet tbody tr") if tr.th}
    assert len(cells) == 13  # 3 criteria + 10 indicators
    assert cells["3.1"][1:3] == ["25", vi_number(result.points.points["3.1"])]  # maximum, points
    assert cells["1"][1:3] == ["30", vi_number(result.points.criteria["1"])]  # criterion subtotal
    assert section.select("svg rect.cot"), "criterion chart missing"
    text = section.get_text(" ", strip=True)
    assert f"Hạng {result.points.rank} toàn tỉnh" in text
    share = f"{result.cdht}/{result.members} thành viên"
    assert share in text and "mục tiêu 60%" in text
    assert ("đã đạt" if result.cdht_meets_target else "chưa đạt") in text
    plan = section.find("a", string=re.compile(f"Kế hoạch xây dựng Đơn vị học tập năm {last}"))
    assert isinstance(plan, Tag) and plan["href"] == result.plan_url


def test_unit_page_breakdown_and_verified_label(small_site: SmallSite) -> None:
    doc = page(small_site.output, "don-vi/so-noi-vu/index.html")
    section = doc.select_one("#nam-2023")
    assert section is not None
    text = section.get_text(" ", strip=True)
    assert "đã thẩm định" in text and "88,5" in text
    assert "Điểm theo tiêu chí và chỉ số năm 2023 (đã thẩm định)" in text
    assert "Đã thẩm định: điều chỉnh chỉ số 1.1 từ 10 xuống 9,5." in text  # the reviewer's note
    cells = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
             for tr in section.select("table.bang-chi-tiet tbody tr") if tr.th}
    assert cells["1.1"][1:3] == ["10", "9,5"]
    assert cells["3.1"][1:3] == ["25", "14"]
    assert cells["3"][1:3] == ["40", "29"]
    assert "Hạng 2 toàn tỉnh" in text
    gd = page(small_site.output, "don-vi/so-gd-dt/index.html").select_one("#nam-2023")
    assert gd is not None and "tự đánh giá" in gd.get_text(" ", strip=True)
    assert "Hạng 1 toàn tỉnh" in gd.get_text(" ", strip=True)


def test_unit_that_never_submitted_still_has_a_page(sample_site: Path, sample_results: PublishedResults) -> None:
    def never(unit_id: str) -> bool:  # nor did any unit it succeeded (a successor's page shows their years)
        return all(not y.result_for(u) and not y.rejections_for(u)
                   for u in sample_results.registry.lineage(unit_id) for y in sample_results.by_year.values())

    silent = [u for u in sample_results.units if never(u.id)]
    assert silent, "the sample has a unit that never submitted"
    for unit in silent:
        doc = page(sample_site, f"don-vi/{unit.id}/index.html")
        assert doc.h1 is not None and doc.h1.get_text(strip=True) == unit.name
        text = doc.get_text(" ", strip=True)
        assert "chưa có hồ sơ tự đánh giá nào" in text
        active = [y for y in sample_results.years if unit.active_in(y)]
        history = doc.select_one("section[aria-labelledby=qua-cac-nam] table")
        assert history is not None
        statuses = [tr.select_one(".trang-thai") for tr in history.select("tbody tr")]
        assert [s.get_text(strip=True) for s in statuses if s] == ["Chưa nộp"] * len(active)


def test_unit_page_lists_its_rejection_reasons(small_site: SmallSite) -> None:
    doc = page(small_site.output, "don-vi/vp-tinh-uy/index.html")
    section = doc.select_one("#nam-2023")
    assert section is not None
    assert "cột 1.1: 12 lớn hơn điểm tối đa 10 (chỉ số 1.1)." in section.get_text(" ", strip=True)
    history = {r["Năm"]: r for r in table_rows(doc, "section[aria-labelledby=qua-cac-nam] table")}
    assert history["2023"]["Nộp hồ sơ"] == "Bị từ chối"
    # A unit whose year was rejected after it ended: the history says rejected, never "not submitted".
    gd = page(small_site.output, "don-vi/so-gd-dt/index.html")
    assert "đơn vị không thuộc diện đánh giá năm 2025" in section_text(gd, "#nam-2025")
    history = {r["Năm"]: r for r in table_rows(gd, "section[aria-labelledby=qua-cac-nam] table")}
    assert history["2025"]["Nộp hồ sơ"] == "Bị từ chối"


# --- criteria, status, home, content pages ---------------------------------------------------------


def test_criteria_page_renders_the_repealed_points_rubric_with_citations(small_site: SmallSite) -> None:
    doc = page(small_site.output, "tieu-chi/index.html")
    section = doc.select_one("section#tt22-2020, section[aria-labelledby=rb-tt22-2020]")
    assert isinstance(section, Tag)
    rows = section.select("table.bang-chi-so tbody tr")
    assert [r.th.get_text(strip=True) for r in rows if r.th] == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"]
    by_id = {str(r["id"]): r for r in rows}
    citation = by_id["chi-so-3.1"].select_one(".can-cu")
    assert citation is not None and citation.get_text(strip=True) == "điểm a khoản 3 Điều 5 Thông tư 22/2020/TT-BGDĐT"
    assert len(by_id["chi-so-3.1"].select("ol.noi-dung-chi-so li")) == 8
    assert "cam kết học tập suốt đời" in by_id["chi-so-3.1"].get_text().lower()
    text = section.get_text(" ", strip=True)
    assert "(tối đa 40 điểm)" in text and "đã bị bãi bỏ" in text
    assert "trên trang này: 2023" in text
    bands = [tr.get_text(" ", strip=True) for tr in section.select("table.bang-gon tbody tr")]
    assert bands[0].startswith("Tốt từ 85 đến 100")
    assert bands[1].startswith("Khá từ 70 đến dưới 85")
    assert bands[3].startswith("Chưa đạt dưới 50")
    assert all("Điều 6 Thông tư 22/2020/TT-BGDĐT" in b for b in bands)


def test_submission_status_against_the_deadline(small_site: SmallSite) -> None:
    site = small_site.output
    doc = page(site, "tinh-hinh-nop/2023/index.html")
    text = doc.get_text(" ", strip=True)
    assert "trước ngày 31/01/2024" in text
    assert "Đơn vị học tậpvề" not in text  # words keep their space
    rows = {tr.th.get_text(strip=True): tr for tr in doc.select("table.bang-nop tbody tr") if tr.th}

    def status(name: str) -> str:
        found = rows[name].select_one(".trang-thai")
        assert found is not None
        return found.get_text(strip=True)

    assert status("Sở Giáo dục và Đào tạo") == "Đúng hạn" and "20/01/2024" in rows["Sở Giáo dục và Đào tạo"].get_text()
    assert status("Hội Liên hiệp Phụ nữ tỉnh") == "Trễ hạn" and "03/02/2024" in rows["Hội Liên hiệp Phụ nữ tỉnh"].get_text()
    assert status("Văn phòng Tỉnh ủy") == "Bị từ chối"
    assert "12 lớn hơn điểm tối đa 10" in rows["Văn phòng Tỉnh ủy"].get_text()
    later = page(site, "tinh-hinh-nop/2025/index.html")
    assert "trước ngày 15/01/2026" in later.get_text(" ", strip=True)
    rows = {tr.th.get_text(strip=True): tr for tr in later.select("table.bang-nop tbody tr") if tr.th}
    assert status("Sở Nội vụ") == "Chưa nộp"
    assert "Sở Giáo dục và Đào tạo" not in rows  # ended in 2024: its successor reports
    assert "Trường THCS Hậu Nghĩa (huyện Đức Hòa)" not in rows  # no district level after 1/7/2025
    assert "Trường THCS Hậu Nghĩa (huyện Đức Hòa)" in page(site, "tinh-hinh-nop/2024/index.html").get_text()
    latest = page(site, "tinh-hinh-nop/index.html")
    assert latest.h1 is not None and latest.h1.get_text(strip=True) == "Tình hình nộp hồ sơ năm 2025"


def test_home_page_summarises_the_latest_year(small_site: SmallSite) -> None:
    doc = page(small_site.output, "index.html")
    text = doc.get_text(" ", strip=True)
    assert "Hạn gửi hồ sơ: trước ngày 15/01/2026 về Sở Giáo dục và Đào tạo tỉnh Tây Ninh" in text
    cards = [c.get_text(" ", strip=True) for c in doc.select(".the")]
    assert cards[0] == "2 đơn vị có kết quả hợp lệ"
    assert "1 đơn vị đạt mức độ 2" in cards and "0 đơn vị đạt mức độ 1" in cards
    assert cards[-1].startswith("98,5% ") and "mục tiêu 60% vào năm 2025" in cards[-1]  # 197 / 200
    tables = {str(t.caption.get_text(" ", strip=True)): t for t in doc.select("table.bang-gon") if t.caption}
    statuses = next(t for c, t in tables.items() if c.startswith("6 đơn vị thuộc diện đánh giá năm 2025"))
    counts = {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in statuses.select("tbody tr")
              if tr.th and tr.td}
    assert counts["Đúng hạn"] == "2" and counts["Chưa nộp"] == "4" and counts["Trễ hạn"] == "0"
    stages = next(t for c, t in tables.items() if "quy trình công nhận" in c)
    counts = {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in stages.select("tbody tr")
              if tr.th and tr.td}
    assert counts["Đã có quyết định công nhận"] == "1"
    assert counts["Tự đánh giá chưa đạt mức đề nghị"] == "1"


def test_documents_page_summarises_the_letters_and_lists_only_http_plan_links(
    sample_site: Path, sample_results: PublishedResults
) -> None:
    doc = page(sample_site, "van-ban/index.html")
    text = doc.get_text(" ", strip=True)
    for ref in ("206/KH-UBND ngày 28/09/2020", "22/2020/TT-BGDĐT ngày 06/08/2020", "3054/KH-BCĐ ngày 10/10/2022",
                "196/KH-KHVN ngày 16/06/2022", "2188/KH-UBND ngày 13/07/2022", "677/QĐ-TTg ngày 03/06/2022",
                "24/2023/TT-BGDĐT ngày 11/12/2023", "324/QĐ-KHVN ngày 25/10/2023", "30/2020/NĐ-CP ngày 05/03/2020"):
        assert ref in text, ref
    latest = sample_results.latest
    assert latest is not None
    plans = doc.select("ul.ke-hoach li")
    assert len(plans) == sum(1 for r in latest.results if r.plan_url and r.plan_url.startswith(("http://", "https://")))
    assert plans and all(str(a["href"]).startswith(("https://", "http://")) for li in plans for a in li.select("a.ngoai"))


def test_documents_page_leaves_out_a_javascript_plan(small_site: SmallSite) -> None:
    doc = page(small_site.output, "van-ban/index.html")
    assert not doc.select("ul.ke-hoach a.ngoai")  # the latest year has no http(s) plan link
    assert "Chưa có đơn vị nào công bố đường dẫn kế hoạch" in doc.get_text(" ", strip=True)


def test_guidance_page_covers_evidence_and_cdht(small_site: SmallSite) -> None:
    text = page(small_site.output, "huong-dan/index.html").get_text(" ", strip=True)
    for fact in ("không có minh chứng phù hợp được đánh giá là không đạt", "khoản 3 Điều 15",
                 "được công nhận “Công dân học tập” vào năm 2025", "80% vào năm 2030", "Ban Khuyến học",
                 "trước ngày 15 tháng 01 của năm liền kề sau năm đánh giá"):
        assert fact in text, fact


# --- hostile text, privacy ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["small", "sample"])
def test_hostile_submitter_text_is_escaped_everywhere(which: str, small_site: SmallSite, sample_site: Path) -> None:
    site = small_site.output if which == "small" else sample_site
    for path in html_files(site):
        doc = soup(path)
        for script in doc.find_all("script"):
            assert str(script.get("src", "")).endswith(".js") and not script.get_text(strip=True), path
        for a in doc.find_all("a"):
            href = str(a.get("href", "")).strip().lower()
            assert not href.startswith(("javascript:", "data:", "vbscript:")), path
        for tag in doc.find_all(True):
            assert not any(str(attr).lower().startswith("on") for attr in tag.attrs), (path, tag.name)
        assert not doc.find(["img", "iframe", "object", "embed"]), path
        assert "<script>alert" not in path.read_text(encoding="utf-8"), path


def test_hostile_text_is_shown_as_text(small_site: SmallSite) -> None:
    unit = page(small_site.output, "don-vi/ban-thu-nghiem/index.html")
    assert unit.h1 is not None and unit.h1.get_text() == HOSTILE_NAME
    assert unit.title is not None and HOSTILE_NAME in unit.title.get_text()
    shown = [s.get_text() for s in unit.select(".lien-ket-khong-hop-le")]
    assert HOSTILE_URL in shown
    assert "<img src=x onerror=alert(1)>" in shown
    notes = [n.get_text() for n in unit.select(".van-ban-nguoi-dung")]
    assert any(n.startswith("=HYPERLINK(") for n in notes)
    assert HOSTILE_SCRIPT in notes
    status = page(small_site.output, "tinh-hinh-nop/2023/index.html")
    assert HOSTILE_NAME in [th.get_text(strip=True) for th in status.select("table.bang-nop tbody th")]


PRIVATE = [
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail
    re.compile(r"(?<![\d.,/-])(?:\+84|0)(?:[ .]?\d){9}(?![\d])"),  # Vietnamese phone number
]


@pytest.mark.parametrize("pattern", PRIVATE, ids=["e-mail", "phone"])
def test_no_private_contact_data_anywhere_in_the_output(
    sample_site: Path, small_site: SmallSite, pattern: re.Pattern[str]
) -> None:
    for site in (sample_site, small_site.output):
        for path in site.rglob("*"):
            if path.suffix not in {".html", ".xml", ".json", ".csv", ".js", ".css"} or "pagefind" in path.parts:
                continue
            match = pattern.search(path.read_text(encoding="utf-8"))
            assert match is None, f"{path}: {match.group(0) if match else ''}"


# --- sitemap, feed, 404, search ------------------------------------------------------------------------


def test_sitemap_lists_every_unit_page(small_site: SmallSite) -> None:
    root = ElementTree.parse(small_site.output / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locs = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert len(locs) == len(set(locs))
    for unit in ("so-gd-dt", "so-noi-vu", "hoi-lhpn", "ban-thu-nghiem", "vp-tinh-uy", "dh-thcs", "tn-so-gd-dt",
                 "tn-thpt"):
        assert f"/don-vi/{unit}/" in locs
    for url in ("/", "/xep-hang/2023/", "/ket-qua/2024/", "/ket-qua/2025/", "/tieu-chi/", "/huong-dan/",
                "/cong-nhan/", "/tinh-hinh-nop/2025/", "/thong-bao/", "/du-lieu/", "/tim-kiem/"):
        assert url in locs, url
    assert "/don-vi/so-y-te/" not in locs  # an unknown id never gets a page
    assert not any("404" in str(loc) or "pagefind" in str(loc) or "/theme/" in str(loc) for loc in locs)
    pages = {"/" + p.relative_to(small_site.output).as_posix().removesuffix("index.html")
             for p in html_files(small_site.output) if p.name != "404.html"}
    assert set(locs) == pages  # every page, nothing else


def test_atom_feed_lists_the_announcements(small_site: SmallSite) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(small_site.output / "thong-bao" / "atom.xml").getroot()
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    assert "Mở đợt tự đánh giá, đề nghị công nhận Đơn vị học tập năm 2025" in titles
    assert "Công bố kết quả tự đánh giá năm 2025" in titles
    listing = page(small_site.output, "thong-bao/index.html").get_text(" ", strip=True)
    assert "01/12/2025" in listing and "10/02/2026" in listing


def test_not_found_page_exists(small_site: SmallSite) -> None:
    doc = page(small_site.output, "404.html")
    assert doc.h1 is not None and doc.h1.get_text(strip=True) == "Không tìm thấy trang"
    assert doc.main is not None and not doc.main.has_attr("data-pagefind-body")


def test_search_page_has_an_a_to_z_fallback_and_an_index(small_site: SmallSite) -> None:
    site = small_site.output
    doc = page(site, "tim-kiem/index.html")
    names = [a.get_text(strip=True) for a in doc.select("#a-z ~ ul.danh-sach-don-vi a")]
    assert names == [HOSTILE_NAME, "Hội Liên hiệp Phụ nữ tỉnh", "Sở Giáo dục và Đào tạo",
                     "Sở Giáo dục và Đào tạo tỉnh Tây Ninh", "Sở Nội vụ", "Trường THCS Hậu Nghĩa (huyện Đức Hòa)",
                     "Trường THPT chuyên Long An", "Văn phòng Tỉnh ủy"]
    form = doc.select_one("form.o-tim-kiem")
    assert form is not None and form.has_attr("hidden")  # shown by JavaScript only
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert list((site / "pagefind" / "index").glob("vi_*.pf_index"))  # indexed as Vietnamese
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    # Every page but search and 404, the downloads page (written after the index starts: it lists the files'
    # sizes), and the lists that repeat other pages (a ranking per group, the unit list, the status page of the
    # latest year under its short address).
    skipped = {"tim-kiem/index.html", "404.html", "don-vi/index.html", "tinh-hinh-nop/index.html", "du-lieu/index.html"}
    groups = {p.relative_to(site).as_posix() for p in (site / "xep-hang").glob("*/*/index.html")}
    indexed = [p for p in html_files(site) if p.relative_to(site).as_posix() not in skipped | groups]
    assert groups and entry["languages"]["vi"]["page_count"] == len(indexed)
    main = page(site, "don-vi/so-gd-dt/index.html").main
    assert main is not None and main.has_attr("data-pagefind-body")


def test_a_to_z_files_d_with_stroke_after_d(sample_site: Path) -> None:
    letters = [a.get_text(strip=True) for a in page(sample_site, "tim-kiem/index.html").select("p.muc-chu a")]
    assert letters == sorted(set(letters), key=letters.index)  # each letter once
    if "Đ" in letters and "D" in letters:
        assert letters.index("D") < letters.index("Đ")
    assert letters.index("Đ") < letters.index("H") if "Đ" in letters and "H" in letters else True


def test_home_page_of_a_points_year_counts_classes_and_keeps_ties(small_site: SmallSite) -> None:
    """The home page as it read while 2023 was the latest year: the real results, seen as of 2023, rendered by the theme."""
    sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
    from hoctap_pages.formatting import FILTERS
    from hoctap_pages.pages import common_context, home_context
    from hoctap_pages.site_data import SiteData

    results = load_results_folder(small_site.project / ".hoctap" / "ket-qua")
    data = SiteData(dataclasses.replace(results, latest_year=2023))
    env = Environment(loader=FileSystemLoader(ROOT_REPO / "site" / "theme" / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    env.globals["safe_url"] = safe_url
    html = env.get_template("home.html").render(SITEURL="", SITENAME="Đơn vị học tập", hoctap=common_context(data),
                                                 title="Trang chủ", announcements=[], **home_context(data))
    doc = BeautifulSoup(html, "html.parser")
    text = doc.get_text(" ", strip=True)
    assert "Năm 2023 được đánh giá theo Thông tư 22/2020/TT-BGDĐT" in text
    assert "trước ngày 31/01/2024 về Sở Giáo dục và Đào tạo tỉnh Long An" in text
    classes = next(t for t in doc.select("table.bang-gon") if t.caption and "xếp loại" in t.caption.get_text())
    counts = {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in classes.select("tbody tr")
              if tr.th and tr.td}
    assert counts == {"Tốt": "3", "Khá": "1", "Trung bình": "0", "Chưa đạt": "0"}
    top = doc.select("ol.dan-dau li")
    assert [li.get("value") for li in top] == ["1", "2", "2", "4"]  # tied units share a rank
    assert "88,5 điểm" in top[1].get_text(" ", strip=True)
    assert HOSTILE_SCRIPT not in html  # escaped
