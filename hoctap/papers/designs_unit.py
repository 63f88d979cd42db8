"""Designs of the unit's papers: the Thông tư 24/2023 dossier (Tờ trình, Báo cáo tự đánh giá, Bản tổng hợp, also
the Bản tổng hợp as the Hội đồng appraised it) and the Thông tư 22/2020 báo cáo kết quả tự đánh giá, xếp loại.

Each function returns a python-docx Document holding Jinja2 fields of
`hoctap.papers.context_levels.LevelsDossier` / `context_points.PointsReport`.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from hoctap.papers import paper_frame as frame
from hoctap.papers.nd30_blocks import (
    BASIS,
    BODY,
    ITEM_HEAD,
    SECTION_HEAD,
    SIZE,
    cell_text,
    header_row,
    loop_row,
    merged_row,
    new_document,
    para,
    table,
    tag,
)

CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _top(doc: Document, *, recipient: bool = True) -> None:
    frame.notices(doc)
    frame.header(doc)
    frame.title(doc)
    if recipient:
        frame.recipient(doc)


def tt24_submission() -> Document:
    """Tờ trình đề nghị công nhận (Mẫu 1.4; điểm c khoản 1 Điều 10, 16)."""
    doc = new_document()
    _top(doc)
    frame.body(doc, "Căn cứ {{ circular }};")
    frame.body(doc, "Căn cứ kết quả tự đánh giá năm {{ year }} của Tổ đánh giá {{ unit.name }} (thông tin, số liệu tính "
                    "{{ period }}),")
    frame.body(doc, "{{ unit.name }} kính trình {{ receiving_body }} xem xét, thẩm định hồ sơ và trình "
                    "{{ recognising_authority }} công nhận {{ unit.name }} đạt {{ set_title }} mức độ {{ level }} năm "
                    "{{ year }} ({{ request_kind }}).")
    frame.body(doc, "1. Kết quả tự đánh giá", style=ITEM_HEAD)
    frame.body(doc, "Đơn vị có {{ self_tally.applicable }} chỉ tiêu áp dụng, trong đó {{ self_tally.met }} chỉ tiêu đạt, "
                    "{{ self_tally.not_met }} chỉ tiêu không đạt. {{ self_conclusion }}")
    frame.body(doc, "Số Thành viên trong đơn vị: {{ unit.members }}{% if unit.cdht %}; Thành viên đạt danh hiệu "
                    "“Công dân học tập”: {{ unit.cdht }}{% endif %}{% if unit.learners %}; số Người học: "
                    "{{ unit.learners }}{% endif %}.")
    frame.body(doc, "2. Hồ sơ kèm theo ({{ dossier_citation }})", style=ITEM_HEAD)
    frame.body(doc, "- Báo cáo tự đánh giá, công nhận {{ set_title }} năm {{ year }};")
    frame.body(doc, "- Bản tổng hợp kết quả tự đánh giá các tiêu chí, chỉ tiêu.")
    frame.body(doc, "Kính trình {{ receiving_body }} xem xét./.")
    frame.signature(doc)
    return doc


def tt24_report() -> Document:
    """Báo cáo tự đánh giá, công nhận (Mẫu 1.4; điểm b khoản 1 Điều 10, 16)."""
    doc = new_document()
    _top(doc)
    frame.body(doc, "Căn cứ {{ circular }};")
    frame.body(doc, "Căn cứ kết quả tự đánh giá của Tổ đánh giá (thông tin, số liệu tính {{ period }}), {{ unit.name }} "
                    "báo cáo kết quả tự đánh giá, công nhận {{ set_title }} năm {{ year }} như sau:")
    frame.body(doc, "I. THÔNG TIN CHUNG", style=SECTION_HEAD)
    frame.body(doc, "1. Tên đơn vị: {{ unit.name }}; khối: {{ unit.group }}.")
    frame.body(doc, "2. Loại đơn vị: {{ unit.type_label }}; bộ tiêu chí: {{ set_title }} ({{ set_citation }}).")
    frame.body(doc, "3. Số Thành viên trong đơn vị: {{ unit.members }}{% if unit.learners %}; số Người học: "
                    "{{ unit.learners }}{% endif %}{% if unit.cdht %}; Thành viên đạt danh hiệu “Công dân học tập”: "
                    "{{ unit.cdht }}{% endif %}.")
    frame.body(doc, "4. Ban Khuyến học: {{ unit.ban_khuyen_hoc }}; kế hoạch học tập của đơn vị: {{ unit.plan }}.")
    frame.body(doc, "5. Tổ đánh giá: thành lập theo Quyết định số ………… ngày ………… của Thủ trưởng đơn vị.")
    frame.body(doc, "II. KẾT QUẢ TỰ ĐÁNH GIÁ CÁC TIÊU CHÍ, CHỈ TIÊU", style=SECTION_HEAD)
    frame.body(doc, "Đơn vị đề nghị công nhận mức độ {{ level }} ({{ request_kind }}); mỗi chỉ tiêu được đối chiếu với "
                    "yêu cầu của mức độ {{ level }}:")
    _levels_table(doc, appraised=False, landscape=False)
    frame.body(doc, "Tổng hợp: {{ self_tally.applicable }} chỉ tiêu áp dụng, {{ self_tally.met }} chỉ tiêu đạt, "
                    "{{ self_tally.not_met }} chỉ tiêu không đạt, {{ self_tally.not_applicable }} chỉ tiêu không áp dụng "
                    "đối với loại hình đơn vị.")
    frame.body(doc, "III. DANH MỤC MINH CHỨNG", style=SECTION_HEAD)
    t = table(doc, (Cm(1.3), Cm(2.2), Cm(13.0)), 4, grid=True)
    header_row(t, ("STT", "Chỉ tiêu", "Minh chứng"))
    loop_row(t, 1, "{%tr for e in evidence_items %}")
    for cell, text in zip(t.rows[2].cells, ("{{ e.number }}", "{{ e.indicator }}", "{{ e.text }}"), strict=True):
        cell_text(cell, text, align=None if text == "{{ e.text }}" else CENTER)
    loop_row(t, 3, "{%tr endfor %}")
    para(doc, "", after=6)
    frame.body(doc, "IV. KẾT LUẬN VÀ ĐỀ NGHỊ", style=SECTION_HEAD)
    frame.body(doc, "{{ self_conclusion }}")
    frame.body(doc, "{{ unit.name }} đề nghị {{ receiving_body }} thẩm định, trình {{ recognising_authority }} công nhận "
                    "đơn vị đạt {{ set_title }} mức độ {{ level }} năm {{ year }}.")
    tag(doc, "{%p if unit.note %}")
    frame.body(doc, "Ghi chú của đơn vị: {{ unit.note }}")
    tag(doc, "{%p endif %}")
    frame.body(doc, "Trên đây là Báo cáo tự đánh giá, công nhận {{ set_title }} năm {{ year }} của {{ unit.name }}./.")
    frame.signature(doc)
    return doc


def _levels_table(doc: Document, *, appraised: bool, landscape: bool) -> None:
    """The chỉ tiêu table: one merged row per tiêu chí, one row per chỉ tiêu, the tiêu chí's conclusion row."""
    widths: tuple[float, ...]
    labels: tuple[str, ...]
    cells: tuple[str, ...]
    if landscape and appraised:
        widths = (1.3, 7.6, 4.0, 5.0, 2.3, 2.3, 2.7)
        labels = ("Mã", "Tiêu chí, chỉ tiêu", "Kết quả thực hiện", "Minh chứng", "Đơn vị tự đánh giá", "Hội đồng đánh giá",
                  "Kết quả")
        cells = ("{{ i.id }}", "{{ i.text }}", "{{ i.result }}", "{{ i.evidence }}", "{{ i.self_verdict }}",
                 "{{ i.council }}", "{{ i.verdict }}")
    elif landscape:
        widths = (1.3, 9.6, 4.6, 6.2, 3.5)
        labels = ("Mã", "Tiêu chí, chỉ tiêu", "Kết quả thực hiện", "Minh chứng", "Tự đánh giá")
        cells = ("{{ i.id }}", "{{ i.text }}", "{{ i.result }}", "{{ i.evidence }}", "{{ i.self_verdict }}")
    else:
        widths = (1.3, 5.2, 3.3, 4.0, 2.7)
        labels = ("Mã", "Chỉ tiêu", "Yêu cầu", "Kết quả", "Tự đánh giá")
        cells = ("{{ i.id }}", "{{ i.short }}", "{{ i.requirement }}", "{{ i.result }}", "{{ i.self_verdict }}")
    size = SIZE.bang_hep if appraised else None
    t = table(doc, tuple(Cm(w) for w in widths), 8, grid=True)
    header_row(t, labels, size=size)
    loop_row(t, 1, "{%tr for c in criteria %}")
    merged_row(t, 2, "{{ c.title }}", bold=True)
    loop_row(t, 3, "{%tr for i in c.indicators %}")
    verdicts = {"{{ i.id }}", "{{ i.self_verdict }}", "{{ i.council }}", "{{ i.verdict }}"}
    for cell, text in zip(t.rows[4].cells, cells, strict=True):
        cell_text(cell, text, align=CENTER if text in verdicts else None, size=size)
        if landscape and text == "{{ i.text }}":
            para(cell, "({{ i.citation }})", style=None, italic=True, size=SIZE.bang_hep)
        if text == "{{ i.verdict }}":
            tag(cell, "{%p if i.reasons %}")
            para(cell, "{{ i.reasons }}", italic=True, size=SIZE.bang_hep - 1)
            tag(cell, "{%p endif %}")
    loop_row(t, 5, "{%tr endfor %}")
    last = len(widths) - 1
    merged_row(t, 6, "Kết luận tiêu chí {{ c.id }}" + (" sau thẩm định" if appraised else ""), bold=True, upto=last)
    cell_text(t.rows[6].cells[-1], "{{ c.verdict }}" if appraised else "{{ c.self_verdict }}", bold=True, align=CENTER)
    loop_row(t, 7, "{%tr endfor %}")
    para(doc, "", after=6)


