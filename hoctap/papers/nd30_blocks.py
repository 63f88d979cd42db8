"""The components of a Vietnamese administrative paper (Nghị định 30/2020/NĐ-CP, Phụ lục I) as python-docx builders.

`scripts/make_paper_templates.py` composes the default templates from these
blocks, so every size, style and position below is reviewable here. Each
constant cites the decree's Phụ lục I (Mục, khoản) where the decree fixes it;
values marked "quy ước" are conventions the decree leaves open (checked in
`docs-papers.md`). Text holding Jinja2 tags (`{{ … }}`, `{%p … %}`, `{%tr … %}`)
is rendered later by docxtpl; each tag stays inside one run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"  # Mục I khoản 4: phông chữ Times New Roman, Unicode TCVN 6909:2001, màu đen
A4 = (Mm(210), Mm(297))  # Mục I khoản 1
# Mục I khoản 3: trên, dưới 20–25 mm; trái 30–35 mm; phải 15–20 mm (the lower bound of each range).
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(20), Mm(20), Mm(30), Mm(15)
HEADER_DISTANCE = Mm(10)  # quy ước: the page number sits inside the top margin (Mục I khoản 7)


@dataclass(frozen=True)
class Size:
    """Point sizes, each inside the decree's range for its component (Mục II, III)."""

    quoc_hieu: int = 12  # khoản 1 điểm a: 12–13, in hoa, đứng, đậm
    tieu_ngu: int = 13  # khoản 1 điểm b: 13–14, đứng, đậm
    co_quan: int = 12  # khoản 2 điểm b: 12–13 (chủ quản: đứng; ban hành: đứng, đậm)
    so_ky_hieu: int = 13  # khoản 3 điểm c: 13
    dia_danh: int = 13  # khoản 4 điểm c: 13–14, nghiêng
    ten_loai: int = 14  # khoản 5 điểm b: 13–14, in hoa, đứng, đậm; trích yếu 13–14, đứng, đậm
    vv: int = 12  # khoản 5 điểm b (công văn): 12–13, đứng
    noi_dung: int = 14  # khoản 6 điểm e: 13–14
    chu_ky: int = 14  # khoản 7 điểm đ: 13–14, in hoa, đứng, đậm; họ tên 13–14, đậm
    noi_nhan_nhan: int = 12  # khoản 9 điểm d: "Nơi nhận" 12, nghiêng, đậm
    noi_nhan_ds: int = 11  # khoản 9 điểm d: danh sách 11, đứng
    phu_luc: int = 14  # Mục III khoản 1 điểm b: "Phụ lục" 14, đậm; tên 13–14 in hoa, đậm
    so_trang: int = 13  # Mục I khoản 7: 13–14, đứng
    bang: int = 12  # quy ước: the decree sets no size for table text
    bang_hep: int = 11  # quy ước: a table of many columns


SIZE = Size()
INDENT = Cm(1.27)  # Mục II khoản 6 điểm e: lùi đầu dòng 1 cm hoặc 1,27 cm
PARAGRAPH_GAP = Pt(6)  # khoản 6 điểm e: khoảng cách giữa các đoạn tối thiểu 6 pt
LINE_SPACING = 1.15  # khoản 6 điểm e: từ dòng đơn đến 1,5 lines

# Paragraph styles a province edits in Word (Home ▸ Styles) instead of each paragraph, with ASCII ids.
BODY, BASIS, SECTION_HEAD, ITEM_HEAD, TABLE_TEXT, TABLE_HEAD = (
    "VB Nội dung", "VB Căn cứ", "VB Đề mục", "VB Khoản", "VB Bảng", "VB Bảng tiêu đề")
STYLE_IDS = {BODY: "VBNoiDung", BASIS: "VBCanCu", SECTION_HEAD: "VBDeMuc", ITEM_HEAD: "VBKhoan", TABLE_TEXT: "VBBang",
             TABLE_HEAD: "VBBangTieuDe"}


# --- document, sections and styles ----------------------------------------------------------------


_RPR_AFTER_COLOR = ("w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
                    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                    "w:eastAsianLayout", "w:specVanish", "w:oMath")
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
# Elements that follow w:pgNumType in a w:sectPr (ECMA-376 order; Word refuses a misplaced element).
_SECT_AFTER_NUMBERING = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                         "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _fonts(rpr: BaseOxmlElement) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):  # asciiTheme, cstheme …: a theme font would override the name
            del fonts.attrib[attr]
    for kind in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(kind), FONT)


