"""The agency tab for a Thông tư 24/2023 year: đạt/không đạt per chỉ tiêu, the level reached shown live.

Each unit's tab holds only the chỉ tiêu that apply to its set (cấp tỉnh or
cấp huyện) and type, with: the legal text and citation, the requirement at
level 1 and level 2, the unit's figure (a member count, đạt/không đạt or a
digital-transformation level), the share it makes, one evidence cell (no
evidence = không đạt, khoản 3 Điều 9 and 15), the provisional result at each
level, and the Hội đồng's column that the unit cannot edit. A cell at the top
shows the level the unit currently meets. Every formula is one LibreOffice,
Excel and Google Sheets compute alike.
"""

from __future__ import annotations

from decimal import Decimal

from intake.layout import (
    HEADER_FIRST_ROW,
    VALUE_COL,
    Builder,
    Check,
    Family,
    HeaderField,
    TabLayout,
    a1,
    header_checks,
)
from scoring.levels import CdhtRule
from scoring.levels_rubric import DIGITAL_LEVELS, LEVELS, CriteriaSet, LevelIndicator, LevelsRubric, UnitType
from scoring.registry import Unit
from scoring.vietnamese import vi_number

COL_ID, COL_TEXT, COL_REQ, COL_VALUE, COL_SHARE, COL_EVIDENCE, COL_L1, COL_L2, COL_COUNCIL, COL_RESULT = range(1, 11)
TABLE_HEADERS = (
    "Mã", "Tiêu chí, chỉ tiêu (căn cứ)", "Yêu cầu", "Số liệu, tự đánh giá", "Tỷ lệ", "Minh chứng (đường liên kết, số văn bản)",
    "Mức độ 1 (tạm tính)", "Mức độ 2 (tạm tính)", "Hội đồng đánh giá", "Kết quả theo mức đề nghị",
)
DAT, KHONG_DAT, KHONG_AP_DUNG = "Đạt", "Không đạt", "Không áp dụng"
DIGITAL_CHOICES = ("Tốt", "Cơ bản", "Chưa đạt")

LEVELS_FAMILY = Family(
    id="tt24-2023",
    marker="Mẫu đánh giá, công nhận theo Thông tư 24/2023/TT-BGDĐT",
    header_fields=(
        HeaderField("ma_don_vi", "Mã đơn vị", None),
        HeaderField("ten_don_vi", "Tên đơn vị", None),
        HeaderField("nam", "Năm đánh giá (số liệu từ 01/01 đến 31/12)", None),
        HeaderField("phan_loai", "Bộ tiêu chí, loại đơn vị", None),
        HeaderField("muc_de_nghi", "Mức độ đề nghị công nhận (1 hoặc 2)", "unit", "level"),
        HeaderField("so_thanh_vien", "Tổng số Thành viên trong đơn vị (khoản 7 Điều 2)", "unit", "whole"),
        HeaderField("so_nguoi_hoc", "Tổng số Người học (khoản 8 Điều 2)", "unit", "whole"),
        HeaderField("nguoi_hoc_cdht", "Số Người học đạt danh hiệu “Công dân học tập”", "unit", "whole"),
        HeaderField("ban_khuyen_hoc", "Đơn vị đã thành lập Ban Khuyến học (Có/Không)", "unit", "choice"),
        HeaderField("link_ke_hoach", "Đường liên kết đến kế hoạch xây dựng “Đơn vị học tập” của đơn vị", "unit", "url"),
        HeaderField("nguoi_bao_cao", "Người lập báo cáo (họ tên, chức vụ)", "unit", "text", private=True),
        HeaderField("lien_he", "Điện thoại, e-mail người lập báo cáo (không công bố)", "unit", "text", private=True),
        HeaderField("ngay_gui", "Ngày gửi hồ sơ (ngày/tháng/năm)", "unit", "date"),
        HeaderField("ghi_chu", "Ghi chú của đơn vị", "unit", "text"),
        HeaderField("hd_ly_do", "Ý kiến của Hội đồng đánh giá (lý do không đạt)", "reviewer", "text"),
    ),
    col_value=COL_VALUE, col_evidence=COL_EVIDENCE, col_reviewer=COL_COUNCIL, reviewer="council",
    table_header_row=HEADER_FIRST_ROW + 15 + 3, n_cols=10,
    widths={1: 6, 2: 58, 3: 16, 4: 14, 5: 9, 6: 30, 7: 12, 8: 12, 9: 13, 10: 14},
)
LEVEL_ROW = LEVELS_FAMILY.status_row + 1
LEVEL_CELL = a1(LEVEL_ROW, VALUE_COL)


