"""The public site for the Thông tư 24/2023 years: levels instead of points, the procedure, the recognitions.

Read back from `small_site` (tests/conftest.py), scored by the real pipeline:
2024 under Long An (a recognised unit, a refusal by the Hội đồng, a district
school, a THPT with learners, a share just under its threshold), 2025 under
Tây Ninh after the merger (the successor of the Sở GD&ĐT, recognised at
level 2; a chỉ tiêu without evidence), and the 2023 points year before them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import HOSTILE_NAME, SmallSite
from support import html_files, soup


def page(site: SmallSite, path: str) -> BeautifulSoup:
    return soup(site.output / path)


def rows_of(table: Tag) -> list[dict[str, str]]:
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    return [dict(zip(headers, (c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"], recursive=False)),
                     strict=True))
            for tr in table.select("tbody tr")]


def table(doc: BeautifulSoup | Tag, caption_start: str) -> Tag:
    for t in doc.select("table"):
        if t.caption and t.caption.get_text(" ", strip=True).startswith(caption_start):
            return t
    raise AssertionError(f"no table captioned «{caption_start}…»")


def main_text(doc: BeautifulSoup) -> str:
    assert doc.main is not None
    return doc.main.get_text(" ", strip=True)


def checks(doc: BeautifulSoup, year: int) -> dict[str, dict[str, str]]:
    """The chỉ tiêu table of a unit's year, by chỉ tiêu id (the id is the first word of the row header)."""
    section = doc.select_one(f"#nam-{year}")
    assert section is not None
    t = section.select_one("table.bang-chi-tieu")
    assert t is not None
    headers = [th.get_text(" ", strip=True) for th in t.select("thead th")]
    out = {}
    for tr in t.select("tbody tr"):
        if "dong-tieu-chi" in (tr.get("class") or []):
            continue
        head = tr.th
        assert head is not None
        ma = head.select_one(".ma")
        assert ma is not None
        cells = [head.get_text(" ", strip=True), *(td.get_text(" ", strip=True) for td in tr.find_all("td", recursive=False))]
        out[ma.get_text(strip=True)] = dict(zip(headers, cells, strict=True))
        out[ma.get_text(strip=True)]["_row"] = str(tr)
    return out


# --- the year pages: no ranking, levels and stages -------------------------------------------------------


def test_levels_years_have_no_points_ranking(small_site: SmallSite) -> None:
    for year in (2024, 2025):
        assert not (small_site.output / "xep-hang" / str(year)).exists()
        doc = page(small_site, f"ket-qua/{year}/index.html")
        assert doc.select_one("table.bang-xep-hang") is None
        headers = [th.get_text(" ", strip=True) for th in doc.select("thead th")]
        assert not {"Hạng", "Tổng điểm", "Xếp loại", "TC1"} & set(headers), year
        assert "không chấm điểm và không xếp hạng" in main_text(doc)
    years = page(small_site, "ket-qua/index.html")
    links = {a.get_text(strip=True): str(a["href"]) for a in years.select("ul.danh-sach-nam a") if "Năm" in a.get_text()}
    assert links["Năm 2023"].endswith("xep-hang/2023/")
    assert links["Năm 2024"].endswith("ket-qua/2024/") and links["Năm 2025"].endswith("ket-qua/2025/")


