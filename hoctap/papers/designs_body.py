"""Designs of the reviewing body's papers: Báo cáo thẩm định, Tờ trình đề nghị công nhận, dự thảo Quyết định with
its annex, the letter refusing a dossier (Thông tư 24/2023), and the Thông tư 22/2020 Tờ trình, Bảng tổng hợp and
dự thảo Quyết định.

Fields: `hoctap.papers.context_council.CouncilYear`, `context_levels.Refusal`,
`context_points.PointsYear`.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from hoctap.papers import paper_frame as frame
from hoctap.papers.nd30_blocks import (
    BASIS,
    ITEM_HEAD,
    SECTION_HEAD,
    SIZE,
    cell_text,
    header_row,
    loop_row,
    merged_row,
    new_document,
    new_section,
    para,
    table,
    tag,
)
from scoring.points import PointsRubric

CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _top(doc: Document, *, recipient: bool = True, subject: bool = False, line: bool = True) -> None:
    frame.notices(doc)
    frame.header(doc, subject=subject)
    if not subject:
        frame.title(doc, line=line)
    if recipient:
        frame.recipient(doc, before=18 if subject else 6)


def _row_table(doc: Document, widths: tuple[float, ...], labels: tuple[str, ...], loop: str, cells: tuple[str, ...],
               *, left: tuple[int, ...] = (1,), size: int | None = None) -> None:
    t = table(doc, tuple(Cm(w) for w in widths), 4, grid=True)
    header_row(t, labels, size=size)
    loop_row(t, 1, loop)
    for index, (cell, text) in enumerate(zip(t.rows[2].cells, cells, strict=True)):
        cell_text(cell, text, align=None if index in left else CENTER, size=size)
    loop_row(t, 3, "{%tr endfor %}")
    para(doc, "", after=6)


def appraisal_report() -> Document:
    """Báo cáo thẩm định of the Hội đồng (điểm c–đ khoản 2 Điều 10, 16): members, method, result per unit, proposal."""
    doc = new_document()
    _top(doc)
    frame.body(doc, "Thực hiện {{ process_citation }}; căn cứ Quyết định số ………… ngày ………… của {{ head }} về việc thành "
                    "lập {{ council }}, Hội đồng báo cáo kết quả thẩm định hồ sơ đề nghị công nhận {{ set_title }} năm "
                    "{{ year }} như sau:")
    frame.body(doc, "I. THÀNH PHẦN VÀ HÌNH THỨC THẨM ĐỊNH", style=SECTION_HEAD)
    frame.body(doc, "1. Thành phần Hội đồng gồm chủ tịch, thư ký và các ủy viên, số lượng ủy viên là số lẻ, tối thiểu 05 "
                    "người ({{ council_citation }}): ……………………………………")
    frame.body(doc, "2. Hình thức thẩm định (họp Hội đồng hoặc lấy ý kiến bằng văn bản của các ủy viên): ……………………")
    frame.body(doc, "II. KẾT QUẢ THẨM ĐỊNH", style=SECTION_HEAD)
    frame.body(doc, "1. Hồ sơ tiếp nhận: {{ reception.received }} hồ sơ, trong đó {{ reception.invalid }} hồ sơ có số liệu "
                    "không hợp lệ. Trong các hồ sơ hợp lệ: {{ reception.on_time }} hồ sơ gửi đúng hạn, {{ reception.late }} "
                    "hồ sơ gửi trễ hạn, {{ reception.undated }} hồ sơ không rõ ngày gửi. Hội đồng đã thẩm định "
                    "{{ reception.appraised }} hồ sơ.")
    frame.body(doc, "2. Kết quả thẩm định từng đơn vị:")
    _row_table(doc, (1.2, 5.4, 2.4, 1.7, 2.5, 3.3),
               ("STT", "Đơn vị", "Ngày gửi", "Mức độ đề nghị", "Kết quả thẩm định", "Kết luận"), "{%tr for r in rows %}",
               ("{{ r.number }}", "{{ r.name }}", "{{ r.submitted }}", "{{ r.level }}", "{{ r.result }}",
                "{{ r.conclusion }}"), left=(1, 5), size=SIZE.bang_hep)
    frame.body(doc, "3. Đơn vị không đủ điều kiện công nhận và lý do:")
    tag(doc, "{%p for u in refused %}")
    frame.body(doc, "- {{ u.name }} (đề nghị mức độ {{ u.level }}): {{ u.reasons }}.")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not refused %}")
    frame.body(doc, "Không có đơn vị nào.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if pending %}")
    frame.body(doc, "4. Hồ sơ chưa có kết quả thẩm định: {{ pending|join('; ') }}.")
    tag(doc, "{%p endif %}")
    frame.body(doc, "III. KIẾN NGHỊ", style=SECTION_HEAD)
    frame.body(doc, "Hội đồng đề nghị {{ head }}:")
    frame.body(doc, "- Trình {{ recognising_authority }} công nhận {{ proposal.total }} đơn vị đạt {{ set_title }} năm "
                    "{{ year }} (mức độ 2: {{ proposal.level2 }} đơn vị; mức độ 1: {{ proposal.level1 }} đơn vị);")
    frame.body(doc, "- Có văn bản trả lời {{ proposal.refused }} đơn vị không đủ điều kiện công nhận, nêu rõ lý do không "
                    "đạt./.")
    frame.signature(doc)
    return doc


def submission() -> Document:
    """Tờ trình of the Sở / Phòng to the Chủ tịch UBND (điểm đ khoản 2 Điều 10, 16)."""
    doc = new_document()
    _top(doc)
    frame.body(doc, "Căn cứ {{ circular }};")
    frame.body(doc, "Căn cứ {{ report_ref }},")
    frame.body(doc, "{{ body_name }} kính trình {{ recognising_authority }} xem xét, công nhận {{ proposal.total }} đơn vị "
                    "đạt {{ set_title }} năm {{ year }}, cụ thể như sau:")
    frame.body(doc, "1. Kết quả tiếp nhận và thẩm định hồ sơ", style=ITEM_HEAD)
    frame.body(doc, "Năm {{ year }}, {{ body_name }} tiếp nhận {{ reception.received }} hồ sơ đề nghị công nhận; "
                    "{{ council }} đã thẩm định {{ reception.appraised }} hồ sơ. {{ proposal.refused }} đơn vị không đủ "
                    "điều kiện công nhận được trả lời bằng văn bản, nêu rõ lý do không đạt.")
    frame.body(doc, "2. Đề nghị công nhận", style=ITEM_HEAD)
    frame.body(doc, "Đề nghị công nhận {{ proposal.total }} đơn vị đạt {{ set_title }} năm {{ year }}: mức độ 2: "
                    "{{ proposal.level2 }} đơn vị; mức độ 1: {{ proposal.level1 }} đơn vị (danh sách tại dự thảo Quyết "
                    "định kèm theo).")
    frame.body(doc, "3. Hồ sơ trình ({{ process_citation }})", style=ITEM_HEAD)
    for line in ("- Tờ trình đề nghị công nhận;", "- Báo cáo thẩm định của Hội đồng;",
                 "- Bản tổng hợp kết quả đánh giá các tiêu chí, chỉ tiêu của từng đơn vị do Hội đồng thẩm định;",
                 "- Dự thảo Quyết định công nhận."):
        frame.body(doc, line)
    frame.body(doc, "Kính trình {{ recognising_authority }} xem xét, quyết định./.")
    frame.signature(doc)
    return doc


def _decision_top(doc: Document) -> None:
    _top(doc, recipient=False)
    para(doc, "{{ decision_authority }}", size=SIZE.noi_dung, bold=True, align=CENTER, after=12)  # Mẫu 1.2
    tag(doc, "{%p for line in bases %}")
    frame.body(doc, "{{ line }}", style=BASIS)  # Phụ lục I, Mục II khoản 6 điểm a: nghiêng, ";" … "."
    tag(doc, "{%p endfor %}")
    frame.body(doc, "{{ proposer }}", style=BASIS)
    para(doc, "QUYẾT ĐỊNH:", size=SIZE.noi_dung, bold=True, align=CENTER, before=6, after=12)


def _annex(doc: Document, detail: str) -> None:
    new_section(doc)
    frame.annex_heading(doc)
    t = table(doc, (Cm(1.3), Cm(8.7), Cm(4.0), Cm(2.5)), 8, grid=True)
    header_row(t, ("STT", "Tên đơn vị", detail, "Ghi chú"))
    loop_row(t, 1, "{%tr for g in annex_groups %}")
    merged_row(t, 2, "{{ g.title }}", bold=True)
    loop_row(t, 3, "{%tr for u in g.units %}")
    for index, (cell, text) in enumerate(zip(t.rows[4].cells, ("{{ u.number }}", "{{ u.name }}", "{{ u.detail }}",
                                                              "{{ u.note }}"), strict=True)):
        cell_text(cell, text, align=None if index == 1 else CENTER)
    loop_row(t, 5, "{%tr endfor %}")
    loop_row(t, 6, "{%tr endfor %}")
    cell_text(t.rows[7].cells[1], "Tổng cộng: {{ annex.total }} đơn vị", bold=True)


def decision(*, points: bool) -> Document:
    """Dự thảo Quyết định of the Chủ tịch UBND (Mẫu 1.2) with its annex list (Mẫu 2.1), by level or by class."""
    doc = new_document()
    _decision_top(doc)
    if points:
        first = ("Công nhận kết quả đánh giá, xếp loại Đơn vị học tập năm {{ year }} của {{ scored }} đơn vị (có danh sách "
                 "kèm theo), gồm: {% for c in classes %}loại {{ c.name|lower }}: {{ c.count }} đơn vị"
                 "{% if not loop.last %}; {% endif %}{% endfor %}.")
        second = "Quyết định này có hiệu lực kể từ ngày ký."
    else:
        first = ("Công nhận {{ proposal.total }} đơn vị đạt {{ set_title }} năm {{ year }} (có danh sách kèm theo), gồm: "
                 "{{ proposal.by_level }}.")
        second = "{{ validity }} Quyết định này có hiệu lực kể từ ngày ký."
    for number, text in (("1", first), ("2", second), ("3", "{{ executors }} chịu trách nhiệm thi hành Quyết định này./.")):
        frame.body_runs(doc, ("b", f"Điều {number}. "), ("", text))
    frame.signature(doc)
    _annex(doc, "Tổng điểm" if points else "Khối")
    return doc


def refusal_letter() -> Document:
    """Văn bản trả lời đơn vị, nêu rõ lý do không đạt (điểm d khoản 2 Điều 10, 16): a công văn (Mẫu 1.5)."""
    doc = new_document()
    _top(doc, subject=True)
    frame.body(doc, "{{ body_name }} nhận được hồ sơ đề nghị công nhận {{ set_title }} mức độ {{ level }} năm {{ year }} "
                    "của {{ unit_name }}{{ submitted }}.")
    frame.body(doc, "{{ basis }}, {{ body_name }} trả lời như sau:")
    frame.body(doc, "Hồ sơ của {{ unit_name }} chưa đáp ứng đủ điều kiện công nhận {{ set_title }} mức độ {{ level }} "
                    "({{ condition_citation }}), do các chỉ tiêu sau không đạt:")
    _row_table(doc, (1.5, 6.0, 3.6, 5.4), ("Chỉ tiêu", "Nội dung", "Kết quả của đơn vị", "Lý do không đạt"),
               "{%tr for f in failures %}", ("{{ f.id }}", "{{ f.short }}", "{{ f.result }}", "{{ f.reasons }}"),
               left=(1, 2, 3))
    tag(doc, "{%p if council_note %}")
    frame.body(doc, "Ý kiến của Hội đồng:")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for line in council_note %}")
    frame.body(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if lower_level %}")
    frame.body(doc, "{{ lower_level }}")
    tag(doc, "{%p endif %}")
    frame.body(doc, "Lưu ý: {{ evidence_rule }}")
    frame.body(doc, "{{ body_name }} đề nghị {{ unit_name }} tiếp tục duy trì các hoạt động xây dựng “Đơn vị học tập”, "
                    "khắc phục các chỉ tiêu chưa đạt và gửi hồ sơ ở kỳ đánh giá tiếp theo theo quy định./.")
    frame.signature(doc)
    return doc


def points_submission() -> Document:
    """Tờ trình of the Sở to the Chủ tịch UBND (khoản 2 Điều 7 Thông tư 22/2020)."""
    doc = new_document()
    _top(doc)
    frame.body(doc, "Căn cứ {{ circular }};")
    frame.body(doc, "Căn cứ báo cáo kết quả tự đánh giá, xếp loại của các đơn vị và kết quả kiểm tra của {{ body_name }},")
    frame.body(doc, "{{ body_name }} kính trình {{ recognising_authority }} xem xét, công nhận kết quả đánh giá, xếp loại "
                    "Đơn vị học tập năm {{ year }} của {{ scored }} đơn vị ({{ verified }} đơn vị có điểm đã được kiểm tra, "
                    "điều chỉnh), cụ thể:")
    tag(doc, "{%p for c in classes %}")
    frame.body(doc, "- Loại {{ c.name|lower }}: {{ c.count }} đơn vị{{ '.' if loop.last else ';' }}")
    tag(doc, "{%p endfor %}")
    frame.body(doc, "Kèm theo Tờ trình này là Bảng tổng hợp kết quả kiểm tra, đánh giá, xếp loại và dự thảo Quyết định "
                    "công nhận.")
    frame.body(doc, "Kính trình {{ recognising_authority }} xem xét, quyết định./.")
    frame.signature(doc)
    return doc


def points_table(rubric: PointsRubric) -> Document:
    """Bảng tổng hợp kết quả kiểm tra, đánh giá, xếp loại: landscape, one column per chỉ số of the rubric."""
    doc = new_document(landscape=True)
    _top(doc, recipient=False)
    para(doc, "{{ enclosure }}", italic=True, align=CENTER, after=6)
    ids = rubric.indicator_ids
    widths = (1.2, 5.6, *(11.5 / len(ids),) * len(ids), 1.6, 1.9, 1.3, 2.1)
    labels = ("STT", "Tên đơn vị", *(f"{i}\n({rubric.indicator(i).max})" for i in ids), "Tổng điểm", "Xếp loại", "Hạng",
              "Cơ sở")
    cells = ("{{ r.number }}", "{{ r.name }}", *(f"{{{{ r.points[{n}] }}}}" for n in range(len(ids))), "{{ r.total }}",
             "{{ r.klass }}", "{{ r.rank }}", "{{ r.basis }}")
    _row_table(doc, widths, labels, "{%tr for r in rows %}", cells, size=SIZE.bang_hep)
    frame.body(doc, "Tổng hợp: {{ scored }} đơn vị, trong đó {% for c in classes %}loại {{ c.name|lower }}: {{ c.count }}"
                    "{% if not loop.last %}; {% endif %}{% endfor %}. Cột “Cơ sở”: điểm đã được kiểm tra, điều chỉnh hoặc "
                    "điểm tự đánh giá của đơn vị.")
    frame.signature(doc)
    return doc