def _ref(key: str) -> str:
    cell = LEVELS_FAMILY.header_cell(key)
    return f"${cell[0]}${cell[1:]}"


LEVEL2 = f'OR({_ref("muc_de_nghi")}=2,{_ref("muc_de_nghi")}="2")'
MEMBERS, LEARNERS, LEARNERS_CDHT = _ref("so_thanh_vien"), _ref("so_nguoi_hoc"), _ref("nguoi_hoc_cdht")


def _pct(value: Decimal | None) -> str:
    return f"{vi_number(value)}%" if value is not None else ""


def requirement(ind: LevelIndicator, learners: bool, rule: CdhtRule) -> str:
    r1, r2 = ind.rule(1), ind.rule(2)
    if ind.kind == "digital":
        low, high = DIGITAL_LEVELS[r1.digital_min or "co-ban"], DIGITAL_LEVELS[r2.digital_min or "tot"]
        return f"Mức 1: {low.lower()}; mức 2: {high.lower()}"
    if ind.kind == "yes-no":
        return "Đạt, có minh chứng"
    text = f"Thành viên: mức 1 ≥ {_pct(r1.threshold)}, mức 2 ≥ {_pct(r2.threshold)}"
    if ind.kind == "cdht" and learners:
        learners_text = f"người học: mức 1 ≥ {_pct(r1.learners_threshold)}, mức 2 ≥ {_pct(r2.learners_threshold)}"
        text = learners_text.capitalize() if rule == "nguoi-hoc" else f"{text}; {learners_text}"
    return text


def _own(ind: LevelIndicator, level: int, row: int, learners: bool, rule: CdhtRule) -> str:
    """The unit's own judgement at a level, as a sheet condition (evidence required)."""
    value, evidence = a1(row, COL_VALUE), a1(row, COL_EVIDENCE)
    has_evidence = f'AND(LEN(TRIM({evidence}))>0,{evidence}<>"-")'
    r = ind.rule(level)
    if ind.kind == "yes-no":
        return f'AND({value}="{DAT}",{has_evidence})'
    if ind.kind == "digital":
        need = 2 if r.digital_min == "tot" else 1
        return f'AND(IF({value}="Tốt",2,IF({value}="Cơ bản",1,0))>={need},{has_evidence})'
    members = f"AND(ISNUMBER({value}),N({MEMBERS})>0,{value}*100>={r.threshold}*{MEMBERS})"
    if ind.kind == "cdht" and learners:
        learners_ok = (f"AND(ISNUMBER({LEARNERS_CDHT}),N({LEARNERS})>0,"
                       f"{LEARNERS_CDHT}*100>={r.learners_threshold}*{LEARNERS})")
        parts = [learners_ok] if rule == "nguoi-hoc" else [members, learners_ok]
        return f"AND({','.join(parts)},{has_evidence})"
    return f"AND({members},{has_evidence})"


def _level_formula(ind: LevelIndicator, level: int, row: int, unit_type: str, public: bool, learners: bool,
                   rule: CdhtRule) -> str:
    if not ind.rule(level).applies.applies(unit_type, public):
        return KHONG_AP_DUNG
    value, council = a1(row, COL_VALUE), a1(row, COL_COUNCIL)
    own = f'IF({value}="","",IF({_own(ind, level, row, learners, rule)},"{DAT}","{KHONG_DAT}"))'
    # The Hội đồng appraises the requested level (scoring.levels._council_at): its "không đạt" holds at every
    # level, its "đạt" at the requested level and below (and at both for a yes/no chỉ tiêu).
    holds = "TRUE" if ind.kind == "yes-no" or level == 1 else LEVEL2
    return f'=IF({council}="{KHONG_DAT}","{KHONG_DAT}",IF(AND({council}="{DAT}",{holds}),"{DAT}",{own}))'


def _applies(ind: LevelIndicator, utype: UnitType, public: bool) -> bool:
    return any(ind.rule(level).applies.applies(utype.id, public) for level in LEVELS)