def test_year_page_counts_units_by_level_reached_and_by_stage(small_site: SmallSite) -> None:
    doc = page(small_site, "ket-qua/2024/index.html")
    cards = [c.get_text(" ", strip=True) for c in doc.select("#tong-hop ~ .the-so .the")]
    assert cards == ["3 đơn vị đạt mức độ 2", "0 đơn vị đạt mức độ 1", "2 đơn vị chưa đạt mức độ 1"]
    stages = {r["Tình trạng"]: r["Số đơn vị"] for r in rows_of(table(doc, "Theo bước của quy trình"))}
    assert stages == {
        "Đã có quyết định công nhận": "1",  # the Sở GD&ĐT, Quyết định 324/QĐ-UBND
        "Hội đồng đã thẩm định, đề nghị công nhận": "0",
        "Hội đồng thẩm định không đạt mức đề nghị": "1",  # the Sở Nội vụ: chỉ tiêu 2.4
        "Tự đánh giá, chờ Hội đồng thẩm định": "2",  # the district school and the THPT
        "Tự đánh giá chưa đạt mức đề nghị": "1",  # the Hội LHPN: 89% < 90%
    }
    groups = {r["Khối"]: r for r in rows_of(table(doc, "Theo khối và mức độ đạt"))}
    assert groups["Khối chính quyền"] == {"Khối": "Khối chính quyền", "Mức độ 2": "1", "Mức độ 1": "0", "Chưa đạt": "1",
                                          "Cộng": "2"}
    assert groups["Cấp huyện: huyện Đức Hòa"]["Mức độ 2"] == "1"
    assert groups["Mặt trận và đoàn thể"]["Chưa đạt"] == "1"
    types = {r["Loại đơn vị"]: r for r in rows_of(table(doc, "Theo loại đơn vị và mức độ đạt"))}
    assert types["Trường trung học cơ sở (kể cả trường nhiều cấp học có cấp cao nhất là THCS)"]["Cộng"] == "1"
    assert types["Trường trung học phổ thông (kể cả trường nhiều cấp học có cấp cao nhất là THPT)"]["Mức độ 2"] == "1"
    assert sum(int(r["Cộng"]) for r in types.values()) == 5


def test_year_page_lists_each_unit_with_its_stage(small_site: SmallSite) -> None:
    doc = page(small_site, "ket-qua/2024/index.html")
    listed = doc.select_one("table.bang-muc-do")
    assert listed is not None
    rows = {r["Đơn vị"]: r for r in rows_of(listed)}
    assert len(rows) == 5
    gd = rows["Sở Giáo dục và Đào tạo"]
    assert gd["Mức đề nghị"] == "1" and gd["Mức đạt"] == "Mức độ 2"
    assert gd["Tình trạng"].startswith("Đã có quyết định công nhận")
    assert "công nhận mức độ 1" in gd["Tình trạng"] and "Quyết định số 324/QĐ-UBND" in gd["Tình trạng"]
    refused = rows["Sở Nội vụ"]
    assert refused["Mức đề nghị"] == "2" and refused["Mức đạt"] == "Chưa đạt mức độ 1"
    assert refused["Tình trạng"].startswith("Hội đồng thẩm định không đạt mức đề nghị")
    assert "Chỉ tiêu 2.4: chứng chỉ ngoại ngữ chưa đủ." in refused["Tình trạng"]  # the reasons, as the law asks
    lhpn = rows["Hội Liên hiệp Phụ nữ tỉnh"]
    assert lhpn["Tình trạng"].startswith("Tự đánh giá chưa đạt mức đề nghị") and "2.1" in lhpn["Tình trạng"]
    assert rows["Trường THPT chuyên Long An"]["Tình trạng"] == "Tự đánh giá, chờ Hội đồng thẩm định"
    later = page(small_site, "ket-qua/2025/index.html")
    listed = later.select_one("table.bang-muc-do")
    assert listed is not None
    rows = {r["Đơn vị"]: r for r in rows_of(listed)}
    assert set(rows) == {"Sở Giáo dục và Đào tạo tỉnh Tây Ninh", HOSTILE_NAME}
    assert "Quyết định số 325/QĐ-UBND" in rows["Sở Giáo dục và Đào tạo tỉnh Tây Ninh"]["Tình trạng"]
    assert "3.2" in rows[HOSTILE_NAME]["Tình trạng"]  # the chỉ tiêu without evidence


# --- the unit page of a levels year -------------------------------------------------------------------


