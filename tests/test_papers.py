"""`hoctap documents`: the official papers of a TT 24 year (2025) and a TT 22 year (2023) of the sample.

Every paper is made by the real command in a real process, opened with
python-docx and checked against the scored results (the contract the site
reads); a handful are converted with LibreOffice and read back with pdftotext
and pdfinfo. The default templates must equal what their designs build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import get_args

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from support import ROOT_REPO, hoctap, levels_row, make_project, wide_csv

from hoctap.papers.catalogue import TEMPLATES
from hoctap.papers.context_common import plain
from hoctap.papers.render import soffice, to_pdf
from scoring.recognition import Stage, stage
from scoring.results import CHECK_LABELS, ResultRow, ScoreReport
from scoring.vietnamese import vi_number, vi_percent

SOFFICE = soffice()
needs_libreoffice = pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                                       reason="LibreOffice (soffice) or poppler-utils (pdftotext) is not installed")
SO_TN = "so-giao-duc-va-dao-tao-tinh-tay-ninh"
SO_LA = "so-giao-duc-va-dao-tao-tinh-long-an"


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both years of the sample, written by the command run from an empty folder (the embedded sample)."""
    work = tmp_path_factory.mktemp("papers")
    for year in ("2025", "2023"):
        done = hoctap("documents", "--year", year, "--out", str(work / "van-ban"), cwd=work)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"năm {year}" in done.stdout and "DỮ LIỆU MẪU" in done.stdout
    return work / "van-ban"


def paragraphs(path: Path) -> list[str]:
    """Every paragraph of the body, tables included, in document order."""
    body = docx.Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def text(path: Path) -> str:
    return "\n".join(paragraphs(path))


def rows(path: Path, index: int) -> list[list[str]]:
    table = docx.Document(str(path)).tables[index]
    return [[c.text.strip() for c in r.cells] for r in table.rows]


def year_rows(report: ScoreReport, year: int) -> list[ResultRow]:
    return report.for_year(year).results


def all_docx(folder: Path) -> Iterator[Path]:
    yield from sorted(folder.rglob("*.docx"))


# --- the frame of NĐ 30/2020 ----------------------------------------------------------------------


def test_every_paper_carries_the_decree_frame_and_no_template_field(papers: Path) -> None:
    found = list(all_docx(papers))
    assert len(found) > 150
    for path in found:
        document = docx.Document(str(path))
        body = text(path)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body and "Độc lập - Tự do - Hạnh phúc" in body, path
        assert re.search(r"(Tây Ninh|Long An), ngày\s+tháng\s+năm 202\d", body), path
        assert "{{" not in body and "{%" not in body and "None" not in body, path
        section = document.sections[0]
        mm = [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                                    section.left_margin, section.right_margin) if x is not None]
        assert sorted(mm[:2]) == [210, 297] and mm[2:] == [20, 20, 30, 15], path  # A4; NĐ 30 Phụ lục I Mục I khoản 1, 3
        assert section.different_first_page_header_footer  # no number on page 1
        header_xml = section.header._element.xml
        assert "PAGE" in header_xml and 'w:val="center"' in header_xml
        assert document.styles["Normal"].font.name == "Times New Roman"