def build_levels_layout(rubric: LevelsRubric, cset: CriteriaSet, utype: UnitType, public: bool, unit: Unit, year: int,
                        deadline_words: str, rule: CdhtRule = "ca-hai", receiving_body: str = "") -> TabLayout:
    fam = LEVELS_FAMILY
    b = Builder(fam)
    b.title_block(
        f"TỰ ĐÁNH GIÁ, ĐỀ NGHỊ CÔNG NHẬN “ĐƠN VỊ HỌC TẬP” NĂM {year}",
        f"Theo {rubric.info.short_title}, {cset.title}. Gửi hồ sơ về {receiving_body or cset.receiving_body} "
        f"trước {deadline_words}. "
        "Chỉ nhập vào các ô nền vàng; xem trang «Hướng dẫn».",
    )
    fixed: dict[str, str | int] = {
        "ma_don_vi": unit.id, "ten_don_vi": unit.name, "nam": year,
        "phan_loai": f"{cset.title}; {utype.label} ({'công lập' if public else 'ngoài công lập'})",
    }
    if not utype.learners:
        fixed["so_nguoi_hoc"] = fixed["nguoi_hoc_cdht"] = "Không áp dụng (đơn vị không có Người học)"
    checks = {k: c for k, c in header_checks(fam).items() if k not in fixed}
    b.header_block(fixed, checks)
    b.put(LEVEL_ROW, 2, "Mức độ đơn vị đang đạt (tạm tính, kể cả ý kiến Hội đồng)", "label")
    b.merges.append(f"{LEVEL_CELL}:{a1(LEVEL_ROW, fam.n_cols)}")
    for col, text in enumerate(TABLE_HEADERS, start=1):
        b.put(fam.table_header_row, col, text, "table-header")

    row = fam.table_header_row + 1
    indicator_rows: dict[str, int] = {}
    first_row = row
    for criterion in cset.criteria:
        items = [i for i in criterion.indicators if _applies(i, utype, public)]
        if not items:
            continue
        crow = row
        b.put(crow, COL_ID, criterion.id, "criterion")
        b.put(crow, COL_TEXT, f"{criterion.title} ({criterion.citations[1]}; {criterion.citations[2]})", "criterion")
        results = f"{a1(crow + 1, COL_RESULT)}:{a1(crow + len(items), COL_RESULT)}"
        b.put(crow, COL_RESULT, f'=IF(COUNTIF({results},"{KHONG_DAT}")>0,"{KHONG_DAT}",'
                                 f'IF(COUNTBLANK({results})>0,"","{DAT}"))', "criterion", formula=True)
        for ind in items:
            row += 1
            indicator_rows[ind.id] = row
            r1, r2 = ind.rule(1), ind.rule(2)
            text = f"{ind.short}\nMức 1: {r1.text} ({r1.citation})"
            if r2.text != r1.text:
                text += f"\nMức 2: {r2.text} ({r2.citation})"
            b.put(row, COL_ID, ind.id, "indicator")
            b.put(row, COL_TEXT, text, "indicator")
            b.put(row, COL_REQ, requirement(ind, utype.learners, rule), "indicator")
            b.put(row, COL_VALUE, None, "unit-input")
            b.put(row, COL_EVIDENCE, None, "unit-input")
            b.put(row, COL_COUNCIL, None, "reviewer-input")
            if ind.kind in ("share", "cdht"):
                b.put(row, COL_SHARE, f'=IF(AND(ISNUMBER({a1(row, COL_VALUE)}),N({MEMBERS})>0),'
                                      f'{a1(row, COL_VALUE)}/{MEMBERS},"")', "formula", formula=True, number_format="0.0%")
                b.checks.append(Check(a1(row, COL_VALUE), "whole",
                                      "Nhập số Thành viên đạt chỉ tiêu (số nguyên, không lớn hơn tổng số Thành viên).",
                                      min=Decimal(0)))
            elif ind.kind == "digital":
                b.checks.append(Check(a1(row, COL_VALUE), "choice", "Chọn mức chuyển đổi số: Tốt, Cơ bản hoặc Chưa đạt.",
                                      choices=DIGITAL_CHOICES))
            else:
                b.checks.append(Check(a1(row, COL_VALUE), "choice", "Chọn Đạt hoặc Không đạt.", choices=(DAT, KHONG_DAT)))
            b.checks.append(Check(a1(row, COL_COUNCIL), "choice", "Hội đồng chọn Đạt hoặc Không đạt.",
                                  choices=(DAT, KHONG_DAT)))
            for level, col in ((1, COL_L1), (2, COL_L2)):
                formula = _level_formula(ind, level, row, utype.id, public, utype.learners, rule)
                b.put(row, col, formula, "formula", formula=formula.startswith("="))
            b.put(row, COL_RESULT, f"=IF({LEVEL2},{a1(row, COL_L2)},{a1(row, COL_L1)})", "formula", formula=True)
        # Two ranges, not D:F: the share formula in E between them stays locked for the unit's editors.
        b.unit_ranges.append(f"{a1(crow + 1, COL_VALUE)}:{a1(row, COL_VALUE)}")
        b.unit_ranges.append(f"{a1(crow + 1, COL_EVIDENCE)}:{a1(row, COL_EVIDENCE)}")
        b.reviewer_ranges.append(f"{a1(crow + 1, COL_COUNCIL)}:{a1(row, COL_COUNCIL)}")
        row += 1
    last_row = row - 1
    n = len(indicator_rows)

    def all_met(col: int) -> str:
        rng = f"{a1(first_row, col)}:{a1(last_row, col)}"
        return f'(COUNTIF({rng},"{DAT}")+COUNTIF({rng},"{KHONG_AP_DUNG}"))={n}'

    inputs = f"{a1(first_row, COL_VALUE)}:{a1(last_row, COL_VALUE)}"
    b.put(LEVEL_ROW, VALUE_COL, f'=IF(COUNTA({inputs})=0,"Chưa nhập",IF({all_met(COL_L2)},"Mức độ 2",'
                                f'IF({all_met(COL_L1)},"Mức độ 1","Chưa đạt mức độ 1")))', "status", formula=True)
    return b.layout(unit, year, last_row, indicator_rows=indicator_rows, named={"level": LEVEL_ROW})