def test_unit_page_shows_the_requirement_of_the_requested_level_and_the_councils_judgement(small_site: SmallSite) -> None:
    doc = page(small_site, "don-vi/so-noi-vu/index.html")
    section = doc.select_one("#nam-2024")
    assert section is not None
    caption = section.select_one("table.bang-chi-tieu caption")
    assert caption is not None and "theo yêu cầu của mức độ 2" in caption.get_text()
    rows = checks(doc, 2024)
    assert set(rows) == {"1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5",
                         "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"}
    assert rows["2.1"]["Yêu cầu"] == "≥ 95% thành viên"  # level 2 (Điều 13), not level 1's 90%
    assert rows["2.1"]["Số liệu của đơn vị"] == "96/100 thành viên (96%)"
    assert rows["2.4"]["Yêu cầu"] == "≥ 70% thành viên"
    assert rows["2.4"]["Đơn vị tự đánh giá"] == "Đạt" and rows["2.4"]["Hội đồng"] == "Không đạt"
    assert rows["2.4"]["Kết quả"].startswith("Không đạt")
    assert rows["3.4"]["Kết quả"] == "Không áp dụng" and rows["3.4"]["Yêu cầu"] == "—"
    text = section.get_text(" ", strip=True)
    assert "Ý kiến của Hội đồng: Chỉ tiêu 2.4: chứng chỉ ngoại ngữ chưa đủ." in text
    assert "Hội đồng thẩm định không đạt mức đề nghị" in text
    # The text of the chỉ tiêu, with its citation.
    assert "điểm d khoản 2 Điều 7" in rows["2.4"]["Chỉ tiêu"]
    assert "Tối thiểu 70% Thành viên trong đơn vị có trình độ ngoại ngữ" in rows["2.4"]["Chỉ tiêu"]


def test_unit_page_shows_shares_and_why_a_chi_tieu_failed(small_site: SmallSite) -> None:
    rows = checks(page(small_site, "don-vi/hoi-lhpn/index.html"), 2024)
    assert rows["2.1"]["Yêu cầu"] == "≥ 90% thành viên"
    assert rows["2.1"]["Số liệu của đơn vị"] == "89/100 thành viên (89%)"
    assert rows["2.1"]["Kết quả"] == "Không đạt thành viên: 89% (89/100) thấp hơn 90%"
    school = checks(page(small_site, "don-vi/tn-thpt/index.html"), 2024)
    assert school["3.1"]["Yêu cầu"] == "≥ 95% thành viên; ≥ 97% người học"
    assert school["3.1"]["Số liệu của đơn vị"] == "95/100 thành viên (95%); 1.200/1.200 người học (100%)"
    assert school["3.4"]["Yêu cầu"] == "Mức đáp ứng tốt" and school["3.4"]["Kết quả"] == "Đạt"
    district = checks(page(small_site, "don-vi/dh-thcs/index.html"), 2024)
    assert "điểm a khoản 2 Điều 6" in district["2.1"]["Chỉ tiêu"]  # the district set
    assert district["3.4"]["Kết quả"] == "Đạt"  # a THCS is a general school (QĐ 4725)


def test_only_http_evidence_becomes_a_link(small_site: SmallSite) -> None:
    doc = page(small_site, "don-vi/ban-thu-nghiem/index.html")
    rows = checks(doc, 2025)
    link = BeautifulSoup(rows["1.1"]["_row"], "html.parser").select_one("a.ngoai")
    assert link is not None and link["href"] == "https://vanban.example/ban-thu-nghiem/2025/1.1.pdf"
    assert rows["3.2"]["Minh chứng"] == "—"
    assert rows["3.2"]["Kết quả"] == "Không đạt không có minh chứng"
    for site_page in html_files(small_site.output):
        for a in soup(site_page).select("a.ngoai"):
            assert str(a["href"]).startswith(("https://", "http://")), site_page
    points = doc.select_one("#nam-2023")
    assert points is not None
    shown = [s.get_text() for s in points.select(".lien-ket-khong-hop-le")]
    assert "javascript:alert(1)" in shown and "<img src=x onerror=alert(1)>" in shown


def test_recognition_line_on_the_unit_page(small_site: SmallSite) -> None:
    doc = page(small_site, "don-vi/so-gd-dt/index.html")
    lines = [li.get_text(" ", strip=True) for li in doc.select("#cong-nhan ~ ul.cong-nhan li")]
    assert lines[0].startswith(
        "Đã công nhận “Đơn vị học tập” cấp tỉnh mức độ 1 — Quyết định số 324/QĐ-UBND, ngày 10/02/2025; "
        "bảo lưu đến hết năm 2027.")
    assert "(Năm đánh giá 2024; Chủ tịch UBND tỉnh Long An ký.)" in lines[0]
    section = doc.select_one("#nam-2024")
    assert section is not None and "Quyết định số 324/QĐ-UBND, ngày 10/02/2025" in section.get_text(" ", strip=True)
    successor = page(small_site, "don-vi/tn-so-gd-dt/index.html")
    lines = [li.get_text(" ", strip=True) for li in successor.select("#cong-nhan ~ ul.cong-nhan li")]
    assert any(line.startswith("Đã công nhận “Đơn vị học tập” cấp tỉnh mức độ 2 — Quyết định số 325/QĐ-UBND, "
                               "ngày 10/02/2026; bảo lưu đến hết năm 2028.") for line in lines)


