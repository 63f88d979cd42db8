"""The recognition decisions' lists on `cong-nhan/`: one table and one PDF per decision (khoản 3 Điều 21, TT 24/2023).

Sites are built by the real pipeline: the sample (`sample_site`, four
decisions, two of them numbered 40/QĐ-UBND by two district chairmen),
`small_site` (two decisions), a project whose decisions file carries hostile
text and a decision spanning two years, and a project without any decision.
The PDFs are read back with poppler (pdftotext, pdfinfo), as a reader's
program would, never with the library that wrote them.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from bs4 import Tag
from conftest import HOSTILE_NAME, SMALL_DECISIONS, SMALL_UNITS, SmallSite, small_sources
from support import PINNED_EPOCH, ROOT_REPO, hoctap, make_project, soup
from test_install import run, wheel_env  # noqa: F401  (a fixture: the wheel, built once for this module)

from hoctap.project import Project
from hoctap.site_build import build_site
from scoring.published import PublishedResults, load_results_folder
from scoring.results import Recognition

sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
from hoctap_pages.decision_lists import decision_slugs
from hoctap_pages.formatting import so
from hoctap_pages.site_data import vi_sort_key

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
                                reason="poppler-utils (pdftotext, pdfinfo) is not installed")

HEADER = "so_quyet_dinh,ngay_ky,nguoi_ky,ma_don_vi,nam,cap,muc_do\n"
HOSTILE_SIGNER = "Chủ tịch UBND <b>tỉnh</b> Long An"
# Two decisions share number and date (two signers); one decision recognises units of two assessment years.
EDGE_DECISIONS = HEADER + (
    "40/QĐ-UBND,2025-02-10,Chủ tịch UBND huyện Đức Hòa,dh-thcs,2024,huyen,1\n"
    f"40/QĐ-UBND,2025-02-10,{HOSTILE_SIGNER},so-noi-vu,2024,tinh,2\n"
    f"40/QĐ-UBND,2025-02-10,{HOSTILE_SIGNER},ban-thu-nghiem,2024,tinh,1\n"
    "12/QĐ-UBND,2026-02-10,Chủ tịch UBND tỉnh Tây Ninh,tn-so-gd-dt,2025,tinh,2\n"
    "12/QĐ-UBND,2026-02-10,Chủ tịch UBND tỉnh Tây Ninh,hoi-lhpn,2024,tinh,1\n"
    "12/QĐ-UBND,2026-02-10,Chủ tịch UBND tỉnh Tây Ninh,tn-thpt,2025,tinh,1\n"
)
PRIVATE = (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), re.compile(r"(?<![\d.,/-])(?:\+84|0)(?:[ .]?\d){9}(?![\d])"))


# --- reading a PDF as a reader's program does -------------------------------------------------------------


def pdf_text(path: Path) -> str:
    """The text in content order (`-raw`): a name that wraps in its cell stays in one piece."""
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


TABLE_HEAD = re.compile(r"STT Tên đơn vị (?:Năm đánh giá )?Mức độ Thời hạn bảo lưu")
ROW = re.compile(r"(\d+) (.+?)(?: (\d{4}))? Mức độ ([12]) Bảo lưu đến hết năm (\d{4})")


def pdf_rows(path: Path) -> list[tuple[int, str, int | None, int, int]]:
    """(STT, name, year or None, level, valid until) of every table row; the table holds nothing else."""
    text = " ".join(pdf_text(path).split())
    head = TABLE_HEAD.search(text)
    assert head is not None, text
    body = text[head.end():text.index("Danh sách này do hoctap tổng hợp")]
    body = re.sub(r"Trang \d+/\d+", " ", TABLE_HEAD.sub(" ", body))  # repeated headings and page feet
    body = " ".join(body.split())
    rows = [(int(m[1]), m[2], int(m[3]) if m[3] else None, int(m[4]), int(m[5])) for m in ROW.finditer(body)]
    assert ROW.sub("", body).strip() == "", f"text in the table that is not a row: {ROW.sub('|', body)}"
    return rows


# --- what the decisions are, from the results the site reads ----------------------------------------------


def results_of(site_output: Path) -> PublishedResults:
    return load_results_folder(site_output.parent / ".hoctap" / "ket-qua")


def decisions(results: PublishedResults) -> dict[tuple[str, date, str], list[Recognition]]:
    out: dict[tuple[str, date, str], list[Recognition]] = {}
    for r in results.decisions:
        out.setdefault((r.number, r.signed, r.signer), []).append(r)
    return out


def expected_rows(results: PublishedResults, recognitions: list[Recognition]) -> list[tuple[str, int, int, int]]:
    """(name, year, level, valid until), level 1 first, then Vietnamese name order."""
    names = {u.id: u.name for u in results.units}
    rows = [(names[r.unit_id], r.year, r.level, r.valid_until_year) for r in recognitions]
    return sorted(rows, key=lambda x: (x[2], vi_sort_key(x[0])))


def pdfs(output: Path) -> list[Path]:
    return sorted((output / "cong-nhan").glob("*.pdf"))


# --- sites ---------------------------------------------------------------------------------------------------


def build(folder: Path, decisions_csv: str) -> Path:
    project = make_project(folder, units=SMALL_UNITS, decisions=decisions_csv)
    done = hoctap("build", "--source", str(small_sources(folder / "nguon")), cwd=project,
                  env={"SOURCE_DATE_EPOCH": PINNED_EPOCH})
    assert done.returncode == 0, done.stdout + done.stderr
    return project / "output"


@pytest.fixture(scope="module")
def edge_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("quyet-dinh-bien"), EDGE_DECISIONS)


# --- the PDFs --------------------------------------------------------------------------------------------------


def test_the_sample_has_one_pdf_per_decision_named_by_number_and_year(sample_site: Path) -> None:
    with (ROOT_REPO / "content" / "data" / "quyet-dinh.csv").open(encoding="utf-8", newline="") as f:
        keys = {(r["so_quyet_dinh"], r["ngay_ky"], r["nguoi_ky"]) for r in csv.DictReader(f)}
    names = [p.name for p in pdfs(sample_site)]
    assert len(names) == len(keys)
    assert {"qd-324-qd-ubnd-2025.pdf", "qd-325-qd-ubnd-2026.pdf"} <= set(names)
    # 40/QĐ-UBND of 10/02/2025 was signed by two district chairmen: two decisions, two files, never one overwritten.
    assert {"qd-40-qd-ubnd-2025-ubnd-huyen-ben-luc.pdf", "qd-40-qd-ubnd-2025-ubnd-huyen-duc-hoa.pdf"} <= set(names)
    assert all(re.fullmatch(r"[a-z0-9-]+\.pdf", n) for n in names)


def test_each_sample_pdf_lists_its_decision_and_exactly_its_units(sample_site: Path) -> None:
    results = results_of(sample_site)
    by_key = decisions(results)
    seen = set()
    for path in pdfs(sample_site):
        text = pdf_text(path)
        key = next(k for k in by_key if f"Quyết định số {k[0]} ngày {k[1]:%d/%m/%Y} của {k[2]}" in " ".join(text.split()))
        seen.add(key)
        number, signed, signer = key
        assert f"Số quyết định: {number}" in text and f"Ngày ký: {signed:%d/%m/%Y}" in text and f"Người ký: {signer}" in text
        years = sorted({r.year for r in by_key[key]})
        assert f"Năm đánh giá: {', '.join(map(str, years))}" in text
        rows = pdf_rows(path)
        assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # STT
        assert [(name, level, until) for _, name, _, level, until in rows] == [
            (name, level, until) for name, _, level, until in expected_rows(results, by_key[key])]
        assert "DỮ LIỆU MẪU" in text  # the sample's lists say what they are, as the site's banner does
        assert "không phải bản quyết định có chữ ký" in " ".join(text.split())
        assert "content/data/quyet-dinh.csv" in text
        for pattern in PRIVATE:
            assert pattern.search(text) is None, path
    assert seen == set(by_key)


def test_vietnamese_is_intact_and_ordered_in_the_pdf(sample_site: Path) -> None:
    path = sample_site / "cong-nhan" / "qd-324-qd-ubnd-2025.pdf"
    text = pdf_text(path)
    assert "DANH SÁCH ĐƠN VỊ ĐƯỢC CÔNG NHẬN" in text and "“ĐƠN VỊ HỌC TẬP” CẤP TỈNH" in text
    names = [r[1] for r in pdf_rows(path)]
    # Level 1 first; within it Vietnamese order: Công ty < Đài < Đoàn (Đ after every D, before E) < Hội.
    assert names[:4] == ["Ban Quản lý Khu kinh tế tỉnh Long An", "Công ty TNHH MTV Xổ số kiến thiết Long An",
                         "Đài Phát thanh và Truyền hình Long An", "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh Long An"]
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Long An" in names  # a name wrapped in its cell reads whole
    assert "Mức độ 2" in text and "Bảo lưu đến hết năm 2027" in text


def test_pdf_pages_fonts_and_date(sample_site: Path) -> None:
    results = results_of(sample_site)
    for path in pdfs(sample_site):
        info = pdf_info(path)
        assert info["Page size"].startswith("595.28 x 841.89"), path  # A4 portrait
        pages = int(info["Pages"])
        assert re.findall(r"Trang (\d+)/(\d+)", pdf_text(path)) == [(str(i), str(pages)) for i in range(1, pages + 1)]
        assert pages <= 1 + len(pdf_rows(path)) // 15, path  # a short list stays short
        assert info["CreationDate"].startswith(results.generated.strftime("%Y-%m-%dT%H:%M:%S")), info["CreationDate"]
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert "DejaVuSans" in fonts and " yes yes yes " in fonts  # embedded, subset, with a Unicode map
    assert pdf_info(sample_site / "cong-nhan" / "qd-324-qd-ubnd-2025.pdf")["Pages"] == "2"  # 22 units


def test_the_small_site_pdfs_are_one_page_each(small_site: SmallSite) -> None:
    names = {p.name: p for p in pdfs(small_site.output)}
    assert set(names) == {"qd-324-qd-ubnd-2025.pdf", "qd-325-qd-ubnd-2026.pdf"}
    assert pdf_rows(names["qd-324-qd-ubnd-2025.pdf"]) == [(1, "Sở Giáo dục và Đào tạo", None, 1, 2027)]
    assert pdf_rows(names["qd-325-qd-ubnd-2026.pdf"]) == [(1, "Sở Giáo dục và Đào tạo tỉnh Tây Ninh", None, 2, 2028)]
    for path in names.values():
        assert pdf_info(path)["Pages"] == "1"
        assert "DỮ LIỆU MẪU" not in pdf_text(path)  # a project's own decisions are not sample data


def test_two_builds_give_byte_identical_pdfs(small_site: SmallSite, tmp_path: Path) -> None:
    target = tmp_path / "du-an"
    shutil.copytree(small_site.project, target, ignore=shutil.ignore_patterns("output", ".output*"))
    again = tmp_path / "lan-hai"
    build_site(Project.open(project=target), again)
    first, second = pdfs(small_site.output), pdfs(again)
    assert [p.name for p in first] == [p.name for p in second] and first
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


# --- the page ---------------------------------------------------------------------------------------------------


def decision_sections(output: Path) -> list[Tag]:
    doc = soup(output / "cong-nhan" / "index.html")
    part = doc.select_one("section[aria-labelledby=theo-quyet-dinh]")
    assert part is not None
    return part.select("section.quyet-dinh")


def table_rows(section: Tag) -> list[dict[str, str]]:
    table = section.select_one("table.bang-quyet-dinh")
    assert table is not None and table.caption is not None
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    return [dict(zip(headers, (c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"], recursive=False)),
                     strict=True)) for tr in table.select("tbody tr")]


def pdf_link(output: Path, section: Tag) -> Path:
    a = section.select_one("a.tai-pdf")
    assert a is not None and a.get_text(strip=True) == "Tải danh sách (PDF)"
    href = str(a["href"])
    assert href.startswith("../cong-nhan/") and href.endswith(".pdf"), href
    path = output / href.removeprefix("../")
    assert path.is_file(), href
    size = a.find_next_sibling("span")
    assert size is not None and size.get_text(strip=True) == f"({so(path.stat().st_size / 1024)} KB)"
    return path


@pytest.mark.parametrize("which", ["sample", "small"])
def test_the_page_has_a_table_and_a_pdf_link_for_each_decision(sample_site: Path, small_site: SmallSite, which: str) -> None:
    output = sample_site if which == "sample" else small_site.output
    results = results_of(output)
    by_key = decisions(results)
    sections = decision_sections(output)
    assert len(sections) == len(by_key)
    linked, dates = [], []
    for section in sections:
        path = pdf_link(output, section)
        linked.append(path)
        heading = section.select_one("h3")
        assert heading is not None and section.get("id") == path.stem
        title = heading.get_text(" ", strip=True)
        key = next(k for k in by_key if title == f"Quyết định số {k[0]} ngày {k[1]:%d/%m/%Y} của {k[2]}")
        dates.append(key[1])
        rows = table_rows(section)
        assert [(r["STT"], r["Đơn vị"], r["Mức độ"], r["Bảo lưu đến hết năm"]) for r in rows] == [
            (str(i), name, f"Mức độ {level}", str(until))
            for i, (name, _, level, until) in enumerate(expected_rows(results, by_key[key]), start=1)]
        # The table and the PDF say the same.
        assert [(r["Đơn vị"], r["Mức độ"]) for r in rows] == [(n, f"Mức độ {lv}") for _, n, _, lv, _ in pdf_rows(path)]
        for a in section.select("tbody th a"):
            assert (output / str(a["href"]).removeprefix("../") / "index.html").is_file()
    assert sorted(linked) == pdfs(output)  # every PDF is linked, no link without its PDF
    assert dates == sorted(dates, reverse=True)  # newest decision first


def test_hostile_text_is_escaped_and_shared_numbers_get_their_own_files(edge_site: Path) -> None:
    names = [p.name for p in pdfs(edge_site)]
    assert names == ["qd-12-qd-ubnd-2026.pdf", "qd-40-qd-ubnd-2025-ubnd-b-tinh-b-long-an.pdf",
                     "qd-40-qd-ubnd-2025-ubnd-huyen-duc-hoa.pdf"]
    page = (edge_site / "cong-nhan" / "index.html").read_text(encoding="utf-8")
    assert "<b>tỉnh</b>" not in page and "&lt;b&gt;tỉnh&lt;/b&gt;" in page
    assert "<script>alert(1)</script>" not in page
    sections = {str(s["id"]): s for s in decision_sections(edge_site)}
    hostile = sections["qd-40-qd-ubnd-2025-ubnd-b-tinh-b-long-an"]
    assert not hostile.select("script, b")
    assert [r["Đơn vị"] for r in table_rows(hostile)] == [HOSTILE_NAME, "Sở Nội vụ"]  # level 1, then level 2
    # The PDF holds the text as typed: it is data there, never markup.
    path = edge_site / "cong-nhan" / "qd-40-qd-ubnd-2025-ubnd-b-tinh-b-long-an.pdf"
    assert f"Người ký: {HOSTILE_SIGNER}" in pdf_text(path)
    assert [r[1] for r in pdf_rows(path)] == [HOSTILE_NAME, "Sở Nội vụ"]


def test_a_decision_over_two_years_shows_the_year_of_each_unit(edge_site: Path) -> None:
    path = edge_site / "cong-nhan" / "qd-12-qd-ubnd-2026.pdf"
    assert "Năm đánh giá: 2024, 2025" in pdf_text(path)
    assert pdf_rows(path) == [(1, "Hội Liên hiệp Phụ nữ tỉnh", 2024, 1, 2027),
                              (2, "Trường THPT chuyên Long An", 2025, 1, 2028),
                              (3, "Sở Giáo dục và Đào tạo tỉnh Tây Ninh", 2025, 2, 2028)]
    section = next(s for s in decision_sections(edge_site) if s["id"] == "qd-12-qd-ubnd-2026")
    assert [(r["Đơn vị"], r["Năm đánh giá"]) for r in table_rows(section)] == [
        ("Hội Liên hiệp Phụ nữ tỉnh", "2024"), ("Trường THPT chuyên Long An", "2025"),
        ("Sở Giáo dục và Đào tạo tỉnh Tây Ninh", "2025")]


def test_no_decision_no_pdf(tmp_path: Path) -> None:
    output = build(tmp_path / "chua-co-quyet-dinh", HEADER)
    assert results_of(output).decisions == ()
    assert pdfs(output) == []
    doc = soup(output / "cong-nhan" / "index.html")
    part = doc.select_one("section[aria-labelledby=theo-quyet-dinh]")
    assert part is not None and "Chưa có quyết định công nhận nào." in part.get_text(" ", strip=True)
    assert not doc.select("a.tai-pdf") and not doc.select("table.bang-quyet-dinh")


# --- file names ----------------------------------------------------------------------------------------------------


def test_slugs_are_ascii_and_unique_however_numbers_collide() -> None:
    day = date(2025, 2, 10)
    keys = [("40/QĐ-UBND", day, "Chủ tịch UBND huyện Đức Hòa"), ("40/QĐ-UBND", day, "Chủ tịch UBND huyện Bến Lức"),
            ("40/QĐ-UBND", date(2025, 3, 1), "Chủ tịch UBND huyện Bến Lức"), ("40-QĐ-UBND", day, "Chủ tịch UBND huyện Bến Lức"),
            ("325/QĐ-UBND", date(2026, 2, 10), "Chủ tịch UBND tỉnh Tây Ninh"), ("///", day, "")]
    slugs = decision_slugs(keys)
    assert slugs[keys[0]] == "qd-40-qd-ubnd-2025-ubnd-huyen-duc-hoa"
    assert slugs[keys[4]] == "qd-325-qd-ubnd-2026"
    assert slugs[keys[5]] == "qd-so-2025"
    assert len(set(slugs.values())) == len(keys)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", s) for s in slugs.values())
    assert decision_slugs([]) == {}


def test_the_pdf_needs_no_system_font() -> None:
    fonts = ROOT_REPO / "site" / "plugins" / "hoctap_pages" / "fonts"
    assert {p.name for p in fonts.iterdir()} >= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"}
    source = (ROOT_REPO / "site" / "plugins" / "hoctap_pages" / "decision_pdf.py").read_text(encoding="utf-8")
    assert "/usr/share/fonts" not in source and "add_font(FONT" in source
    assert "fpdf2" in (ROOT_REPO / "pyproject.toml").read_text(encoding="utf-8").split("[project.optional-dependencies]")[0]


# --- as installed from the wheel ------------------------------------------------------------------------------------

def test_a_wheel_install_writes_the_pdfs_with_its_own_font(wheel_env: Path, tmp_path: Path) -> None:  # noqa: F811
    bundle = run([str(wheel_env / "bin" / "python"), "-c", "from hoctap.project import bundle_root; print(bundle_root())"],
                 cwd=tmp_path).stdout.strip()
    fonts = Path(bundle) / "site" / "plugins" / "hoctap_pages" / "fonts"
    assert {p.name for p in fonts.iterdir()} >= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"}
    project = make_project(tmp_path / "du-an", units=SMALL_UNITS, decisions=SMALL_DECISIONS)
    done = run([str(wheel_env / "bin" / "hoctap"), "build", "--source", str(small_sources(tmp_path / "nguon"))], cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    names = [p.name for p in pdfs(project / "output")]
    assert names == ["qd-324-qd-ubnd-2025.pdf", "qd-325-qd-ubnd-2026.pdf"]
    assert pdf_rows(project / "output" / "cong-nhan" / names[1]) == [(1, "Sở Giáo dục và Đào tạo tỉnh Tây Ninh", None, 2, 2028)]
