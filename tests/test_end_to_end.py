"""`hoctap run` on a fresh checkout builds the sample site; its HTML carries the facts that must never regress."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from intake import pipeline
from intake.settings import load_settings


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's first command, run as a user would, into a temporary folder."""
    work = tmp_path_factory.mktemp("sample-site")
    (work / "hoctap.toml").write_text('snapshot_dir = "snapshots"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "intake.cli", "run", "--output", "output"],
        cwd=work, capture_output=True, text=True, timeout=600, check=False,
        env={"SOURCE_DATE_EPOCH": "1795392000", "PATH": "/usr/bin:/bin", "HOME": str(work)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "output"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    settings = load_settings(root=tmp_path_factory.mktemp("no-config"))
    return pipeline.score_intake(pipeline.collect(settings, archive=False), settings)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_is_vietnamese_and_says_it_shows_sample_data(sample_site: Path) -> None:
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 60
    for page in pages:
        html = soup(page)
        assert html.html is not None and html.html.get("lang") == "vi", page
        banner = html.select_one(".du-lieu-mau")
        assert banner is not None and "Dữ liệu mẫu" in banner.get_text(), page


def test_rankings_show_names_ranks_and_vietnamese_numbers(sample_site: Path, report) -> None:
    html = soup(sample_site / "xep-hang" / "2025" / "index.html")
    rows = html.select("table.bang-xep-hang tbody tr")
    expected = [r for r in report.results if r.year == 2025]
    assert len(rows) == len(expected) == 29
    shown = {}
    for tr in rows:
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
        shown[cells[1]] = (cells[0], cells[6], cells[7])
    assert shown == {
        r.name: (str(r.rank), format(r.total.normalize(), "f").replace(".", ","), r.klass) for r in expected
    }
    ranks = [int(tr.find("td").get_text(strip=True)) for tr in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1  # shown in rank order


def test_groups_work_without_javascript(sample_site: Path) -> None:
    page = sample_site / "xep-hang" / "2025" / "khoi-dang" / "index.html"
    groups = {tr["data-group"] for tr in soup(page).select("table.bang-xep-hang tbody tr")}
    assert groups == {"Khối Đảng"}


def test_unit_page_has_history_breakdown_and_its_rejection(sample_site: Path, report) -> None:
    html = soup(sample_site / "don-vi" / "so-y-te" / "index.html")
    text = html.get_text(" ", strip=True)
    assert "Sở Y tế" in text
    for year in (2020, 2021, 2022, 2023, 2024):
        assert str(year) in text
    assert "«tám» không phải là số" in text  # 2025 was rejected, and the page says why
    assert html.find("svg") is not None


def test_criteria_page_is_rendered_from_the_rubric_with_citations(sample_site: Path) -> None:
    text = soup(sample_site / "tieu-chi" / "index.html").get_text(" ", strip=True)
    for citation in ("Khoản 1 Điều 5 Thông tư 22/2020/TT-BGDĐT", "Khoản 3 Điều 5 Thông tư 22/2020/TT-BGDĐT",
                     "Điều 6"):
        assert citation in text
    assert "Góp phần tạo lập môi trường chia sẻ tri thức" in text
    assert "Hiểu, trân trọng đa dạng văn hóa" in text  # the 8 contents of 3.1


def test_submitted_text_is_escaped_and_neutralised(sample_site: Path) -> None:
    page = (sample_site / "don-vi" / "tinh-doan" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Đã gửi bản giấy&lt;/b&gt;" in page
    assert "<b>Đã gửi bản giấy</b>" not in page
    ws = load_workbook(sample_site / "du-lieu" / "ket-qua-2025.xlsx").active
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert notes and all(n.startswith("'=") for n in notes)


def test_no_private_column_is_ever_published(sample_site: Path) -> None:
    for path in sample_site.rglob("*"):
        if path.suffix in {".html", ".json", ".csv", ".xml"}:
            text = path.read_text(encoding="utf-8")
            assert "Nguyễn Văn A" not in text, path  # the reporter
            assert "vanthu@longan.example" not in text, path
            assert not re.search(r"0272 ?3800", text), path


def test_status_page_counts_against_the_deadline(sample_site: Path, report) -> None:
    text = soup(sample_site / "tinh-hinh-nop" / "index.html").get_text(" ", strip=True)
    assert "31/01/2026" in text
    missing = {s.unit_id for s in report.statuses if s.year == 2025 and s.status == "chua-nop"}
    assert missing == {"so-ngoai-vu", "quy-dtpt"}


def test_downloads_hold_every_year(sample_site: Path) -> None:
    for year in range(2020, 2026):
        doc = json.loads((sample_site / "du-lieu" / f"ket-qua-{year}.json").read_text(encoding="utf-8"))
        assert doc["counts"]["read"] == doc["counts"]["scored"] + doc["counts"]["rejected"]
        assert (sample_site / "du-lieu" / f"ket-qua-{year}.csv").exists()
    assert (sample_site / "pagefind").is_dir()
