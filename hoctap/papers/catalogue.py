"""The default templates: file name, what paper it is, who issues it, and the design that builds it.

`scripts/make_paper_templates.py` writes each design to `templates/<file>`;
`hoctap documents --copy-templates DIR` copies these files for a province to
edit in Word, and `--templates DIR` reads a province's copies first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docx.document import Document

from hoctap.papers import designs_body, designs_summary, designs_unit
from scoring.points import PointsRubric
from scoring.rubric import default_rubrics


@dataclass(frozen=True)
class Template:
    file: str
    paper: str  # Vietnamese: what the paper is
    issuer: str  # who issues it
    build: Callable[[], Document]


def _tt22_rubric() -> PointsRubric:
    rubric = default_rubrics().by_id("tt22-2020")
    assert isinstance(rubric, PointsRubric)
    return rubric


TT24_UNIT_SUBMISSION = "tt24-to-trinh-don-vi.docx"
TT24_UNIT_REPORT = "tt24-bao-cao-tu-danh-gia.docx"
TT24_UNIT_SUMMARY = "tt24-ban-tong-hop-tu-danh-gia.docx"
TT24_APPRAISED_SUMMARY = "tt24-ban-tong-hop-tham-dinh.docx"
TT24_APPRAISAL_REPORT = "tt24-bao-cao-tham-dinh.docx"
TT24_SUBMISSION = "tt24-to-trinh-cong-nhan.docx"
TT24_DECISION = "tt24-du-thao-quyet-dinh.docx"
TT24_REFUSAL = "tt24-van-ban-tra-loi.docx"
TT24_YEAR_REPORT = "tt24-bao-cao-nam.docx"
TT22_UNIT_REPORT = "tt22-bao-cao-don-vi.docx"
TT22_SUBMISSION = "tt22-to-trinh-cong-nhan.docx"
TT22_TABLE = "tt22-bang-tong-hop.docx"
TT22_DECISION = "tt22-du-thao-quyet-dinh.docx"
TT22_YEAR_REPORT = "tt22-bao-cao-nam.docx"

TEMPLATES: tuple[Template, ...] = (
    Template(TT24_UNIT_SUBMISSION, "Tờ trình đề nghị công nhận “Đơn vị học tập”", "đơn vị",
             designs_unit.tt24_submission),
    Template(TT24_UNIT_REPORT, "Báo cáo tự đánh giá, công nhận “Đơn vị học tập”", "đơn vị", designs_unit.tt24_report),
    Template(TT24_UNIT_SUMMARY, "Bản tổng hợp kết quả tự đánh giá các tiêu chí, chỉ tiêu", "đơn vị",
             lambda: designs_unit.tt24_summary(appraised=False)),
    Template(TT24_APPRAISED_SUMMARY, "Bản tổng hợp kết quả đánh giá các tiêu chí, chỉ tiêu do Hội đồng thẩm định",
             "Hội đồng đánh giá", lambda: designs_unit.tt24_summary(appraised=True)),
    Template(TT24_APPRAISAL_REPORT, "Báo cáo thẩm định", "Hội đồng đánh giá", designs_body.appraisal_report),
    Template(TT24_SUBMISSION, "Tờ trình đề nghị công nhận (trình Chủ tịch UBND)", "Sở / Phòng GD&ĐT",
             designs_body.submission),
    Template(TT24_DECISION, "Dự thảo Quyết định công nhận, kèm danh sách theo mức độ", "Chủ tịch UBND (dự thảo)",
             lambda: designs_body.decision(points=False)),
    Template(TT24_REFUSAL, "Văn bản trả lời đơn vị không đủ điều kiện, nêu rõ lý do", "Sở / Phòng GD&ĐT",
             designs_body.refusal_letter),
    Template(TT24_YEAR_REPORT, "Báo cáo kết quả năm gửi Bộ Giáo dục và Đào tạo", "Sở GD&ĐT",
             lambda: designs_summary.year_report(levels=True)),
    Template(TT22_UNIT_REPORT, "Báo cáo kết quả tự đánh giá, xếp loại Đơn vị học tập", "đơn vị", designs_unit.tt22_report),
    Template(TT22_SUBMISSION, "Tờ trình đề nghị công nhận kết quả đánh giá, xếp loại", "Sở / Phòng GD&ĐT",
             designs_body.points_submission),
    Template(TT22_TABLE, "Bảng tổng hợp kết quả kiểm tra, đánh giá, xếp loại", "Sở / Phòng GD&ĐT",
             lambda: designs_body.points_table(_tt22_rubric())),
    Template(TT22_DECISION, "Dự thảo Quyết định công nhận kết quả xếp loại, kèm danh sách theo loại", "Chủ tịch UBND (dự thảo)",
             lambda: designs_body.decision(points=True)),
    Template(TT22_YEAR_REPORT, "Báo cáo kết quả năm gửi Bộ Giáo dục và Đào tạo", "Sở GD&ĐT",
             lambda: designs_summary.year_report(levels=False)),
)
BY_FILE = {t.file: t for t in TEMPLATES}