def test_history_continues_across_the_merger(small_site: SmallSite) -> None:
    doc = page(small_site, "don-vi/tn-so-gd-dt/index.html")
    history = doc.select_one("section[aria-labelledby=qua-cac-nam] table")
    assert history is not None
    years = [tr.th.get_text(strip=True) for tr in history.select("tbody tr") if tr.th]
    assert years == ["2025", "2024", "2023"]
    provinces = [tr.find_all("td")[-1].get_text(strip=True) for tr in history.select("tbody tr")]  # the last column
    assert provinces == ["Tây Ninh", "Long An", "Long An"]  # the province of each assessment year
    titles = {h.get_text(" ", strip=True) for h in doc.select("section[id^=nam-] > h2")}
    assert titles == {"Năm 2025", "Năm 2024 — Sở Giáo dục và Đào tạo", "Năm 2023 — Sở Giáo dục và Đào tạo"}
    before = doc.select_one("dl.thong-tin a[href$='don-vi/so-gd-dt/']")
    assert before is not None
    # The predecessor links forward, and its own page keeps only its own years.
    old = page(small_site, "don-vi/so-gd-dt/index.html")
    after = old.select_one("dl.thong-tin a[href$='don-vi/tn-so-gd-dt/']")
    assert after is not None and after.get_text(strip=True) == "Sở Giáo dục và Đào tạo tỉnh Tây Ninh"
    assert "Tổng điểm của Sở Giáo dục và Đào tạo" in (doc.select_one("svg title") or Tag(name="x")).get_text()


# --- criteria page ---------------------------------------------------------------------------------------


def test_criteria_page_shows_both_circulars_the_one_in_force_first(small_site: SmallSite) -> None:
    doc = page(small_site, "tieu-chi/index.html")
    headings = [h.get_text(" ", strip=True) for h in doc.select("section.bo-tieu-chi > h2")]
    assert headings[0].startswith("Thông tư 24/2023/TT-BGDĐT") and headings[1].startswith("Thông tư 22/2020/TT-BGDĐT")
    tt24 = doc.select_one("section[aria-labelledby=rb-tt24-2023]")
    tt22 = doc.select_one("section[aria-labelledby=rb-tt22-2020]")
    assert tt24 is not None and tt22 is not None
    assert "đang có hiệu lực" in tt24.get_text(" ", strip=True)
    assert "đã bị bãi bỏ" in tt22.get_text(" ", strip=True)
    assert "đang có hiệu lực" not in tt22.get_text(" ", strip=True)
    assert "khoản 1 Điều 22 Thông tư 24/2023/TT-BGDĐT" in tt22.get_text(" ", strip=True)


# The codified text (Bộ pháp điển, Đề mục 13.1) of three chỉ tiêu, word for word, with where it stands.
LEGAL_TEXT = [
    ("tt24-2023-cap-tinh-3.1", 1, "điểm a khoản 3 Điều 12 Thông tư 24/2023/TT-BGDĐT",
     "Tối thiểu 90% Thành viên trong đơn vị đạt danh hiệu “Công dân học tập” theo Quyết định số 324/QĐ-KHVN. Đối với "
     "Đơn vị cấp tỉnh là Cơ sở giáo dục đánh giá, công nhận cấp tỉnh tối thiểu 95% người học đạt danh hiệu “Công dân "
     "học tập” theo Quyết định số 324/QĐ-KHVN."),
    ("tt24-2023-cap-tinh-3.1", 2, "điểm a khoản 3 Điều 13 Thông tư 24/2023/TT-BGDĐT",
     "Tối thiểu 95% Thành viên trong đơn vị đạt danh hiệu “Công dân học tập” theo Quyết định số 324/QĐ-KHVN. Đối với "
     "Đơn vị cấp tỉnh là Cơ sở giáo dục đánh giá, công nhận ở cấp tỉnh tối thiểu 97% Người học đạt danh hiệu “Công "
     "dân học tập” theo Quyết định số 324/QĐ-KHVN."),
    ("tt24-2023-cap-huyen-2.4", 1, "điểm d khoản 2 Điều 6 Thông tư 24/2023/TT-BGDĐT",
     "Tối thiểu 50% Thành viên trong đơn vị có chứng nhận hoặc chứng chỉ ngoại ngữ hoặc tiếng dân tộc thiểu số đáp "
     "ứng yêu cầu công việc hoặc vị trí việc làm (không bao gồm thành viên trong đơn vị là tổ chức kinh tế)."),
    ("tt24-2023-cap-huyen-3.3", 2, "điểm c khoản 3 Điều 7 Thông tư 24/2023/TT-BGDĐT",
     "Đơn vị cấp huyện là cơ quan, đơn vị sự nghiệp công lập đạt danh hiệu thi đua từ “Tập thể lao động tiên tiến” "
     "(theo Luật Thi đua, Khen thưởng số 06/2022/QH15) trở lên."),
]


