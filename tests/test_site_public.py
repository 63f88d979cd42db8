"""What visitors of a results site look for, without JavaScript: comparisons, the unit × year table, charts, texts, search.

"So với năm trước" compares with the previous calendar year only (a project
scored here with a gap year); the unit × year overview and the province-wide
charts; the header search box on every page; the official texts on
/van-ban/; one date format in the theme.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import SmallSite
from support import PINNED_EPOCH, ROOT_REPO, hoctap, html_files, make_project, row, soup, wide_csv

GAP_UNITS = [
    {"id": "so-a", "name": "Sở Alpha"},
    {"id": "so-b", "name": "Sở Beta"},
    {"id": "so-dd", "name": "Sở Đường thủy"},
]


@pytest.fixture(scope="module")
def gap_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sở Alpha reports 2021 and 2023 but not 2022; Sở Beta reports 2022 and 2023."""
    folder = tmp_path_factory.mktemp("gap-site")
    project = make_project(folder, units=GAP_UNITS)
    sources = folder / "nguon"
    sources.mkdir()
    rows = [row("so-a", 2021, **{"3_1": "15"}), row("so-b", 2022, **{"3_1": "20"}),
            row("so-a", 2023, **{"3_1": "20"}), row("so-b", 2023, **{"3_1": "24"}), row("so-dd", 2023)]
    (sources / "ket-qua.csv").write_bytes(wide_csv(rows))
    done = hoctap("build", "--source", str(sources), cwd=project, env={"SOURCE_DATE_EPOCH": PINNED_EPOCH})
    assert done.returncode == 0, done.stdout + done.stderr
    return project / "output"


def cell(doc: BeautifulSoup, unit: str, header: str) -> str:
    table = doc.select_one("table.bang-xep-hang")
    assert isinstance(table, Tag)
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    tr = table.select_one(f"tr#dv-{unit}")
    assert isinstance(tr, Tag), unit
    return [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])][headers.index(header)]


def test_change_compares_with_the_previous_calendar_year_only(gap_site: Path) -> None:
    ranking = soup(gap_site / "xep-hang" / "2023" / "index.html")
    assert cell(ranking, "so-b", "So với năm trước") == "+4"  # 99 in 2023 against 95 in 2022
    assert cell(ranking, "so-a", "So với năm trước") == "—"  # 2022 missing: never compared with 2021
    gap = ranking.select_one("tr#dv-so-a span[title]")
    assert gap is not None and gap["title"] == "Không có số liệu năm 2022"
    alpha = soup(gap_site / "don-vi" / "so-a" / "index.html").select_one("#nam-2023")
    assert alpha is not None
    assert "Không có số liệu năm 2022 để so sánh" in alpha.get_text(" ", strip=True)
    beta = soup(gap_site / "don-vi" / "so-b" / "index.html").select_one("#nam-2023")
    assert beta is not None and "So với năm 2022 (95 điểm): +4" in beta.get_text(" ", strip=True)


def test_a_to_z_and_sorting_put_d_with_stroke_after_d(gap_site: Path) -> None:
    names = [a.get_text(strip=True) for a in soup(gap_site / "tim-kiem" / "index.html").select("ul.danh-sach-don-vi a")]
    assert names == ["Sở Alpha", "Sở Beta", "Sở Đường thủy"]
    letters = [a.get_text(strip=True) for a in soup(gap_site / "tim-kiem" / "index.html").select("p.muc-chu a")]
    assert letters == ["S"]


def test_every_page_has_a_search_box_that_works_without_javascript(small_site: SmallSite) -> None:
    site = small_site.output
    for path in html_files(site):
        doc = soup(path)
        forms = doc.select("header form[role=search], main form[role=search]")
        assert forms, path
        for form in forms:
            action = str(form.get("action") or "")
            assert action.endswith("tim-kiem/") and form.get("method") == "get", (path, action)
            target = (path.parent / action).resolve() / "index.html"
            assert target.is_file(), (path, action)  # the A–Z list answers without JavaScript
            field = form.select_one("input[name=q]")
            assert field is not None and field.get("type") == "search"
        header = doc.select_one("header")
        assert header is not None and len(str(header)) < 4000, path  # the header stays small (national scale)


def test_dates_in_the_theme_are_written_dd_mm_yyyy() -> None:
    loose = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
    for template in sorted((ROOT_REPO / "site" / "theme" / "templates").glob("*.html")):
        for match in loose.finditer(template.read_text(encoding="utf-8")):
            day, month, _ = match.groups()
            assert len(day) == 2 and len(month) == 2, (template.name, match.group(0))


