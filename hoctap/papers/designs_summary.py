"""Design of the Sở's report of a year to the Bộ GD&ĐT (fields: `hoctap.papers.context_summary.YearSummary`)."""

from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from hoctap.papers import paper_frame as frame
from hoctap.papers.nd30_blocks import (
    SECTION_HEAD,
    cell_text,
    header_row,
    loop_row,
    new_document,
    para,
    table,
    tag,
)

CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _count_table(doc: Document, first: str, rows: str, columns: int) -> None:
    """One row per group (or unit type), one column per level or class, and the total."""
    rest = 16.5 - 6.5
    widths = (Cm(6.5), *(Cm(rest / (columns + 1)),) * (columns + 1))
    t = table(doc, widths, 4, grid=True)
    header_row(t, (first, *(f"{{{{ columns[{n}] }}}}" for n in range(columns)), "Tổng số"))
    loop_row(t, 1, f"{{%tr for g in {rows} %}}")
    cells = ("{{ g.name }}", *(f"{{{{ g.counts[{n}] }}}}" for n in range(columns)), "{{ g.total }}")
    for index, (cell, text) in enumerate(zip(t.rows[2].cells, cells, strict=True)):
        cell_text(cell, text, align=None if index == 0 else CENTER)
    loop_row(t, 3, "{%tr endfor %}")
    para(doc, "", after=6)


def year_report(*, levels: bool) -> Document:
    doc = new_document()
    frame.notices(doc)
    frame.header(doc)
    frame.title(doc)
    frame.recipient(doc)
    what = "đánh giá, công nhận “Đơn vị học tập”" if levels else "đánh giá, xếp loại Đơn vị học tập"
    frame.body(doc, f"Thực hiện {{{{ report_rule }}}}, Sở Giáo dục và Đào tạo tỉnh {{{{ province }}}} báo cáo kết quả {what} "
                    "năm {{ year }} như sau:")
    frame.body(doc, "I. TÌNH HÌNH GỬI HỒ SƠ, BÁO CÁO", style=SECTION_HEAD)
    frame.body(doc, "Năm {{ year }} có {{ submissions.expected }} đơn vị thuộc diện đánh giá; {{ submissions.received }} đơn "
                    "vị đã gửi ({{ submissions.on_time }} đúng hạn, {{ submissions.late }} trễ hạn, {{ submissions.undated }} "
                    "không rõ ngày gửi, {{ submissions.invalid }} có số liệu không hợp lệ); {{ submissions.missing }} đơn vị "
                    "chưa gửi.")
    for field, label in (("late_units", "Đơn vị gửi trễ hạn"), ("invalid_units", "Đơn vị có số liệu không hợp lệ"),
                         ("missing_units", "Đơn vị chưa gửi")):
        tag(doc, f"{{%p if {field} %}}")
        frame.body(doc, f"- {label}: {{{{ {field}|join('; ') }}}}.")
        tag(doc, "{%p endif %}")
    frame.body(doc, "II. KẾT QUẢ " + ("ĐÁNH GIÁ, CÔNG NHẬN" if levels else "ĐÁNH GIÁ, XẾP LOẠI"), style=SECTION_HEAD)
    by = "mức độ đạt" if levels else "xếp loại"
    frame.body(doc, f"1. Theo {by}: {{{{ scored }}}} đơn vị có kết quả hợp lệ, trong đó {{% for t in totals %}}"
                    "{{ t.label|lower }}: {{ t.count }}{% if not loop.last %}; {% endif %}{% endfor %}.")
    if levels:
        frame.body(doc, "Theo bộ tiêu chí: {% for s in sets %}{{ s.label }}: {{ s.count }} đơn vị{% if not loop.last %}; "
                        "{% endif %}{% endfor %}.")
        frame.body(doc, "2. Theo bước của quy trình đánh giá, công nhận:")
        tag(doc, "{%p for s in stages %}")
        frame.body(doc, "- {{ s.label }}: {{ s.count }} đơn vị{{ '.' if loop.last else ';' }}")
        tag(doc, "{%p endfor %}")
        tag(doc, "{%p if decisions %}")
        frame.body(doc, "Quyết định công nhận đã ban hành:")
        tag(doc, "{%p endif %}")
        tag(doc, "{%p for d in decisions %}")
        frame.body(doc, "- {{ d }}{{ '.' if loop.last else ';' }}")
        tag(doc, "{%p endfor %}")
    columns = 3 if levels else 4
    frame.body(doc, f"{3 if levels else 2}. Theo khối:")
    _count_table(doc, "Khối", "groups", columns)
    if levels:
        frame.body(doc, "4. Theo loại hình đơn vị:")
        _count_table(doc, "Loại hình đơn vị", "types", columns)
    frame.body(doc, "III. “CÔNG DÂN HỌC TẬP”", style=SECTION_HEAD)
    frame.body(doc, "Tổng số thành viên của {{ cdht.units }} đơn vị có số liệu: {{ cdht.members }}; số thành viên đạt danh "
                    "hiệu “Công dân học tập”: {{ cdht.cdht }} ({{ cdht.share }}). Mục tiêu: {{ cdht.target }}; "
                    "{{ cdht.meeting }}/{{ cdht.units }} đơn vị đạt hoặc vượt mục tiêu.")
    frame.body(doc, "IV. ĐÁNH GIÁ CHUNG, KIẾN NGHỊ, ĐỀ XUẤT", style=SECTION_HEAD)
    frame.body(doc, "………………………………………………………………………")
    frame.body(doc, f"Trên đây là báo cáo kết quả {what} năm {{{{ year }}}} của Sở Giáo dục và Đào tạo tỉnh "
                    "{{ province }}./.")
    frame.signature(doc)
    return doc