@pytest.mark.parametrize(("row_id", "level", "citation", "text"), LEGAL_TEXT, ids=lambda v: str(v)[:24])
def test_criteria_page_quotes_the_legal_text_with_its_citation(
    small_site: SmallSite, row_id: str, level: int, citation: str, text: str
) -> None:
    row = page(small_site, "tieu-chi/index.html").select_one(f"tr[id='{row_id}']")
    assert row is not None
    cell = row.find_all("td")[level - 1]
    cited = cell.select_one(".can-cu")
    assert cited is not None and cited.get_text(" ", strip=True).startswith(citation)
    cited.extract()
    assert cell.get_text(" ", strip=True) == text


def test_criteria_page_has_the_applicability_table_by_unit_type(small_site: SmallSite) -> None:
    doc = page(small_site, "tieu-chi/index.html")
    provincial = doc.select_one("section[aria-labelledby=ap-dung-cap-tinh] table")
    assert provincial is not None
    cols = [th.get_text(strip=True) for th in provincial.select("thead th")]
    assert cols[1:] == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5",
                        "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]
    assert all(th.get("scope") == "col" for th in provincial.select("thead th"))
    rows = {r["Loại đơn vị"]: r for r in rows_of(provincial)}
    business = rows["Doanh nghiệp, hợp tác xã, tổ chức kinh tế khác"]
    assert business["1.3"] == "—" and business["2.4"] == "—" and business["3.1"] == "Có"
    thpt = rows["Trường trung học phổ thông (kể cả trường nhiều cấp học có cấp cao nhất là THPT)"]
    assert thpt["3.4"] == "Có" and thpt["3.5"] == "—" and thpt["3.6"] == "—"
    assert rows["Cơ sở giáo dục đại học"]["3.5"] == "Có"
    district = doc.select_one("section[aria-labelledby=ap-dung-cap-huyen] table")
    assert district is not None
    rows = {r["Loại đơn vị"]: r for r in rows_of(district)}
    assert rows["Hội khuyến học, tổ chức xã hội, xã hội - nghề nghiệp"]["3.3"] == "Mức 1"  # Điều 7: public bodies only
    assert rows["Trường trung học cơ sở (kể cả trường nhiều cấp học có cấp cao nhất là THCS)"]["3.4"] == "Có"


def test_criteria_page_states_the_three_legal_choices_and_why(small_site: SmallSite) -> None:
    doc = page(small_site, "tieu-chi/index.html")
    choices = doc.select_one("section[aria-labelledby=lua-chon-tt24-2023] dl")
    assert choices is not None
    terms = [dt.get_text(" ", strip=True) for dt in choices.select("dt")]
    assert terms == ["Người học và thành viên (chỉ tiêu 3.1)", "Năm đánh giá 2023", "Đơn vị cấp huyện sau ngày 01/07/2025"]
    reasons = [dd.get_text(" ", strip=True) for dd in choices.select("dd")]
    assert "cả hai ngưỡng" in reasons[0] and "khoản 8 Điều 2" in reasons[0] and "cdht_learners_rule" in reasons[0]
    assert "không có điều khoản chuyển tiếp" in reasons[1] and "Thông tư 22/2020" in reasons[1]
    assert "rubric_years" in reasons[1]
    assert "Chủ tịch Ủy ban nhân dân cấp xã" in reasons[2] and "không phải quy định" in reasons[2]
    assert "district_after_reform" in reasons[2]