def _replace(rpr: BaseOxmlElement, tag_name: str, attrs: dict[str, str], successors: tuple[str, ...]) -> None:
    old = rpr.find(qn(tag_name))
    if old is not None:
        rpr.remove(old)
    el = OxmlElement(tag_name)
    for k, v in attrs.items():
        el.set(qn(k), v)
    rpr.insert_element_before(el, *successors)


def _doc_defaults(doc: Document) -> None:
    """Times New Roman, black, Vietnamese, for every run that does not say otherwise."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    _replace(rpr, "w:color", {"w:val": "000000"}, _RPR_AFTER_COLOR)
    _replace(rpr, "w:lang", {"w:val": "vi-VN", "w:eastAsia": "vi-VN"}, _RPR_AFTER_LANG)


def _paragraph_style(doc: Document, name: str, size: int, *, bold: bool = False, italic: bool = False,
                     indent: bool = True, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
                     after: Pt = PARAGRAPH_GAP, keep: bool = False) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = STYLE_IDS[name]
    style.base_style = doc.styles["Normal"]
    style.font.size, style.font.bold, style.font.italic = Pt(size), bold, italic
    fmt = style.paragraph_format
    fmt.alignment, fmt.space_before, fmt.space_after = align, Pt(0), after
    fmt.first_line_indent = INDENT if indent else Cm(0)
    fmt.line_spacing = LINE_SPACING if size == SIZE.noi_dung else 1.0
    fmt.keep_with_next = keep
    fmt.widow_control = True


def new_document(*, landscape: bool = False) -> Document:
    import docx

    doc = docx.Document()
    _doc_defaults(doc)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(SIZE.noi_dung)
    _fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _paragraph_style(doc, BODY, SIZE.noi_dung)
    _paragraph_style(doc, BASIS, SIZE.noi_dung, italic=True)  # khoản 6 điểm a: căn cứ in nghiêng
    _paragraph_style(doc, SECTION_HEAD, SIZE.noi_dung, bold=True, keep=True)  # "I. …" đứng, đậm
    _paragraph_style(doc, ITEM_HEAD, SIZE.noi_dung, bold=True, keep=True)  # khoản có tiêu đề: đứng, đậm
    _paragraph_style(doc, TABLE_TEXT, SIZE.bang, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT, after=Pt(2))
    _paragraph_style(doc, TABLE_HEAD, SIZE.bang, bold=True, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
                     after=Pt(2))
    setup_section(doc.sections[0], landscape=landscape)
    return doc


def setup_section(section: Section, *, landscape: bool = False, restart_numbering: bool = False) -> None:
    """A4, the decree's margins, page numbers centred in the top margin from page 2 (Mục I khoản 1, 3, 7)."""
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = section.footer_distance = HEADER_DISTANCE
    section.different_first_page_header_footer = True  # "không hiển thị số trang thứ nhất"
    section.header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    if restart_numbering:  # Mục III khoản 1 điểm đ: "Số trang của Phụ lục được đánh số riêng"
        numbering = OxmlElement("w:pgNumType")
        numbering.set(qn("w:start"), "1")
        section._sectPr.insert_element_before(numbering, *_SECT_AFTER_NUMBERING)