def test_unit_page_opens_only_the_newest_year(small_site: SmallSite) -> None:
    doc = soup(small_site.output / "don-vi" / "so-gd-dt" / "index.html")
    details = doc.select("section.nam details.chi-tiet-nam")
    assert [d.find_parent("section")["id"] for d in details] == ["nam-2024", "nam-2023"]  # type: ignore[index]
    assert details[0].has_attr("open") and not details[1].has_attr("open")
    summary = details[1].summary
    assert summary is not None and "100 điểm, Tốt, hạng 1" in summary.get_text(" ", strip=True)


def test_overview_has_a_row_per_unit_and_a_column_per_year(small_site: SmallSite) -> None:
    doc = soup(small_site.output / "tong-hop" / "index.html")
    table = doc.select_one("table.bang-tong-hop")
    assert isinstance(table, Tag)
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert headers == ["Đơn vị", "2025", "2024", "2023", "Khối"]
    rows = {str(tr["id"]): [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in table.select("tbody tr")}
    assert rows["dv-so-noi-vu"][1:4] == ["Chưa nộp", "Chưa đạt mức độ 1", "88,5 Tốt"]
    assert rows["dv-so-gd-dt"][1:4] == ["Bị từ chối", "Mức độ 2", "100 Tốt"]  # 2025: rejected, the unit had ended
    assert rows["dv-vp-tinh-uy"][3] == "Bị từ chối"
    assert rows["dv-tn-so-gd-dt"][1:4] == ["Mức độ 2", "", ""]  # not assessed before it existed
    assert rows["dv-dh-thcs"][1:4] == ["", "Mức độ 2", ""]
    link = table.select_one("tr#dv-so-noi-vu th a")
    assert link is not None and str(link["href"]).endswith("don-vi/so-noi-vu/")


def test_results_index_has_province_charts_with_their_numbers(small_site: SmallSite) -> None:
    doc = soup(small_site.output / "ket-qua" / "index.html")
    svgs = doc.select("figure.bieu-do svg")
    assert len(svgs) == 3  # levels per year, classes per year, the Công dân học tập share
    for svg in svgs:
        width, height = (float(v) for v in str(svg["viewbox"]).split()[2:])
        assert width <= 340
        for text in svg.select("text"):
            x, y = float(str(text["x"])), float(str(text["y"]))
            assert 0 <= x <= width and 12 <= y <= height, (svg.title, text)
    levels = doc.select_one("section[aria-labelledby=phan-bo-muc-do] table")
    assert isinstance(levels, Tag)
    by_year = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
               for tr in levels.select("tbody tr") if tr.th}
    assert by_year["2024"] == ["3", "0", "2", "5"]  # level 2, level 1, not yet level 1, total
    classes = doc.select_one("section[aria-labelledby=phan-bo-xep-loai] table")
    assert isinstance(classes, Tag) and "3" in classes.get_text(" ", strip=True)


def test_documents_page_links_the_official_texts(small_site: SmallSite) -> None:
    doc = soup(small_site.output / "van-ban" / "index.html")
    links = {a.get_text(" ", strip=True): str(a["href"]) for a in doc.select("#van-ban-goc ~ ul.van-ban-goc a")}
    assert any(t.startswith("Thông tư 24/2023/TT-BGDĐT") and h.startswith("https://vbpl.vn/") for t, h in links.items())
    assert any(t.startswith("Thông tư 22/2020/TT-BGDĐT") and h.startswith("https://vbpl.vn/") for t, h in links.items())


def test_lists_that_repeat_other_pages_are_not_indexed(small_site: SmallSite) -> None:
    site = small_site.output
    for path in ("xep-hang/2023/khoi-chinh-quyen/index.html", "don-vi/index.html", "tinh-hinh-nop/index.html"):
        main = soup(site / path).main
        assert main is not None and not main.has_attr("data-pagefind-body"), path
    ranking = soup(site / "xep-hang" / "2023" / "index.html")
    assert ranking.select_one("[data-pagefind-ignore] table.bang-xep-hang") is not None
    unit = soup(site / "don-vi" / "so-noi-vu" / "index.html")
    h1 = unit.h1
    assert h1 is not None and h1.get("data-pagefind-meta") == "loai:don-vi" and h1.get("data-pagefind-weight") == "10"
    summary = unit.select_one("[data-tom-tat]")
    assert summary is not None and str(summary["data-tom-tat"]).startswith("Khối chính quyền · Cấp tỉnh")