def test_header_sizes_and_styles_follow_the_decree(papers: Path) -> None:
    path = papers / "2025" / "hoi-dong" / SO_TN / "02-to-trinh-de-nghi-cong-nhan.docx"
    document = docx.Document(str(path))
    runs = {r.text: r for p in document.element.body.iter(qn("w:p"))
            for r in Paragraph(p, document.part).runs if r.text.strip()}

    def size(text: str) -> float | None:
        length = runs[text].font.size
        return length.pt if length is not None else None

    assert (size("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), runs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].bold) == (12, True)
    assert (size("Độc lập - Tự do - Hạnh phúc"), runs["Độc lập - Tự do - Hạnh phúc"].bold) == (13, True)
    assert runs["UBND TỈNH TÂY NINH"].bold is None and runs["SỞ GIÁO DỤC VÀ ĐÀO TẠO"].bold
    number = next(t for t in runs if t.startswith("Số:"))
    assert number.endswith("/TTr-SGDĐT") and size(number) == 13
    assert runs["Tây Ninh, ngày       tháng       năm 2026"].italic
    assert runs["TỜ TRÌNH"].bold and size("TỜ TRÌNH") == 14
    assert runs["Nơi nhận:"].bold and runs["Nơi nhận:"].italic and size("Nơi nhận:") == 12
    assert size("- Như trên;") == 11
    assert runs["KT. GIÁM ĐỐC"].bold and runs["PHÓ GIÁM ĐỐC"].bold
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh" in runs


# --- Thông tư 24/2023: 2025 --------------------------------------------------------------------------


def test_each_unit_has_its_dossier_and_the_body_its_papers(papers: Path, sample_report: ScoreReport) -> None:
    year = papers / "2025"
    results = year_rows(sample_report, 2025)
    for r in results:
        own = year / "don-vi" / r.unit_id
        assert sorted(p.name for p in own.iterdir()) == ["01-to-trinh.docx", "02-bao-cao-tu-danh-gia.docx",
                                                         "03-ban-tong-hop.docx"]
    body = year / "hoi-dong" / SO_TN
    refused = {r.unit_id for r in results if stage(r) in ("khong-cong-nhan", "chua-dat-muc-de-nghi")}
    appraised = {r.unit_id for r in results if stage(r) in ("cong-nhan", "da-tham-dinh", "khong-cong-nhan")}
    assert {p.stem for p in (body / "van-ban-tra-loi").iterdir()} == refused == {
        "tn-ban-to-chuc-tu", "tn-bql-kkt", "tn-hoi-nong-dan", "tn-so-nn-mt", "tn-so-vh-tt-dl", "tn-ubmttq"}
    assert {p.stem for p in (body / "ban-tong-hop-tham-dinh").iterdir()} == appraised
    assert sorted(p.name for p in body.glob("*.docx")) == [
        "01-bao-cao-tham-dinh.docx", "02-to-trinh-de-nghi-cong-nhan.docx", "03-du-thao-quyet-dinh.docx"]
    assert (year / "bao-cao-tong-hop-2025.docx").is_file()


def test_the_papers_and_the_site_read_one_stage_rule(sample_report: ScoreReport) -> None:
    sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
    from hoctap.papers import context_council
    from hoctap_pages import year_pages  # type: ignore[import-not-found]

    assert year_pages.stage is context_council.stage is stage  # one function, in scoring.recognition
    assert set(year_pages.STAGE_LABELS) == set(get_args(Stage))
    assert {stage(r) for r in sample_report.results if r.levels} >= {"cong-nhan", "da-tham-dinh", "khong-cong-nhan"}


def test_ban_tong_hop_rows_are_the_results(papers: Path, sample_report: ScoreReport) -> None:
    for r in year_rows(sample_report, 2025):
        assert r.levels is not None
        table = rows(papers / "2025" / "don-vi" / r.unit_id / "03-ban-tong-hop.docx", 1)
        assert table[0] == ["Mã", "Tiêu chí, chỉ tiêu", "Kết quả thực hiện", "Minh chứng", "Tự đánh giá"]
        by_id = {row[0]: row for row in table if re.fullmatch(r"\d\.\d", row[0])}
        assert set(by_id) == set(r.levels.checks)
        for cid, check in r.levels.checks.items():
            assert by_id[cid][-1] == CHECK_LABELS[check.self_result]
            if check.count is not None and r.members:
                share = f" ({vi_percent(check.share)})" if check.share is not None else ""
                assert f"{check.count}/{r.members}{share}" in by_id[cid][2]
            assert by_id[cid][3] == (plain(check.evidence) if check.evidence else
                                     ("" if check.self_result == "khong-ap-dung" else "Không có minh chứng"))
        if stage(r) == "cong-nhan" or r.basis == "verified":
            appraised = rows(papers / "2025" / "hoi-dong" / SO_TN / "ban-tong-hop-tham-dinh" / f"{r.unit_id}.docx", 1)
            final = {row[0]: row for row in appraised if re.fullmatch(r"\d\.\d", row[0])}
            for cid, check in r.levels.checks.items():
                assert final[cid][-1].startswith(CHECK_LABELS[check.result])
                assert final[cid][-3] == CHECK_LABELS[check.self_result]


def test_report_states_counts_shares_evidence_and_level(papers: Path, sample_report: ScoreReport) -> None:
    r = next(x for x in year_rows(sample_report, 2025) if x.unit_id == "thpt-chuyen-long-an")
    assert r.levels is not None and r.levels.learners and r.members and r.cdht_share is not None
    body = text(papers / "2025" / "don-vi" / r.unit_id / "02-bao-cao-tu-danh-gia.docx")
    assert "Kính gửi: Sở Giáo dục và Đào tạo tỉnh Tây Ninh" in body
    assert f"Số Thành viên trong đơn vị: {r.members}; số Người học: {vi_number(Decimal(r.levels.learners))}" in body
    assert f"“Công dân học tập”: {r.cdht}/{r.members} ({vi_percent(r.cdht_share)})" in body
    applicable = [c for c in r.levels.checks.values() if c.self_result != "khong-ap-dung"]
    assert "Đơn vị đề nghị công nhận mức độ 2" in body
    assert f"{len(applicable)} chỉ tiêu áp dụng, {len(applicable)} chỉ tiêu đạt" in body
    for evidence in r.evidence.values():
        assert evidence in body  # a link is text, never a hyperlink
    assert "<w:hyperlink" not in zipfile.ZipFile(papers / "2025" / "don-vi" / r.unit_id / "02-bao-cao-tu-danh-gia.docx"
                                                  ).read("word/document.xml").decode()
    assert "THỦ TRƯỞNG ĐƠN VỊ" in body and "Nơi nhận:" in body


def test_decision_lists_the_proposed_units_by_level(papers: Path, sample_report: ScoreReport) -> None:
    results = year_rows(sample_report, 2025)
    proposed = {r.name: (r.recognition.level if r.recognition else r.levels.level_requested)
                for r in results if r.levels and stage(r) in ("cong-nhan", "da-tham-dinh")}
    path = papers / "2025" / "hoi-dong" / SO_TN / "03-du-thao-quyet-dinh.docx"
    body = text(path)
    assert body.startswith("DỰ THẢO") and "ỦY BAN NHÂN DÂN" in body and "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH" in body
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in body
    assert f"Công nhận {len(proposed)} đơn vị đạt “Đơn vị học tập” cấp tỉnh năm 2025" in body
    assert "KT. CHỦ TỊCH" in body and "- Như Điều 3;" in body and "(khoản 4 Điều 11 Thông tư 24/2023/TT-BGDĐT)" in body
    level, listed = 0, {}
    for row in rows(path, 3):
        heading = re.search(r"MỨC ĐỘ (\d)", row[0])
        if heading:
            level = int(heading.group(1))
        elif row[0].isdigit():
            listed[row[1]] = level
    assert listed == proposed
    assert len(docx.Document(str(path)).sections) == 2  # the annex numbers its own pages


def test_refusal_letters_give_each_unmet_chi_tieu_and_the_councils_reasons(papers: Path,
                                                                           sample_report: ScoreReport) -> None:
    for r in year_rows(sample_report, 2025):
        if stage(r) not in ("khong-cong-nhan", "chua-dat-muc-de-nghi"):
            continue
        assert r.levels is not None
        path = papers / "2025" / "hoi-dong" / SO_TN / "van-ban-tra-loi" / f"{r.unit_id}.docx"
        body = text(path)
        assert f"Kính gửi: {r.name}" in body and body.count("V/v trả lời hồ sơ") == 1
        unmet = {cid for cid, c in r.levels.checks.items() if c.result == "khong-dat"}
        assert {row[0] for row in rows(path, 1)[1:]} == unmet
        if r.levels.council_reasons:
            assert plain(r.levels.council_reasons) in body
        assert ("thẩm định hồ sơ của Hội đồng" in body) == (r.basis == "verified")


def test_year_report_counts_are_the_sites(papers: Path, sample_report: ScoreReport) -> None:
    one = sample_report.for_year(2025)
    body = text(papers / "2025" / "bao-cao-tong-hop-2025.docx")
    met = [r.levels.level_met for r in one.results if r.levels]
    assert f"mức độ 2: {met.count(2)}; mức độ 1: {met.count(1)}; chưa đạt mức độ 1: {met.count(0)}." in body
    known = [r for r in one.results if r.members and r.cdht is not None]
    members, cdht = sum(r.members or 0 for r in known), sum(r.cdht or 0 for r in known)
    assert f"{vi_number(Decimal(members))}; số thành viên đạt danh hiệu “Công dân học tập”: {vi_number(Decimal(cdht))}" in body
    assert "Mục tiêu: 60% vào năm 2025 (Quyết định số 677/QĐ-TTg" in body
    assert "Ủy ban Kiểm tra Tỉnh ủy Tây Ninh (nộp ngày 24/01/2026)" in body  # late
    assert "Đơn vị chưa gửi: Ban Nội chính Tỉnh ủy Tây Ninh; Sở Tài chính tỉnh Tây Ninh." in body  # missing
    groups = rows(papers / "2025" / "bao-cao-tong-hop-2025.docx", 1)
    assert sum(int(row[-1]) for row in groups[1:]) == len(one.results)


# --- Thông tư 22/2020: 2023 --------------------------------------------------------------------------


def test_points_report_table_is_the_results(papers: Path, sample_report: ScoreReport) -> None:
    for r in year_rows(sample_report, 2023):
        assert r.points is not None
        path = papers / "2023" / "don-vi" / r.unit_id / "bao-cao-tu-danh-gia-xep-loai.docx"
        table = {row[0]: row for row in rows(path, 1)}
        assert {k: v[-1] for k, v in table.items() if k in r.points.points} == {
            k: vi_number(v) for k, v in r.points.points.items()}
        assert table[""][1:] == ["Tổng cộng", "100", vi_number(r.points.total)]
        body = text(path)
        assert f"Tổng điểm đạt: {vi_number(r.points.total)}/100 điểm" in body and f": {r.points.klass} (loại" in body
        assert "Kính gửi: Sở Giáo dục và Đào tạo tỉnh Long An" in body and "Long An, ngày" in body
        assert ("tổng điểm đơn vị tự chấm: " + vi_number(r.points.self_total) in body) == (r.basis == "verified")


def test_points_body_papers_rank_and_class_every_unit(papers: Path, sample_report: ScoreReport) -> None:
    results = year_rows(sample_report, 2023)
    body = papers / "2023" / "hoi-dong" / SO_LA
    table = rows(body / "02-bang-tong-hop.docx", 1)
    assert table[0][:3] == ["STT", "Tên đơn vị", "1.1\n(10)"]
    assert [(row[1], row[-4], row[-3], row[-2]) for row in table[1:]] == [
        (r.name, vi_number(r.points.total), r.points.klass, str(r.points.rank)) for r in results if r.points]
    decision = text(body / "03-du-thao-quyet-dinh.docx")
    assert "Về việc công nhận kết quả đánh giá, xếp loại Đơn vị học tập năm 2023" in decision
    assert "ngày 19 tháng 6 năm 2015" in decision and f"của {len(results)} đơn vị" in decision
    assert "loại tốt: 19 đơn vị; loại khá: 10 đơn vị" in decision and "LOẠI TỐT (19 đơn vị)" in decision
    summary = text(papers / "2023" / "bao-cao-tong-hop-2023.docx")
    assert "điểm c khoản 2 Điều 8 Thông tư 22/2020/TT-BGDĐT" in summary and "Kính gửi: Bộ Giáo dục và Đào tạo" in summary


# --- safety, templates, options --------------------------------------------------------------------

HOSTILE = {
    "name": "Ban Thử <script>alert(1)</script> & “Đơn vị”",
    "evidence": '<w:fldSimple w:instr="HYPERLINK http://evil.example"><w:r><w:t>x</w:t></w:r></w:fldSimple>',
    "note": '{ HYPERLINK "http://evil.example" } =cmd|\' /C calc\'!A0 {{ header.number }} {%p if 1 %}',
}


def test_submitted_text_never_becomes_markup_a_link_or_a_field(tmp_path: Path) -> None:
    units = [{"id": "ban-thu", "name": HOSTILE["name"], "short_name": "Ban Thử", "first_year": 2024, "loai": "su-nghiep"}]
    project = make_project(tmp_path / "p", units=units)
    source = tmp_path / "nguon.csv"
    source.write_bytes(wide_csv([levels_row("ban-thu", 2025, loai="su-nghiep", mc_1_1=HOSTILE["evidence"],
                                            ghi_chu=HOSTILE["note"], link_ke_hoach="javascript:alert(1)",
                                            hd_1_1="không đạt", hd_ly_do=HOSTILE["note"])]))
    done = hoctap("documents", "--year", "2025", "--out", str(tmp_path / "vb"), "--source", str(source), cwd=project)
    assert done.returncode == 0, done.stderr
    written = list(all_docx(tmp_path / "vb"))
    assert len(written) == 7  # 3 papers of the unit, its appraised table and refusal, the Báo cáo thẩm định, the report
    for path in written:
        xml = zipfile.ZipFile(path).read("word/document.xml").decode()
        assert "<w:hyperlink" not in xml and "fldSimple w:" not in xml.replace("&lt;w:fldSimple w:", "")
        assert "<w:instrText" not in xml and "<script>" not in xml
    body = text(tmp_path / "vb" / "2025" / "don-vi" / "ban-thu" / "02-bao-cao-tu-danh-gia.docx")
    assert HOSTILE["name"] in body and HOSTILE["evidence"] in body and HOSTILE["note"] in body
    assert "javascript:alert(1)" in body
    assert plain("a\x00b\x07c\x1b\ufffe d\n  e") == "abc d e"


def test_default_templates_equal_their_designs() -> None:
    done = subprocess.run([sys.executable, str(ROOT_REPO / "scripts" / "make_paper_templates.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_province_copies_and_edits_a_template(tmp_path: Path) -> None:
    mau = tmp_path / "mau"
    done = hoctap("documents", "--copy-templates", str(mau), cwd=tmp_path)
    assert done.returncode == 0 and sorted(p.name for p in mau.iterdir()) == sorted(t.file for t in TEMPLATES)
    edited = docx.Document(str(mau / "tt24-to-trinh-don-vi.docx"))
    closing = next(p for p in edited.paragraphs if p.text.startswith("Kính trình {{ receiving_body }}"))
    closing.runs[0].text = "Trân trọng kính trình {{ receiving_body }} xem xét, thẩm định./."
    edited.save(str(mau / "tt24-to-trinh-don-vi.docx"))
    args = ("documents", "--year", "2025", "--unit", "tn-so-y-te", "--out", str(tmp_path / "vb"), "--templates", str(mau))
    assert hoctap(*args, cwd=tmp_path).returncode == 0
    own = tmp_path / "vb" / "2025" / "don-vi" / "tn-so-y-te"
    assert "Trân trọng kính trình Sở Giáo dục và Đào tạo tỉnh Tây Ninh xem xét, thẩm định./." in text(own / "01-to-trinh.docx")
    assert not (tmp_path / "vb" / "2025" / "bao-cao-tong-hop-2025.docx").exists()  # --unit: that unit's papers only
    closing.runs[0].text = "{{ ten_khong_co }}"
    edited.save(str(mau / "tt24-to-trinh-don-vi.docx"))
    broken = hoctap(*args, cwd=tmp_path)
    assert broken.returncode == 1 and "tt24-to-trinh-don-vi.docx" in broken.stderr and "ten_khong_co" in broken.stderr


def test_usage_errors_and_a_foreign_folder(tmp_path: Path) -> None:
    assert hoctap("documents", "--out", str(tmp_path), cwd=tmp_path).returncode == 2
    (tmp_path / "vb" / "2025").mkdir(parents=True)
    (tmp_path / "vb" / "2025" / "cua-toi.txt").write_text("không xóa", encoding="utf-8")
    done = hoctap("documents", "--year", "2025", "--out", str(tmp_path / "vb"), cwd=tmp_path)
    assert done.returncode == 1 and "không do hoctap lập" in done.stderr
    assert (tmp_path / "vb" / "2025" / "cua-toi.txt").exists()


def test_without_libreoffice_the_docx_are_written_and_the_run_succeeds(tmp_path: Path) -> None:
    empty = tmp_path / "khong-co-gi"
    empty.mkdir()
    done = hoctap("documents", "--year", "2025", "--unit", "tn-so-y-te", "--pdf", "--out", str(tmp_path / "vb"),
                  cwd=tmp_path, env={"PATH": str(empty)})
    assert done.returncode == 0 and "Không tìm thấy LibreOffice" in done.stderr
    own = tmp_path / "vb" / "2025" / "don-vi" / "tn-so-y-te"
    assert len(list(own.glob("*.docx"))) == 3 and not list(own.glob("*.pdf"))


# --- PDF through LibreOffice -------------------------------------------------------------------------


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


@needs_libreoffice
def test_unit_papers_convert_to_pdf_with_the_command(tmp_path: Path) -> None:
    done = hoctap("documents", "--year", "2025", "--unit", "tn-hoi-nong-dan", "--pdf", "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Đã chuyển 5 văn bản sang PDF" in done.stdout
    own = tmp_path / "2025" / "don-vi" / "tn-hoi-nong-dan"
    report = own / "02-bao-cao-tu-danh-gia.pdf"
    assert int(pdf_info(report)["Pages"]) >= 2 and "(A4)" in pdf_info(report)["Page size"]
    assert pdf_info(own / "03-ban-tong-hop.pdf")["Page size"].startswith("841.89 x 595.")  # the table: landscape A4
    first = pdf_text(report, 1)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "BÁO CÁO" in first and "Hội Nông dân tỉnh Tây Ninh" in first
    assert re.match(r"\s*2\s*\n", pdf_text(report, 2)) and not re.match(r"\s*1\s*\n", first)  # numbered from page 2
    assert "Nơi nhận:" in pdf_text(report) and "THỦ TRƯỞNG ĐƠN VỊ" in pdf_text(report)
    letter = tmp_path / "2025" / "hoi-dong" / SO_TN / "van-ban-tra-loi" / "tn-hoi-nong-dan.pdf"
    assert "Hội đồng đánh giá: không" in pdf_text(letter) and "KT. GIÁM ĐỐC" in pdf_text(letter)


@needs_libreoffice
def test_body_papers_of_both_laws_convert_to_pdf(papers: Path, tmp_path: Path) -> None:
    chosen = [*sorted((papers / "2025" / "hoi-dong" / SO_TN).glob("*.docx")), papers / "2025" / "bao-cao-tong-hop-2025.docx",
              *sorted((papers / "2023" / "hoi-dong" / SO_LA).glob("*.docx")), papers / "2023" / "bao-cao-tong-hop-2023.docx",
              papers / "2023" / "don-vi" / "ldld" / "bao-cao-tu-danh-gia-xep-loai.docx"]
    copies = []
    for index, path in enumerate(chosen):
        copies.append(tmp_path / f"{index:02d}-{path.name}")
        shutil.copyfile(path, copies[-1])
    pdfs = to_pdf(copies)
    assert len(pdfs) == len(chosen)
    for pdf in pdfs:
        assert int(pdf_info(pdf)["Pages"]) >= 1 and "Độc lập - Tự do - Hạnh phúc" in pdf_text(pdf, 1)
    decision = pdf_text(next(p for p in pdfs if p.name.startswith("02-")))
    assert "QUYẾT ĐỊNH:" in decision and "DANH SÁCH ĐƠN VỊ ĐẠT “ĐƠN VỊ HỌC TẬP” CẤP TỈNH NĂM 2025" in decision
    table = pdf_text(next(p for p in pdfs if p.name.endswith("bang-tong-hop.pdf")))
    assert "98,5" in table and "Tốt" in table and "Khá" in table