def _page_field(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(SIZE.so_trang)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def new_section(doc: Document, *, landscape: bool = False) -> Section:
    """A new page with its own numbering: an annex (Mục III khoản 1 điểm đ)."""
    section: Section = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_section(section, landscape=landscape, restart_numbering=True)
    return section


def text_width(doc: Document) -> int:
    section = doc.sections[-1]
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


# --- paragraphs -----------------------------------------------------------------------------------


def para(where: Document | _Cell, text: str = "", *, style: str | None = None, size: int | None = None,
         bold: bool = False, italic: bool = False, align: WD_ALIGN_PARAGRAPH | None = None,
         before: int = 0, after: int | None = None, indent: bool | None = None, keep: bool = False) -> Paragraph:
    """One paragraph; direct formatting only where it differs from the style.

    In a table cell the first call fills the empty paragraph python-docx puts in every new cell.
    """
    p = _fresh_paragraph(where, style)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size is not None:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        fmt.alignment = align
    if before:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if indent is not None:
        fmt.first_line_indent = INDENT if indent else Cm(0)
    if keep:
        fmt.keep_with_next = True
    return p


def _fresh_paragraph(where: Document | _Cell, style: str | None) -> Paragraph:
    p: Paragraph
    if isinstance(where, _Cell):
        only = where.paragraphs
        if len(only) == 1 and len(only[0]._p) == 0:  # the cell's own <w:p/>, never touched
            p = only[0]
            if style is not None:
                p.style = style
            p._p.get_or_add_pPr()
            return p
    p = where.add_paragraph(style=style)
    p._p.get_or_add_pPr()  # an empty paragraph made on purpose is never taken for the cell's own
    return p


def runs(p: Paragraph, *parts: tuple[str, str]) -> Paragraph:
    """Add runs to a paragraph: ("b", "Điều 1. "), ("", "…"), ("i", "…")."""
    for kind, text in parts:
        run = p.add_run(text)
        run.bold = "b" in kind or None
        run.italic = "i" in kind or None
    return p


def tag(where: Document | _Cell, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); docxtpl removes it."""
    para(where, text)


def rule(where: Document | _Cell, length: Length, span: int) -> Paragraph:
    """A short solid line under a component, centred: a paragraph bottom border between indents."""
    p = _fresh_paragraph(where, None)
    fmt = p.paragraph_format
    side = max((span - int(length)) // 2, 0)
    fmt.left_indent = fmt.right_indent = side
    fmt.space_before, fmt.space_after = Pt(3), Pt(0)  # clear of the descenders of the line above
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(2)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
        "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc")
    return p


# --- tables ---------------------------------------------------------------------------------------


def table(doc: Document, widths: Sequence[Length], rows: int, *, grid: bool) -> Table:
    """A fixed-width table; `grid` draws every border (data tables), else none (the layout tables)."""
    t: Table = doc.add_table(rows=rows, cols=len(widths))
    if grid:
        t.style = doc.styles["Table Grid"]
    t.autofit = False
    if grid:
        keep_rows_whole(t)  # quy ước: a row never breaks across pages (the header row repeats on each)
    for row in t.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    for col, width in zip(t.columns, widths, strict=True):
        col.width = width
    return t


def first(cell: _Cell) -> Paragraph:
    """The cell's own first paragraph (python-docx creates one), cleared for reuse."""
    paragraph: Paragraph = cell.paragraphs[0]
    return paragraph


def cell_text(cell: _Cell, text: str, *, head: bool = False, align: WD_ALIGN_PARAGRAPH | None = None,
              bold: bool = False, size: int | None = None) -> Paragraph:
    p = first(cell)
    p.style = TABLE_HEAD if head else TABLE_TEXT
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        p.paragraph_format.alignment = align
    if head:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return p


def _row_property(row_el: CT_Row, tag_name: str) -> None:
    trpr = row_el.get_or_add_trPr()
    el = OxmlElement(tag_name)
    order = ("w:cantSplit", "w:trHeight", "w:tblHeader")
    later = [qn(t) for t in order[order.index(tag_name) + 1:]]
    for i, child in enumerate(trpr):
        if child.tag in later:
            trpr.insert(i, el)
            return
    trpr.append(el)


def header_row(t: Table, labels: Sequence[str], *, size: int | None = None) -> None:
    """The first row: column titles, repeated at the top of every page (tblHeader)."""
    row = t.rows[0]
    for cell, label in zip(row.cells, labels, strict=True):
        cell_text(cell, label, head=True, size=size)
    _row_property(row._tr, "w:tblHeader")


def keep_rows_whole(t: Table) -> None:
    """No row breaks across pages (the signature block stays in one piece)."""
    for row in t.rows:
        _row_property(row._tr, "w:cantSplit")


def loop_row(t: Table, index: int, text: str) -> None:
    """A row holding only a docxtpl row tag ({%tr for … %} / {%tr endfor %}): docxtpl removes it."""
    first(t.rows[index].cells[0]).add_run(text)


def merged_row(t: Table, index: int, text: str, *, bold: bool = False, upto: int | None = None) -> _Cell:
    row = t.rows[index]
    last = row.cells[(upto if upto is not None else len(row.cells)) - 1]
    cell = row.cells[0].merge(last) if last is not row.cells[0] else row.cells[0]
    cell_text(cell, text, bold=bold)
    return cell
