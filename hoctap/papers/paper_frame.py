"""The frame every paper shares (NĐ 30/2020/NĐ-CP, Phụ lục I, Mục IV): ô 1–5, 9a at the top, ô 7 and 9b at the foot.

Each function writes one part of a template with the Jinja2 fields of
`hoctap.papers.context_common.Frame` (`header`, `title`, `recipient`,
`signature`, `copies`, `notice`, `draft`); the body in between belongs to
each paper's design.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Emu

from hoctap.papers.nd30_blocks import (
    BODY,
    SIZE,
    keep_rows_whole,
    para,
    rule,
    runs,
    table,
    tag,
    text_width,
)

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
# quy ước: the left column holds ô 2–3, the right one ô 1 and 4 (the decree's diagram, Mục IV); the
# Quốc hiệu at 12 pt fits the right column on one line.
HEADER_LEFT = 0.40
SIGN_LEFT = 0.48
# Mục II khoản 1 điểm b: the line under the Tiêu ngữ is as long as "Độc lập - Tự do - Hạnh phúc" at 13 pt bold.
TIEU_NGU_LINE = Cm(5.75)
# khoản 2 điểm b, khoản 5 điểm b: 1/3 to 1/2 of the line above (an agency name, a trích yếu): a fixed length
# that falls in that range for names of ordinary length (quy ước: a template cannot measure text).
SHORT_LINE = Cm(2.6)
TITLE_LINE = Cm(4.0)
DOTTED_NAME = "……………………………"


def _split(doc: Document, left: float) -> tuple[Emu, Emu]:
    width = text_width(doc)
    return Emu(int(width * left)), Emu(width - int(width * left))


def notices(doc: Document) -> None:
    """Above the header: "DỰ THẢO" on a draft, and the sample-data warning (quy ước, not in the decree)."""
    tag(doc, "{%p if draft %}")
    para(doc, "DỰ THẢO", bold=True, size=SIZE.noi_dung, align=LEFT, after=6)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if notice %}")
    para(doc, "{{ notice }}", italic=True, size=SIZE.noi_nhan_ds, align=CENTER, after=6)
    tag(doc, "{%p endif %}")


def header(doc: Document, *, numbered: bool = True, subject: bool = False) -> None:
    """Ô 1–4 (and 5b for a công văn) in a borderless two-row table, so ô 3 and ô 4 share a line."""
    left, right = _split(doc, HEADER_LEFT)
    t = table(doc, (left, right), 2 if numbered else 1, grid=False)
    names, state = t.rows[0].cells
    tag(names, "{%p if header.governing_body %}")
    para(names, "{{ header.governing_body }}", size=SIZE.co_quan, align=CENTER)  # ô 2: in hoa, đứng
    tag(names, "{%p endif %}")
    para(names, "{{ header.issuing_body }}", size=SIZE.co_quan, bold=True, align=CENTER)  # in hoa, đứng, đậm
    rule(names, SHORT_LINE, int(left))
    para(state, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=SIZE.quoc_hieu, bold=True, align=CENTER)
    para(state, "Độc lập - Tự do - Hạnh phúc", size=SIZE.tieu_ngu, bold=True, align=CENTER)
    rule(state, TIEU_NGU_LINE, int(right))
    if not numbered:
        return
    number, place = t.rows[1].cells
    para(number, "{{ header.number }}", size=SIZE.so_ky_hieu, align=CENTER, before=6)  # ô 3
    if subject:  # ô 5b: "V/v …" under the number, 6 pt apart (khoản 5 điểm b)
        para(number, "{{ header.subject }}", size=SIZE.vv, align=CENTER, before=6)
    para(place, "{{ header.place_date }}", size=SIZE.dia_danh, italic=True, align=CENTER, before=6)  # ô 4


def title(doc: Document, *, line: bool = True) -> None:
    """Ô 5a: tên loại (in hoa, đậm) and trích yếu (đậm) centred, a short line under them."""
    para(doc, "{{ title.kind }}", size=SIZE.ten_loai, bold=True, align=CENTER, before=18, keep=True)
    para(doc, "{{ title.summary }}", size=SIZE.ten_loai, bold=True, align=CENTER, keep=True)
    if line:
        rule(doc, TITLE_LINE, text_width(doc))
    para(doc, "", after=6)


def recipient(doc: Document, *, before: int = 6) -> None:
    """Ô 9a: "Kính gửi: …" on one line for one recipient (Mục II khoản 9 điểm d), 13–14, đứng."""
    para(doc, "Kính gửi: {{ recipient }}", size=SIZE.noi_dung, align=CENTER, before=before, after=12)


def body(doc: Document, text: str, *, style: str = BODY) -> None:
    para(doc, text, style=style)


def body_runs(doc: Document, *parts: tuple[str, str], style: str = BODY) -> None:
    runs(para(doc, style=style), *parts)


def signature(doc: Document) -> None:
    """Ô 9b on the left, level with ô 7a on the right; a blank for the signature and seal (ô 7c, 8)."""
    left, right = _split(doc, SIGN_LEFT)
    if doc.paragraphs:  # quy ước: the closing paragraph stays on the page of the signature
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    para(doc, "", after=6, keep=True)
    t = table(doc, (left, right), 1, grid=False)
    keep_rows_whole(t)
    copies, sign = t.rows[0].cells
    tag(copies, "{%p if copies %}")
    para(copies, "Nơi nhận:", size=SIZE.noi_nhan_nhan, bold=True, italic=True, align=LEFT)
    tag(copies, "{%p endif %}")
    tag(copies, "{%p for line in copies %}")
    para(copies, "- {{ line }}", size=SIZE.noi_nhan_ds, align=LEFT)
    tag(copies, "{%p endfor %}")
    para(copies, "")  # a cell must keep one paragraph when the paper has no Nơi nhận (an enclosure)
    tag(sign, "{%p if signature.authority %}")
    para(sign, "{{ signature.authority }}", size=SIZE.chu_ky, bold=True, align=CENTER)
    tag(sign, "{%p endif %}")
    para(sign, "{{ signature.title }}", size=SIZE.chu_ky, bold=True, align=CENTER)
    for _ in range(4):
        para(sign, "", size=SIZE.chu_ky)
    para(sign, "{{ signature.name }}", size=SIZE.chu_ky, bold=True, align=CENTER)


def annex_heading(doc: Document) -> None:
    """Mục III khoản 1 điểm b–c: "Phụ lục" (14, đậm), its title (in hoa, đậm), "(Kèm theo …)" in italics."""
    header(doc, numbered=False)
    para(doc, "Phụ lục", size=SIZE.phu_luc, bold=True, align=CENTER, before=12)
    para(doc, "{{ annex.title }}", size=SIZE.ten_loai, bold=True, align=CENTER)
    para(doc, "{{ annex.reference }}", size=SIZE.ten_loai, italic=True, align=CENTER)
    rule(doc, TITLE_LINE, text_width(doc))
    para(doc, "", after=6)