def levels_instructions(rubric: LevelsRubric, deadline_words: str) -> tuple[str, ...]:
    tinh = rubric.set_for_cap("tinh")
    return (
        "HƯỚNG DẪN TỰ ĐÁNH GIÁ, ĐỀ NGHỊ CÔNG NHẬN “ĐƠN VỊ HỌC TẬP”",
        f"Căn cứ: {rubric.info.title}. Hạn gửi hồ sơ: trước {deadline_words}"
        f"{f' ({rubric.info.deadline.citation})' if rubric.info.deadline.citation else ''}.",
        "",
        "1. Mỗi đơn vị có một trang tính mang tên đơn vị, chỉ gồm các chỉ tiêu áp dụng cho loại đơn vị mình."
        " Chỉ nhập vào trang của đơn vị mình.",
        "2. Chỉ các ô nền vàng là ô nhập liệu. Chọn mức độ đề nghị công nhận (1 hoặc 2) và ghi tổng số Thành viên"
        " (cán bộ công nhân viên và người lao động, khoản 5–7 Điều 2).",
        "3. Chỉ tiêu tính theo tỷ lệ: ghi SỐ Thành viên đạt chỉ tiêu; bảng tính tự chia và so với ngưỡng"
        " (ví dụ 90 trên 100 là 90%).",
        "4. Chỉ tiêu đạt/không đạt: chọn Đạt hoặc Không đạt. Mức chuyển đổi số: chọn Tốt, Cơ bản hoặc Chưa đạt.",
        "5. Mỗi chỉ tiêu cần minh chứng (đường liên kết hoặc số, ngày văn bản)."
        f" {rubric.evidence_rule} ({rubric.evidence_citation})",
        "6. Cột «Mức độ 1», «Mức độ 2» và ô «Mức độ đơn vị đang đạt» do bảng tính tự tính; kết quả chính thức do Hội đồng"
        " đánh giá thẩm định và Chủ tịch Ủy ban nhân dân quyết định công nhận.",
        "7. Cột «Hội đồng đánh giá» và ô «Ý kiến của Hội đồng» do Hội đồng ghi;"
        " ý kiến của Hội đồng thay cho tự đánh giá của đơn vị.",
        "8. Sau mỗi lần hệ thống lấy dữ liệu, ô «Trạng thái kiểm tra» cho biết hồ sơ hợp lệ hay ô nào cần sửa.",
        "9. Họ tên, điện thoại, e-mail người lập báo cáo chỉ dùng để liên hệ và không bao giờ được công bố.",
        "",
        f"Hồ sơ gửi {tinh.receiving_body if tinh else 'Sở Giáo dục và Đào tạo'} gồm: tờ trình đề nghị công nhận,"
        " báo cáo tự đánh giá và bản tổng hợp kết quả tự đánh giá các tiêu chí, chỉ tiêu"
        " (hoctap lập sẵn các văn bản này từ trang tính).",
    )