# --- recognitions ---------------------------------------------------------------------------------------


def test_recognitions_page_lists_those_in_force_renewals_and_level_2(small_site: SmallSite) -> None:
    doc = page(small_site, "cong-nhan/index.html")
    text = main_text(doc)
    assert "Tình hình tại ngày 23/11/2026" in text
    in_force = rows_of(table(doc, "2 đơn vị có quyết định công nhận còn hiệu lực"))
    by_name = {r["Đơn vị"].split(" (")[0]: r for r in in_force}
    assert by_name["Sở Giáo dục và Đào tạo tỉnh Tây Ninh"]["Mức độ"] == "Mức độ 2"
    assert by_name["Sở Giáo dục và Đào tạo tỉnh Tây Ninh"]["Bảo lưu đến hết năm"] == "2028"
    assert by_name["Sở Giáo dục và Đào tạo"]["Bảo lưu đến hết năm"] == "2027"
    assert "324/QĐ-UBND" in by_name["Sở Giáo dục và Đào tạo"]["Quyết định"]
    # The Sở GD&ĐT of Long An ended in 2024: its successor holds level 2 already, so nothing is due from it.
    renewal = doc.select_one("section[aria-labelledby=cong-nhan-lai]")
    level2 = doc.select_one("section[aria-labelledby=nang-muc]")
    assert renewal is not None and level2 is not None
    assert "Không có đơn vị nào" in renewal.get_text(" ", strip=True)
    assert "Không có đơn vị nào" in level2.get_text(" ", strip=True)
    assert "hết hiệu lực năm 2026 hoặc 2027" in renewal.get_text(" ", strip=True)


def test_recognitions_page_on_the_sample(sample_site: Path) -> None:
    doc = soup(sample_site / "cong-nhan" / "index.html")
    renewal = doc.select_one("section[aria-labelledby=cong-nhan-lai]")
    level2 = doc.select_one("section[aria-labelledby=nang-muc]")
    assert renewal is not None and level2 is not None
    due = renewal.select("li")
    assert due, "the sample's 2024 recognitions end in 2027: công nhận lại is due"
    for li in due:
        assert "bảo lưu đến hết năm 2027" in li.get_text(" ", strip=True) or "2026" in li.get_text(" ", strip=True)
    for li in level2.select("li"):
        line = li.get_text(" ", strip=True)
        assert "công nhận mức độ 1" in line and re.search(r"từ ngày \d\d/\d\d/\d{4}", line), line
    # Every unit named in the two lists still exists: a unit that ended (a district school) cannot apply.
    for li in [*renewal.select("li"), *level2.select("li")]:
        a = li.select_one("a")
        assert a is not None
        unit = soup(sample_site / str(a["href"]).replace("../", "", 1) / "index.html")
        facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
                 for dt, dd in zip(unit.select("dl.thong-tin dt"), unit.select("dl.thong-tin dd"), strict=False)}
        assert "đến năm" not in facts["Thuộc diện đánh giá"], a["href"]


# --- the authority of each year, the circular in force ---------------------------------------------------


@pytest.mark.parametrize(("path", "province"), [
    ("xep-hang/2023/index.html", "Long An"),
    ("ket-qua/2024/index.html", "Long An"),
    ("ket-qua/2025/index.html", "Tây Ninh"),
    ("tinh-hinh-nop/2023/index.html", "Long An"),
    ("tinh-hinh-nop/2024/index.html", "Long An"),
    ("tinh-hinh-nop/2025/index.html", "Tây Ninh"),
])
def test_every_year_page_names_the_authority_of_its_year(small_site: SmallSite, path: str, province: str) -> None:
    text = main_text(page(small_site, path))
    assert f"Sở Giáo dục và Đào tạo tỉnh {province}" in text
    if province == "Long An":
        assert "Tây Ninh" not in text  # the merger came after: no 2023 or 2024 page speaks of Tây Ninh


def test_unit_page_names_the_authority_of_each_year(small_site: SmallSite) -> None:
    doc = page(small_site, "don-vi/tn-so-gd-dt/index.html")
    for year, province in ((2023, "Long An"), (2024, "Long An"), (2025, "Tây Ninh")):
        section = doc.select_one(f"#nam-{year}")
        assert section is not None
        assert f"Sở Giáo dục và Đào tạo tỉnh {province}" in section.get_text(" ", strip=True), year
    school = page(small_site, "don-vi/dh-thcs/index.html").select_one("#nam-2024")
    assert school is not None
    text = school.get_text(" ", strip=True)
    assert "Phòng Giáo dục và Đào tạo" in text and "Chủ tịch Ủy ban nhân dân cấp huyện" in text