def tt24_summary(*, appraised: bool) -> Document:
    """Bản tổng hợp kết quả (tự) đánh giá các tiêu chí, chỉ tiêu: landscape, as the decree allows for a table
    that is not a separate annex (Phụ lục I, Mục I khoản 2)."""
    doc = new_document(landscape=True)
    _top(doc, recipient=False)
    para(doc, "{{ enclosure }}", italic=True, align=CENTER, after=6)
    frame.body(doc, "Đơn vị: {{ unit.name }}. Loại đơn vị: {{ unit.type_label }}. Số Thành viên: {{ unit.members }}"
                    "{% if unit.learners %}; số Người học: {{ unit.learners }}{% endif %}. Mức độ đề nghị: mức độ "
                    "{{ level }} ({{ request_kind }}).")
    _levels_table(doc, appraised=appraised, landscape=True)
    tally = "tally" if appraised else "self_tally"
    frame.body(doc, f"Tổng hợp{' sau thẩm định' if appraised else ''}: {{{{ {tally}.applicable }}}} chỉ tiêu áp dụng, "
                    f"{{{{ {tally}.met }}}} chỉ tiêu đạt, {{{{ {tally}.not_met }}}} chỉ tiêu không đạt.")
    frame.body(doc, "{{ conclusion }}" if appraised else "{{ self_conclusion }}")
    if appraised:
        tag(doc, "{%p if council_note %}")
        frame.body(doc, "Ý kiến của Hội đồng:")
        tag(doc, "{%p endif %}")
        tag(doc, "{%p for line in council_note %}")
        frame.body(doc, "{{ line }}")
        tag(doc, "{%p endfor %}")
    frame.signature(doc)
    return doc


