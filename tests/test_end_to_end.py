"""`hoctap run` on a fresh folder builds the sample site; its pages carry the facts that must never regress."""

from __future__ import annotations

import json
import re
from pathlib import Path

from openpyxl import load_workbook
from support import html_files, soup, text_of

from scoring.results import ScoreReport


def test_every_page_is_vietnamese_and_says_it_shows_sample_data(sample_site: Path) -> None:
    pages = html_files(sample_site)
    assert len(pages) > 100
    for page in pages:
        html = soup(page)
        assert html.html is not None and html.html.get("lang") == "vi", page
        banner = html.select_one(".du-lieu-mau")
        assert banner is not None and "Dữ liệu mẫu" in banner.get_text(), page


def test_points_years_are_ranked_with_vietnamese_numbers(sample_site: Path, sample_report: ScoreReport) -> None:
    rows = soup(sample_site / "xep-hang" / "2023" / "index.html").select("table.bang-xep-hang tbody tr")
    expected = [r for r in sample_report.results if r.year == 2023]
    assert len(rows) == len(expected) > 25
    shown = {}
    for tr in rows:
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
        shown[cells[1]] = (cells[0], cells[2], cells[3])  # rank, unit, total, class first
    assert shown == {r.name: (str(r.points.rank), format(r.points.total.normalize(), "f").replace(".", ","),
                              r.points.klass) for r in expected if r.points}
    ranks = [int(tr.find("td").get_text(strip=True)) for tr in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_levels_years_have_no_ranking_but_levels_stages_and_decisions(sample_site: Path,
                                                                     sample_report: ScoreReport) -> None:
    assert not (sample_site / "xep-hang" / "2025").exists()
    page = sample_site / "ket-qua" / "2025" / "index.html"
    rows = soup(page).select("table.bang-muc-do tbody tr")
    expected = [r for r in sample_report.results if r.year == 2025]
    assert len(rows) == len(expected) > 20
    text = text_of(page)
    assert "Tây Ninh" in text and "trước ngày 15/01/2026" in text and "Quyết định số 325/QĐ-UBND" in text
    assert "Hội đồng thẩm định không đạt mức đề nghị" in text and "Hạng" not in text


def test_a_unit_history_continues_across_the_merger(sample_site: Path) -> None:
    text = text_of(sample_site / "don-vi" / "tn-so-gd-dt" / "index.html")
    assert "Sở Giáo dục và Đào tạo tỉnh Tây Ninh" in text and "Sở Giáo dục và Đào tạo tỉnh Long An" in text
    for year in (2020, 2023, 2024, 2025):
        assert f"Năm {year}" in text
    assert "điểm" in text and "Mức độ" in text  # points years and levels years on one page
    old = text_of(sample_site / "don-vi" / "so-gd-dt" / "index.html")
    assert "Đơn vị kế tục" in old and "Sở Giáo dục và Đào tạo tỉnh Tây Ninh" in old


def test_the_criteria_page_quotes_both_circulars_with_citations(sample_site: Path) -> None:
    text = text_of(sample_site / "tieu-chi" / "index.html")
    for citation in ("khoản 2 Điều 12 (nội dung tại điểm a khoản 2 Điều 6)", "khoản 3 Điều 15 Thông tư 24/2023/TT-BGDĐT",
                     "điểm a khoản 1 Điều 5", "điểm a khoản 3 Điều 6 Thông tư 22/2020/TT-BGDĐT"):
        assert citation in text
    assert "Tối thiểu 95% Thành viên trong đơn vị đạt danh hiệu “Công dân học tập” theo Quyết định số 324/QĐ-KHVN" in text
    assert "Hiểu rõ, trân trọng sự đa dạng văn hóa và có cách ứng xử văn hóa phù hợp" in text  # TT 22's 3.1, verbatim
    assert "đã bị bãi bỏ" in text and "đang có hiệu lực" in text


def test_no_page_claims_the_repealed_circular_is_in_force(sample_site: Path) -> None:
    for page in html_files(sample_site):
        html = soup(page)
        description = html.find("meta", attrs={"name": "description"})
        assert description is None or "22/2020" not in str(description.get("content")), page
        footer = html.select_one("footer").get_text(" ", strip=True)
        assert footer.startswith("Căn cứ hiện hành: Thông tư 24/2023/TT-BGDĐT"), page
    criteria = text_of(sample_site / "tieu-chi" / "index.html")
    assert not re.search(r"22/2020/TT-BGDĐT[^.]{0,80}đang có hiệu lực", criteria)


def test_submitted_text_is_escaped_and_neutralised(sample_site: Path) -> None:
    pages = [p.read_text(encoding="utf-8") for p in html_files(sample_site / "don-vi")]
    assert any("&lt;b&gt;Đã gửi bản giấy&lt;/b&gt;" in p for p in pages)
    assert not any("<b>Đã gửi bản giấy</b>" in p for p in pages)
    notes = []
    for xlsx in (sample_site / "du-lieu").glob("*.xlsx"):
        ws = load_workbook(xlsx).active
        notes += [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert notes and all(n.startswith("'=") for n in notes)


def test_no_private_column_is_ever_published(sample_site: Path) -> None:
    for path in sample_site.rglob("*"):
        if path.suffix in {".html", ".json", ".csv", ".xml"}:
            text = path.read_text(encoding="utf-8")
            assert "Nguyễn Văn A" not in text, path  # the reporter
            assert "vanthu@tayninh.example" not in text, path
            assert not re.search(r"0276 ?3822", text), path


def test_status_pages_count_against_each_years_deadline(sample_site: Path, sample_report: ScoreReport) -> None:
    assert "trước ngày 31/01/2024" in text_of(sample_site / "tinh-hinh-nop" / "2023" / "index.html")
    assert "trước ngày 15/01/2026" in text_of(sample_site / "tinh-hinh-nop" / "2025" / "index.html")
    latest = text_of(sample_site / "tinh-hinh-nop" / "index.html")
    assert "2026" in latest and "trước ngày 15/01/2027" in latest
    missing = {s.unit_id for s in sample_report.statuses if s.year == 2026 and s.status == "chua-nop"}
    assert len(missing) > 10


def test_downloads_hold_every_year_and_reconcile(sample_site: Path) -> None:
    for year in range(2020, 2027):
        doc = json.loads((sample_site / "du-lieu" / f"ket-qua-{year}.json").read_text(encoding="utf-8"))
        assert doc["counts"]["read"] == doc["counts"]["scored"] + doc["counts"]["rejected"]
        assert (sample_site / "du-lieu" / f"ket-qua-{year}.csv").exists()
    assert (sample_site / "pagefind").is_dir()
