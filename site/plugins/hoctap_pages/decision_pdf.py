"""The PDF of each recognition decision's list (`decision_lists` makes the lists), written to `cong-nhan/`.

fpdf2 and its fonts take a third of a second to import: the generator imports this module only when
there is a decision to print.

The PDF needs nothing but Python packages: fpdf2 and the DejaVu Sans font
bundled in `fonts/` (it covers Vietnamese; no system font is read). It is
byte-for-byte reproducible: its date is the results' own date, and fpdf2 derives
the file identifier from the content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from scoring.levels_rubric import LevelsRubric
from scoring.rubric import default_rubrics
from scoring.vietnamese import vi_date

from .decision_lists import SOURCE, DecisionList
from .downloads import build_time
from .site_data import SiteData

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"


def _levels_rubric() -> LevelsRubric | None:
    return next((r for r in default_rubrics() if isinstance(r, LevelsRubric)), None)


class _ListPDF(FPDF):
    """A4 portrait, DejaVu Sans, a page number at the foot of each page."""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=8)
        self.set_text_color(90)
        self.cell(0, 10, f"Trang {self.page_no()}/{{nb}}", align="C")


def render_pdf(decision: DecisionList, data: SiteData) -> bytes:
    """The list of one decision as PDF bytes (the same bytes for the same data)."""
    rubric = _levels_rubric()
    circular = rubric.info.short_title if rubric else "Thông tư 24/2023/TT-BGDĐT"
    set_titles = [rubric.sets[s].title for s in decision.sets if s in rubric.sets] if rubric else []
    what = set_titles[0] if len(set_titles) == 1 else "“Đơn vị học tập”"
    when = build_time(data)
    validity = (f" Kết quả công nhận được bảo lưu {rubric.validity_years.value} năm tiếp theo năm được công nhận "
                f"({rubric.validity_years.citation}).") if rubric else ""

    pdf = _ListPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(left=25, top=20, right=15)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_creation_date(when)
    pdf.set_creator("hoctap")
    pdf.set_lang("vi")
    pdf.set_title(f"Danh sách đơn vị được công nhận theo {decision.title}")
    pdf.set_subject(f"Công nhận {what}, năm đánh giá {', '.join(map(str, decision.years))}")
    pdf.add_page()
    width = pdf.epw

    if data.results.sample:
        pdf.set_font(FONT, "B", 11)
        pdf.set_text_color(170, 0, 0)
        pdf.multi_cell(width, 6, "DỮ LIỆU MẪU — không phải quyết định thật, chỉ dùng để thử.", align="C")
        pdf.ln(2)
    pdf.set_text_color(0)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(width, 7, f"DANH SÁCH ĐƠN VỊ ĐƯỢC CÔNG NHẬN\n{what.upper()}", align="C")
    pdf.ln(1)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 6, f"theo {decision.title}", align="C")
    pdf.ln(4)

    years = ", ".join(map(str, decision.years))
    counts = "; ".join(f"mức độ {level}: {n}" for level, n in decision.levels)
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(width, 6, f"Số quyết định: {decision.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, f"Ngày ký: {vi_date(decision.signed)}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, f"Người ký: {decision.signer or '—'}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, f"Năm đánh giá: {years}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, f"Số đơn vị được công nhận: {len(decision.units)} ({counts})", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    several_years = len(decision.years) > 1
    headings = ["STT", "Tên đơn vị", *(["Năm đánh giá"] if several_years else []), "Mức độ", "Thời hạn bảo lưu"]
    widths = (12, 66, 20, 20, 52) if several_years else (12, 86, 20, 52)  # mm: the text width is 170
    pdf.set_font(FONT, "", 10)
    aligns = ("CENTER", "LEFT", *(["CENTER"] if several_years else []), "CENTER", "LEFT")
    with pdf.table(width=sum(widths), col_widths=widths, align="LEFT", text_align=aligns, line_height=5.5,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)), padding=(1.2, 1.5),
                   repeat_headings=1) as table:
        header = table.row()
        for h in headings:
            header.cell(h, align="CENTER")
        for u in decision.units:
            row = table.row()
            row.cell(str(u.position))
            row.cell(u.name)
            if several_years:
                row.cell(str(u.year))
            row.cell(f"Mức độ {u.level}")
            row.cell(f"Bảo lưu đến hết năm {u.valid_until_year}")
    pdf.ln(5)

    note = (f"Danh sách này do hoctap tổng hợp từ quyết định công nhận nêu trên để công khai kết quả (khoản 3 Điều 21 "
            f"{circular}); đây không phải bản quyết định có chữ ký. Nguồn: tệp quyết định công nhận {SOURCE} "
            f"(hoặc tệp ở thiết lập «decisions» của hoctap).{validity} Lập ngày {vi_date(when)}.")
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(70)
    height = pdf.multi_cell(width, 5, note, align="L", dry_run=True, output="HEIGHT")
    if isinstance(height, int | float) and pdf.will_page_break(height):
        pdf.add_page()  # the note stays whole, on one page
    pdf.multi_cell(width, 5, note, align="L")
    return bytes(pdf.output())


def write_decision_lists(lists: Sequence[DecisionList], data: SiteData, output: Path) -> list[DecisionList]:
    """Write `cong-nhan/<slug>.pdf` for each of `decision_lists(data)`; return them with their sizes."""
    written = []
    for decision in lists:
        target = output / decision.url
        target.parent.mkdir(parents=True, exist_ok=True)
        content = render_pdf(decision, data)
        target.unlink(missing_ok=True)  # a new file, never one shared by a link with a previous build
        target.write_bytes(content)
        written.append(replace(decision, bytes=len(content)))
    return written
