"""The agency tab for a Thông tư 22/2020 year: points per indicator, a total and a class computed live.

Header block, then one row per indicator: id, text with its citation,
maximum, the unit's points, evidence link, verified points and reviewer's
note (reviewer only), then the total and the provisional class by Điều 6 as
sheet formulas that Excel, LibreOffice and Google Sheets all compute.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from intake.layout import (
    Builder,
    Check,
    Family,
    HeaderField,
    TabLayout,
    a1,
    fmt_number,
    header_checks,
)
from scoring.points import PointsRubric
from scoring.registry import Unit

# Columns of the indicator table.
COL_ID, COL_TEXT, COL_MAX, COL_SELF, COL_EVIDENCE, COL_VERIFIED, COL_NOTE = range(1, 8)
TABLE_HEADERS = (
    "STT", "Tiêu chí, chỉ số (căn cứ)", "Điểm tối đa", "Điểm tự đánh giá", "Đường liên kết minh chứng",
    "Điểm thẩm định", "Ghi chú của đơn vị thẩm định",
)

POINTS_FAMILY = Family(
    id="tt22-2020",
    marker="Mẫu chấm điểm theo Thông tư 22/2020/TT-BGDĐT",
    header_fields=(
        HeaderField("ma_don_vi", "Mã đơn vị", None),
        HeaderField("ten_don_vi", "Tên đơn vị", None),
        HeaderField("nam", "Năm đánh giá", None),
        HeaderField("so_thanh_vien", "Tổng số thành viên (cán bộ, công chức, viên chức, người lao động)", "unit", "whole"),
        HeaderField("so_cdht", "Số thành viên được công nhận \"Công dân học tập\"", "unit", "whole"),
        HeaderField("ban_khuyen_hoc", "Đơn vị đã thành lập Ban Khuyến học (Có/Không)", "unit", "choice"),
        HeaderField("link_ke_hoach", "Đường liên kết đến kế hoạch xây dựng Đơn vị học tập của đơn vị", "unit", "url"),
        HeaderField("nguoi_bao_cao", "Người báo cáo (họ tên, chức vụ)", "unit", "text", private=True),
        HeaderField("lien_he", "Điện thoại, e-mail người báo cáo (không công bố)", "unit", "text", private=True),
        HeaderField("ngay_gui", "Ngày gửi báo cáo (ngày/tháng/năm)", "unit", "date"),
        HeaderField("ghi_chu", "Ghi chú của đơn vị", "unit", "text"),
        HeaderField("quyet_dinh", "Ý kiến, quyết định thẩm định (đơn vị thẩm định ghi)", "reviewer", "text"),
    ),
    col_value=COL_SELF, col_evidence=COL_EVIDENCE, col_reviewer=COL_VERIFIED, reviewer="verified",
    table_header_row=4 + 12 + 2, n_cols=7, widths={1: 7, 2: 62, 3: 10, 4: 16, 5: 38, 6: 14, 7: 30},
)


def class_formula(total_ref: str, count_ref: str, n: int, rubric: PointsRubric) -> str:
    """Điều 6 as a sheet formula; ROUND keeps 84.999… from a float sum out of the lower band."""
    expr = f'"{rubric.classes[-1].name}"'
    for band in reversed(rubric.classes[:-1]):
        expr = f'IF(ROUND({total_ref},2)>={fmt_number(band.min)},"{band.name}",{expr})'
    return f'=IF(COUNT({count_ref})<{n},"Chưa đủ điểm",{expr})'


def build_points_layout(rubric: PointsRubric, unit: Unit, year: int, deadline_words: str,
                        receiving_body: str = "Sở GD&ĐT") -> TabLayout:
    fam = POINTS_FAMILY
    b = Builder(fam)
    b.title_block(
        f"PHIẾU TỰ ĐÁNH GIÁ, XẾP LOẠI ĐƠN VỊ HỌC TẬP NĂM {year}",
        f"Theo {rubric.info.short_title}. Gửi {receiving_body} trước {deadline_words}. "
        "Chỉ nhập vào các ô nền vàng; xem trang «Hướng dẫn».",
    )
    b.header_block({"ma_don_vi": unit.id, "ten_don_vi": unit.name, "nam": year}, header_checks(fam))
    for col, text in enumerate(TABLE_HEADERS, start=1):
        b.put(fam.table_header_row, col, text, "table-header")

    row = fam.table_header_row + 1
    indicator_rows: dict[str, int] = {}
    self_refs: list[str] = []
    verified_refs: list[str] = []
    for criterion in rubric.criteria:
        crow = row
        first, last = crow + 1, crow + len(criterion.indicators)
        b.put(crow, COL_ID, criterion.id, "criterion")
        b.put(crow, COL_TEXT, f"{criterion.title} ({criterion.citation})", "criterion")
        b.put(crow, COL_MAX, fmt_number(criterion.max), "criterion")
        self_range = f"{a1(first, COL_SELF)}:{a1(last, COL_SELF)}"
        verified_range = f"{a1(first, COL_VERIFIED)}:{a1(last, COL_VERIFIED)}"
        b.put(crow, COL_SELF, f"=SUM({self_range})", "criterion", formula=True)
        b.put(crow, COL_VERIFIED, f'=IF(COUNT({verified_range})=0,"",SUM({verified_range}))', "criterion", formula=True)
        for ind in criterion.indicators:
            row += 1
            indicator_rows[ind.id] = row
            text = f"{ind.text} ({ind.citation})"
            if ind.details:
                text += "\n" + "\n".join(f"- {d}" for d in ind.details)
            b.put(row, COL_ID, ind.id, "indicator")
            b.put(row, COL_TEXT, text, "indicator")
            b.put(row, COL_MAX, fmt_number(ind.max), "indicator")
            for col, role in ((COL_SELF, "unit-input"), (COL_EVIDENCE, "unit-input"), (COL_VERIFIED, "reviewer-input"),
                              (COL_NOTE, "reviewer-input")):
                b.put(row, col, None, role)  # type: ignore[arg-type]
            message = f"Nhập một số từ 0 đến {fmt_number(ind.max)} (tối đa {rubric.decimals} chữ số thập phân)."
            for col in (COL_SELF, COL_VERIFIED):
                b.checks.append(Check(a1(row, col), "decimal", message, min=Decimal(0), max=ind.max))
            self_refs.append(a1(row, COL_SELF))
            verified_refs.append(a1(row, COL_VERIFIED))
        b.unit_ranges.append(f"{a1(first, COL_SELF)}:{a1(last, COL_EVIDENCE)}")
        b.reviewer_ranges.append(f"{a1(first, COL_VERIFIED)}:{a1(last, COL_NOTE)}")
        row += 1

    n = len(self_refs)
    total_row, class_row = row, row + 1
    self_all, verified_all = ",".join(self_refs), ",".join(verified_refs)
    b.put(total_row, COL_TEXT, "TỔNG ĐIỂM", "total")
    b.put(total_row, COL_MAX, fmt_number(rubric.max_total), "total")
    b.put(total_row, COL_SELF, f"=SUM({self_all})", "total", formula=True)
    b.put(total_row, COL_VERIFIED, f'=IF(COUNT({verified_all})<{n},"",SUM({verified_all}))', "total", formula=True)
    b.put(class_row, COL_TEXT, "XẾP LOẠI (tạm tính theo Điều 6)", "class")
    total_self, total_verified = a1(total_row, COL_SELF), a1(total_row, COL_VERIFIED)
    b.put(class_row, COL_SELF, class_formula(total_self, self_all, n, rubric), "class", formula=True)
    b.put(class_row, COL_VERIFIED,
          f'=IF({total_verified}="","",{class_formula(total_verified, verified_all, n, rubric)[1:]})', "class", formula=True)
    return b.layout(unit, year, class_row, indicator_rows=indicator_rows, named={"total": total_row, "class": class_row})


def points_instructions(rubric: PointsRubric, deadline_words: str) -> tuple[str, ...]:
    """The instructions tab, one line per row; the classes come from the rubric, not from here."""
    bands = rubric.classes
    class_lines = [f"- {bands[0].name}: từ {fmt_number(bands[0].min)} điểm"]
    for upper, band in itertools.pairwise(bands[:-1]):
        class_lines.append(f"- {band.name}: từ {fmt_number(band.min)} đến dưới {fmt_number(upper.min)} điểm")
    class_lines.append(f"- {bands[-1].name}: dưới {fmt_number(bands[-2].min)} điểm")
    return (
        "HƯỚNG DẪN TỰ ĐÁNH GIÁ, XẾP LOẠI ĐƠN VỊ HỌC TẬP",
        f"Căn cứ: {rubric.info.title}. Hạn gửi báo cáo: trước {deadline_words}.",
        "",
        "1. Mỗi đơn vị có một trang tính mang tên đơn vị. Chỉ nhập vào trang của đơn vị mình.",
        "2. Chỉ các ô nền vàng là ô nhập liệu: thông tin chung, điểm tự đánh giá và đường liên kết minh chứng.",
        "3. Điểm tự đánh giá là một số từ 0 đến điểm tối đa của chỉ số, có thể có phần thập phân (ví dụ 8,5).",
        "   Để trống nghĩa là chưa chấm, không phải 0 điểm: phiếu còn ô trống sẽ chưa được xếp loại.",
        "4. Đường liên kết minh chứng: dán địa chỉ (http:// hoặc https://) tới hồ sơ minh chứng đã lưu trữ.",
        "5. Tổng điểm và xếp loại tạm tính do bảng tính tự cộng; kết quả chính thức do Sở GD&ĐT công bố.",
        "6. Cột «Điểm thẩm định» và «Ghi chú» do đơn vị thẩm định ghi; khi đủ điểm thẩm định,"
        " kết quả công bố dùng điểm thẩm định.",
        "7. Sau mỗi lần hệ thống lấy dữ liệu, ô «Trạng thái kiểm tra» cho biết phiếu hợp lệ hay ô nào cần sửa.",
        "8. Họ tên, điện thoại, e-mail người báo cáo chỉ dùng để liên hệ và không bao giờ được công bố.",
        "",
        f"Xếp loại theo Điều 6 {rubric.info.short_title}:",
        *class_lines,
    )