def test_district_units_of_2024_report_to_the_district(small_site: SmallSite) -> None:
    doc = page(small_site, "ket-qua/2024/index.html")
    facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
             for dt, dd in zip(doc.select("dl.thong-tin dt"), doc.select("dl.thong-tin dd"), strict=True)}
    assert facts["Tỉnh"] == "Long An"
    assert facts["Đơn vị cấp tỉnh"].startswith("gửi hồ sơ về Sở Giáo dục và Đào tạo tỉnh Long An")
    assert "Chủ tịch Ủy ban nhân dân tỉnh Long An" in facts["Đơn vị cấp tỉnh"]
    assert "Phòng Giáo dục và Đào tạo" in facts["Đơn vị cấp huyện"]
    later = page(small_site, "ket-qua/2025/index.html")
    facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
             for dt, dd in zip(later.select("dl.thong-tin dt"), later.select("dl.thong-tin dd"), strict=True)}
    assert facts["Tỉnh"] == "Tây Ninh" and "Đơn vị cấp huyện" not in facts
    assert "hợp nhất" in facts["Ghi chú"]


IN_FORCE = re.compile(r"(đang có hiệu lực|hiện hành|còn hiệu lực|đang áp dụng|vẫn chấm theo)", re.IGNORECASE)


def _claims_tt22_in_force(text: str) -> list[str]:
    sentences = re.split(r"(?<=[.;:])\s+", text)
    return [s for s in sentences if "22/2020" in s and IN_FORCE.search(s) and "bãi bỏ" not in s]


def test_no_generated_page_claims_tt22_is_in_force(small_site: SmallSite) -> None:
    content_pages = {"huong-dan", "van-ban", "thong-bao"}  # Markdown written by people: the next test
    for path in html_files(small_site.output):
        if path.relative_to(small_site.output).parts[0] in content_pages:
            continue
        doc = soup(path)
        description = doc.select_one("meta[name=description]")
        assert description is not None
        assert not ("22/2020" in str(description.get("content")) and "24/2023" not in str(description.get("content"))), path
        assert _claims_tt22_in_force(doc.get_text(" ", strip=True)) == [], path


def test_no_content_page_claims_tt22_is_in_force(small_site: SmallSite) -> None:
    for name in ("huong-dan", "van-ban", "thong-bao/mo-dot-bao-cao-2025", "thong-bao/ket-qua-so-bo-2025"):
        doc = page(small_site, f"{name}/index.html")
        assert doc.main is not None
        text = doc.main.get_text(" ", strip=True)
        assert _claims_tt22_in_force(text) == [], name
        assert "24/2023" in text, name  # the guidance of a levels year speaks of the circular in force


# --- an unknown unit id --------------------------------------------------------------------------------


def test_a_rejected_row_with_an_unknown_unit_id_gets_no_page(small_site: SmallSite) -> None:
    site = small_site.output
    assert not (site / "don-vi" / "so-y-te").exists()
    for path in html_files(site):
        assert not any(str(a.get("href", "")).rstrip("/").endswith("so-y-te") for a in soup(path).find_all("a")), path
    status = page(small_site, "tinh-hinh-nop/2023/index.html")
    unknown = status.select_one("section[aria-labelledby=ma-la]")
    assert unknown is not None
    text = unknown.get_text(" ", strip=True)
    assert "«so-y-te»" in text and "không có trong danh mục" in text
    assert not unknown.select("a")


def test_a_rejection_after_the_unit_ended_is_listed_on_the_status_page(small_site: SmallSite) -> None:
    status = page(small_site, "tinh-hinh-nop/2025/index.html")
    other = status.select_one("section[aria-labelledby=ma-la]")
    assert other is not None
    text = other.get_text(" ", strip=True)
    assert "so-gd-dt" in text and "không thuộc diện đánh giá năm 2025" in text
    link = other.select_one("a[href$='don-vi/so-gd-dt/']")
    assert link is not None  # a registry unit: its page has the reasons too
