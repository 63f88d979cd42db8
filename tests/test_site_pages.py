"""The built site, read back with BeautifulSoup: the facts a reader of each page must find."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup, Tag
from site_fixtures import HOSTILE_SCRIPT, HOSTILE_URL, html_files


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def ranking_rows(site: Path, page: str) -> list[dict[str, str]]:
    table = soup(site, page).select_one("table.bang-xep-hang")
    assert isinstance(table, Tag)
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    return [
        dict(zip(headers, (c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])), strict=True))
        for tr in table.select("tbody tr")
    ]


def test_every_page_is_vietnamese_and_carries_the_sample_banner(built_site: Path) -> None:
    pages = html_files(built_site)
    assert len(pages) > 25
    for page in pages:
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert doc.html is not None and doc.html.get("lang") == "vi", page
        banner = doc.select_one(".du-lieu-mau")
        assert banner is not None, f"no sample banner on {page}"
        assert banner.get_text(" ", strip=True).startswith("Dữ liệu mẫu —"), page


def test_rankings_give_tied_units_the_same_rank(built_site: Path) -> None:
    rows = ranking_rows(built_site, "xep-hang/2025/index.html")
    assert [r["Hạng"] for r in rows] == ["1", "2", "2", "4"]
    assert rows[0]["Đơn vị"] == "Sở Giáo dục và Đào tạo"
    assert {rows[1]["Đơn vị"], rows[2]["Đơn vị"]} == {"Sở Nội vụ", "Hội Liên hiệp Phụ nữ tỉnh"}


def test_rankings_write_numbers_with_a_decimal_comma_and_say_which_score_is_verified(built_site: Path) -> None:
    rows = {r["Đơn vị"]: r for r in ranking_rows(built_site, "xep-hang/2025/index.html")}
    noi_vu = rows["Sở Nội vụ"]
    assert noi_vu["Tổng điểm"] == "88,5"
    assert noi_vu["TC1"] == "27,5"
    assert noi_vu["Cơ sở điểm"] == "Đã thẩm định"
    assert noi_vu["Xếp loại"] == "Tốt"
    assert noi_vu["So với năm trước"] == "+10,5"
    assert rows["Sở Giáo dục và Đào tạo"]["Cơ sở điểm"] == "Tự đánh giá"
    assert rows["Hội Liên hiệp Phụ nữ tỉnh"]["So với năm trước"] == "—"  # no score in 2024
    assert rows[next(n for n in rows if n.startswith("Ban Thử nghiệm"))]["Xếp loại"] == "Khá"
    table = soup(built_site, "xep-hang/2025/index.html").select_one("table.bang-xep-hang")
    assert table is not None and "88.5" not in table.get_text()


def test_group_pages_filter_the_ranking_without_javascript(built_site: Path) -> None:
    rows = ranking_rows(built_site, "xep-hang/2025/khoi-chinh-quyen/index.html")
    assert [r["Đơn vị"] for r in rows] == ["Sở Giáo dục và Đào tạo", "Sở Nội vụ"]
    assert [r["Hạng trong khối"] for r in rows] == ["1", "2"]
    overall = soup(built_site, "xep-hang/2025/index.html")
    links = {a.get_text(strip=True): a["href"] for a in overall.select("nav.chon-khoi a")}
    assert links["Khối chính quyền"].endswith("xep-hang/2025/khoi-chinh-quyen/")
    year_index = soup(built_site, "xep-hang/index.html").get_text()
    assert all(f"Năm {y}" in year_index for y in (2023, 2024, 2025))


def test_unit_page_shows_history_chart_breakdown_and_plan(built_site: Path) -> None:
    doc = soup(built_site, "don-vi/so-gd-dt/index.html")
    assert doc.h1 is not None and doc.h1.get_text(strip=True) == "Sở Giáo dục và Đào tạo"
    history = doc.select_one("section[aria-labelledby=qua-cac-nam] table")
    assert history is not None
    years = [tr.th.get_text(strip=True) for tr in history.select("tbody tr") if tr.th]
    assert years == ["2025", "2024", "2023"]
    svg = doc.select_one("section[aria-labelledby=qua-cac-nam] svg")
    assert svg is not None and len(svg.select("rect.cot")) == 3
    assert "Tổng điểm của Sở Giáo dục và Đào tạo" in svg.get_text()
    section = doc.select_one("#nam-2025")
    assert section is not None
    indicator_rows = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
                      for tr in section.select("table.bang-chi-tiet tbody tr") if tr.th}
    assert indicator_rows["3.1"][1:3] == ["25", "22"]  # max, points
    assert indicator_rows["1"][1:3] == ["30", "29"]  # criterion subtotal
    assert len(indicator_rows) == 13  # 3 criteria + 10 indicators
    text = section.get_text(" ", strip=True)
    assert "tự đánh giá" in text and "Hạng 1 toàn tỉnh" in text
    assert "80/120 thành viên (66,7%)" in text and "mục tiêu 60%" in text and "đã đạt" in text
    assert "Đã thành lập" in text
    plan = section.find("a", string=re.compile("Kế hoạch xây dựng Đơn vị học tập năm 2025"))
    assert isinstance(plan, Tag) and plan["href"] == "https://example.gov.vn/so-gd-dt/ke-hoach-2025.pdf"
    assert section.select("svg rect.cot"), "criterion chart missing"


def test_verified_unit_page_says_the_score_was_verified(built_site: Path) -> None:
    section = soup(built_site, "don-vi/so-noi-vu/index.html").select_one("#nam-2025")
    assert section is not None
    text = section.get_text(" ", strip=True)
    assert "đã thẩm định" in text and "88,5" in text
    assert "Điểm theo tiêu chí và chỉ số năm 2025 (đã thẩm định)" in text


def test_unit_that_never_submitted_still_has_a_page(built_site: Path) -> None:
    doc = soup(built_site, "don-vi/vp-tinh-uy/index.html")
    assert doc.h1 is not None and doc.h1.get_text(strip=True) == "Văn phòng Tỉnh ủy"
    text = doc.get_text(" ", strip=True)
    assert "chưa có báo cáo tự đánh giá nào" in text
    assert text.count("Chưa nộp") == 3  # 2023, 2024, 2025


def test_unit_page_lists_its_rejection_reasons(built_site: Path) -> None:
    section = soup(built_site, "don-vi/so-y-te/index.html").select_one("#nam-2025")
    assert section is not None
    assert "ô D23: 12 lớn hơn điểm tối đa 10 của chỉ số 1.1." in section.get_text(" ", strip=True)


def test_criteria_page_is_rendered_from_the_rubric_with_citations_and_flags(built_site: Path) -> None:
    doc = soup(built_site, "tieu-chi/index.html")
    rows = doc.select("table.bang-chi-so tbody tr")
    assert [r.th.get_text(strip=True) for r in rows if r.th] == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["chi-so-3.1"].select_one(".can-cu").get_text(strip=True) == "Khoản 3 Điều 5 Thông tư 22/2020/TT-BGDĐT"
    assert len(by_id["chi-so-3.1"].select("ol.noi-dung-chi-so li")) == 8
    assert "Cam kết học tập suốt đời" in by_id["chi-so-3.1"].get_text()
    flagged = [r["id"] for r in rows if "chua-doi-chieu" in (r.get("class") or [])]
    assert flagged == ["chi-so-2.4"]
    assert "Chưa đối chiếu" in by_id["chi-so-2.4"].get_text()
    assert "Kế hoạch 103/KH-UBND" in by_id["chi-so-2.4"].get_text()
    text = doc.get_text(" ", strip=True)
    assert "Tiêu chí 3. Tiêu chí đánh giá hiệu quả, tác động của xây dựng Đơn vị học tập (tối đa 40 điểm)" in text
    assert "từ năm 2020 đến nay" in text and "2023, 2024, 2025" in text
    bands = [tr.get_text(" ", strip=True) for tr in doc.select("table.bang-gon tbody tr")]
    assert bands[0] == "Tốt từ 85 đến 100 Điều 6 Thông tư 22/2020/TT-BGDĐT"
    assert bands[1] == "Khá từ 70 đến dưới 85 Điều 6 Thông tư 22/2020/TT-BGDĐT"
    assert bands[3] == "Chưa đạt dưới 50 Điều 6 Thông tư 22/2020/TT-BGDĐT"


def test_submission_status_against_the_deadline(built_site: Path) -> None:
    doc = soup(built_site, "tinh-hinh-nop/2025/index.html")
    text = doc.get_text(" ", strip=True)
    assert "trước ngày 31/01/2026" in text
    rows = {tr.th.get_text(strip=True): tr for tr in doc.select("table.bang-nop tbody tr")}
    assert rows["Sở Giáo dục và Đào tạo"].select_one(".trang-thai").get_text() == "Đúng hạn"
    assert "ngày 20/01/2026" in rows["Sở Giáo dục và Đào tạo"].get_text()
    assert rows["Hội Liên hiệp Phụ nữ tỉnh"].select_one(".trang-thai").get_text() == "Trễ hạn"
    assert "ngày 03/02/2026" in rows["Hội Liên hiệp Phụ nữ tỉnh"].get_text()
    assert rows["Văn phòng Tỉnh ủy"].select_one(".trang-thai").get_text() == "Chưa nộp"
    assert rows["Sở Y tế"].select_one(".trang-thai").get_text() == "Bị từ chối"
    assert "12 lớn hơn điểm tối đa 10" in rows["Sở Y tế"].get_text()
    assert "UBND thành phố Tân An" not in rows  # ended in 2024
    assert "UBND thành phố Tân An" in soup(built_site, "tinh-hinh-nop/2024/index.html").get_text()
    latest = soup(built_site, "tinh-hinh-nop/index.html")
    assert latest.h1 is not None and latest.h1.get_text(strip=True) == "Tình hình nộp báo cáo năm 2025"


def test_home_page_summarises_the_latest_year(built_site: Path) -> None:
    doc = soup(built_site, "index.html")
    text = doc.get_text(" ", strip=True)
    assert "Hạn nộp báo cáo tự đánh giá năm 2025: ngày 31/01/2026" in text
    tables = doc.select("table.bang-gon")
    classes = {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in tables[0].select("tbody tr")}
    assert classes == {"Tốt": "3", "Khá": "1", "Trung bình": "0", "Chưa đạt": "0"}
    statuses = {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in tables[1].select("tbody tr")}
    assert statuses["Đúng hạn"] == "3" and statuses["Trễ hạn"] == "1"
    assert statuses["Bị từ chối"] == "1" and statuses["Chưa nộp"] == "1"
    cards = [c.get_text(" ", strip=True) for c in doc.select(".the")]
    assert cards[0].startswith("4 ")
    assert cards[1].startswith("88 ")  # (95 + 88.5 + 88.5 + 80) / 4
    assert cards[2].startswith("63,4% ") and "mục tiêu 60% vào năm 2025" in cards[2]  # 130 / 205


def test_documents_page_summarises_the_letters_and_lists_only_http_plan_links(built_site: Path) -> None:
    doc = soup(built_site, "van-ban/index.html")
    text = doc.get_text(" ", strip=True)
    for ref in ("206/KH-UBND ngày 28/9/2020", "22/2020/TT-BGDĐT ngày 06/8/2020", "3054/KH-BCĐ ngày 10/10/2022",
                "196/KH-KHVN ngày 16/6/2022", "2188/KH-UBND ngày 13/7/2022", "677/QĐ-TTg ngày 03/6/2022"):
        assert ref in text, ref
    plans = doc.select("ul.ke-hoach li")
    assert len(plans) == 3  # the hostile javascript: plan is left out
    assert all(a["href"].startswith("https://") for li in plans for a in li.select("a.ngoai"))


def test_guidance_page_covers_evidence_deadline_and_cdht(built_site: Path) -> None:
    text = soup(built_site, "huong-dan/index.html").get_text(" ", strip=True)
    for fact in ("hồ sơ minh chứng", "trước ngày 31/01 hằng năm", "60% được công nhận Công dân học tập vào năm 2025",
                 "80% vào năm 2030", "từ 80/100 điểm trở lên và không có chỉ tiêu nào dưới 5 điểm", "Ban Khuyến học"):
        assert fact in text, fact


def test_hostile_submitter_text_is_escaped_everywhere(built_site: Path) -> None:
    for page in html_files(built_site):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in doc.find_all("script"):
            assert script.get("src", "").endswith((".js",)) and not script.get_text(strip=True), page
        for a in doc.find_all("a"):
            assert not a.get("href", "").lower().startswith("javascript:"), page
        assert not doc.find(attrs={"onerror": True}), page
        assert not doc.find("img"), page
    unit = soup(built_site, "don-vi/ban-thu-nghiem/index.html")
    assert unit.h1 is not None and unit.h1.get_text() == f"Ban Thử nghiệm {HOSTILE_SCRIPT}"
    shown = unit.select(".lien-ket-khong-hop-le")
    assert HOSTILE_URL in [s.get_text() for s in shown]
    assert "<img src=x onerror=alert(1)>" in [s.get_text() for s in shown]
    note = unit.select(".van-ban-nguoi-dung")
    assert any(n.get_text().startswith("=HYPERLINK(") for n in note)


def test_sitemap_lists_every_unit_page(built_site: Path) -> None:
    sitemap = ElementTree.parse(built_site / "sitemap.xml").getroot()
    assert sitemap.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for unit in ("so-gd-dt", "so-noi-vu", "so-y-te", "hoi-lhpn", "ban-thu-nghiem", "vp-tinh-uy", "ubnd-tan-an"):
        assert f"/don-vi/{unit}/" in locs
    assert "/xep-hang/2025/" in locs and "/tieu-chi/" in locs and "/huong-dan/" in locs
    assert not any("404" in loc or "pagefind" in loc for loc in locs)


def test_atom_feed_lists_the_announcements(built_site: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(built_site / "thong-bao" / "atom.xml").getroot()
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    assert "Mở đợt báo cáo tự đánh giá Đơn vị học tập năm 2025" in titles
    assert "Công bố kết quả sơ bộ năm 2025" in titles
    listing = soup(built_site, "thong-bao/index.html").get_text(" ", strip=True)
    assert "01/12/2025" in listing and "10/02/2026" in listing


def test_not_found_page_exists(built_site: Path) -> None:
    doc = soup(built_site, "404.html")
    assert doc.h1 is not None and doc.h1.get_text(strip=True) == "Không tìm thấy trang"
    assert doc.main is not None and not doc.main.has_attr("data-pagefind-body")


def test_search_page_has_an_a_to_z_fallback_and_an_index(built_site: Path) -> None:
    doc = soup(built_site, "tim-kiem/index.html")
    names = [a.get_text(strip=True) for a in doc.select("#a-z ~ ul.danh-sach-don-vi a")]
    assert "Sở Giáo dục và Đào tạo" in names and "Văn phòng Tỉnh ủy" in names
    assert names.index("Hội Liên hiệp Phụ nữ tỉnh") < names.index("Sở Nội vụ") < names.index("Văn phòng Tỉnh ủy")
    form = doc.select_one("form.o-tim-kiem")
    assert form is not None and form.has_attr("hidden")  # shown by JavaScript only
    assert (built_site / "pagefind" / "pagefind.js").is_file()
    assert list((built_site / "pagefind" / "index").glob("vi_*.pf_index"))
    main = soup(built_site, "don-vi/so-gd-dt/index.html").main
    assert main is not None and main.has_attr("data-pagefind-body")


PRIVATE = [
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail
    re.compile(r"(?<![\d.,/-])(?:\+84|0)(?:[ .]?\d){9}(?![\d])"),  # Vietnamese phone number
]


@pytest.mark.parametrize("pattern", PRIVATE, ids=["e-mail", "phone"])
def test_no_private_contact_data_anywhere_in_the_output(built_site: Path, pattern: re.Pattern[str]) -> None:
    for path in built_site.rglob("*"):
        if path.suffix not in {".html", ".xml", ".json", ".csv", ".js", ".css"} or "pagefind" in path.parts:
            continue
        match = pattern.search(path.read_text(encoding="utf-8"))
        assert match is None, f"{path}: {match.group(0) if match else ''}"