def tt22_report() -> Document:
    """Báo cáo kết quả tự đánh giá, xếp loại Đơn vị học tập (khoản 1 Điều 7 Thông tư 22/2020; Mẫu 1.4)."""
    doc = new_document()
    _top(doc)
    frame.body(doc, "Căn cứ {{ circular }};", style=BODY)
    frame.body(doc, "{{ unit.name }} báo cáo kết quả tự đánh giá, xếp loại Đơn vị học tập năm {{ year }} như sau:")
    frame.body(doc, "I. THÔNG TIN CHUNG", style=SECTION_HEAD)
    frame.body(doc, "1. Số thành viên trong đơn vị: {{ unit.members }}{% if unit.cdht %}; số thành viên đạt danh hiệu "
                    "“Công dân học tập”: {{ unit.cdht }}{% endif %}.")
    frame.body(doc, "2. Ban Khuyến học: {{ unit.ban_khuyen_hoc }}; kế hoạch học tập của đơn vị: {{ unit.plan }}.")
    frame.body(doc, "II. KẾT QUẢ TỰ ĐÁNH GIÁ THEO CÁC TIÊU CHÍ", style=SECTION_HEAD)
    t = table(doc, (Cm(1.3), Cm(10.2), Cm(2.4), Cm(2.6)), 8, grid=True)
    header_row(t, ("Mã", "Tiêu chí, chỉ số", "Điểm tối đa", "Điểm đạt"))
    loop_row(t, 1, "{%tr for c in criteria %}")
    for cell, text in zip(t.rows[2].cells, ("{{ c.id }}", "{{ c.title }}", "{{ c.max }}", "{{ c.points }}"), strict=True):
        cell_text(cell, text, bold=True, align=None if text == "{{ c.title }}" else CENTER)
    loop_row(t, 3, "{%tr for i in c.indicators %}")
    for cell, text in zip(t.rows[4].cells, ("{{ i.id }}", "{{ i.text }}", "{{ i.max }}", "{{ i.points }}"), strict=True):
        cell_text(cell, text, align=None if text == "{{ i.text }}" else CENTER)
    loop_row(t, 5, "{%tr endfor %}")
    loop_row(t, 6, "{%tr endfor %}")
    for cell, text in zip(t.rows[7].cells, ("", "Tổng cộng", "{{ max_total }}", "{{ total }}"), strict=True):
        cell_text(cell, text, bold=True, align=None if text == "Tổng cộng" else CENTER)
    para(doc, "", after=6)
    tag(doc, "{%p if points_note %}")
    frame.body(doc, "{{ points_note }}", style=BASIS)
    tag(doc, "{%p endif %}")
    frame.body(doc, "III. XẾP LOẠI", style=SECTION_HEAD)
    frame.body(doc, "Tổng điểm đạt: {{ total }}/{{ max_total }} điểm. {{ class_intro }}: {{ klass }} ({{ class_rule }}).")
    frame.body(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ", style=SECTION_HEAD)
    frame.body(doc, "{{ unit.note or '……………………………………………' }}")
    frame.body(doc, "Trên đây là báo cáo kết quả tự đánh giá, xếp loại Đơn vị học tập năm {{ year }} của {{ unit.name }}./.")
    frame.signature(doc)
    return doc

