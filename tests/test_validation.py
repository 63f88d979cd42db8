"""Every rejection code, with a Vietnamese message naming unit, place and cell; nothing is lost."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from support import levels_row, row, wide_csv

from intake.csv_reader import read_csv
from scoring import ScoringOptions, score
from scoring.problems import MESSAGES, Rejection
from scoring.registry import Registry
from scoring.results import ScoreReport
from scoring.rubric import Rubrics, default_rubrics

TODAY = date(2026, 11, 24)
Scored = Callable[..., ScoreReport]


@pytest.fixture
def scored(bundled_registry: Registry) -> Scored:
    def go(*rows: dict[str, str], name: str = "mau.csv", data: bytes | None = None, **options: Any) -> ScoreReport:
        opts = ScoringOptions(rubrics=options.pop("rubrics", default_rubrics()), today=TODAY, **options)
        report = score(read_csv(data if data is not None else wide_csv(rows), name), bundled_registry, opts)
        assert report.read == len(report.results) + len(report.rejected)
        return report

    return go


def only_rejection(report: ScoreReport) -> Rejection:
    assert len(report.rejected) == 1 and not report.results, (report.results, report.rejected)
    return report.rejected[0]


@pytest.mark.parametrize(
    ("values", "code", "fragment"),
    [
        ({"1.2": ""}, "o-trong", "cột 1.2: chưa nhập điểm chỉ số 1.2 (ô trống không được tính là 0)"),
        ({"1.2": "   "}, "o-trong", "ô trống không được tính là 0"),
        ({"1.2": "tám"}, "khong-phai-so", "cột 1.2: «tám» không phải là số (chỉ số 1.2)"),
        ({"1.2": "8,5,1"}, "khong-phai-so", "«8,5,1» không phải là số"),
        ({"1.2": "12"}, "ngoai-khoang", "cột 1.2: 12 lớn hơn điểm tối đa 10 (chỉ số 1.2)"),
        ({"2.2": "5,5"}, "ngoai-khoang", "5,5 lớn hơn điểm tối đa 5 (chỉ số 2.2)"),
        ({"1.2": "-1"}, "ngoai-khoang", "-1 nhỏ hơn 0"),
        ({"1.2": "8,125"}, "qua-so-thap-phan", "8,125 có quá 2 chữ số thập phân"),
        ({"so_thanh_vien": "nhiều"}, "so-nguyen-khong-hop-le", "cột so_thanh_vien: «nhiều» không phải là số nguyên "
                                                               "không âm (tổng số thành viên)"),
        ({"so_cdht": "7,5"}, "so-nguyen-khong-hop-le", "số Công dân học tập"),
        ({"so_thanh_vien": "10", "so_cdht": "11"}, "cdht-vuot-tong",
         "cột so_cdht: số Công dân học tập (11) lớn hơn tổng số thành viên (10)"),
        ({"ngay_gui": "31/02/2024"}, "ngay-khong-hop-le", "«31/02/2024» không phải là ngày"),
        ({"ban_khuyen_hoc": "có lẽ"}, "lua-chon-khong-hop-le", "ghi Có hoặc Không"),
        ({"1.4": "5"}, "chi-so-la", "cột 1.4: chỉ số «1.4» không có trong Thông tư 22/2020/TT-BGDĐT"),
        ({"hd_1.1": "đạt"}, "chi-so-la", "cột hd_1.1"),
    ],
)
def test_bad_cell_rejects_the_unit_year_naming_unit_line_and_column(
    scored: Scored, values: dict[str, str], code: str, fragment: str
) -> None:
    rejection = only_rejection(scored(row("so-y-te", 2023, **values)))
    assert rejection.codes == [code]
    reason = rejection.reasons()[0]
    assert reason.startswith("Sở Y tế tỉnh Long An (so-y-te), năm 2023 — mau.csv, dòng 2, cột ")
    assert fragment in reason


def test_the_public_where_names_the_cell_of_a_single_problem(scored: Scored) -> None:
    rejection = only_rejection(scored(row("so-y-te", 2023, **{"1_2": "12"})))
    assert rejection.where == "mau.csv, dòng 2, cột 1.2"
    assert rejection.unit_id == "so-y-te" and rejection.year == 2023 and rejection.known_unit


def test_missing_indicator_column_is_rejected(scored: Scored) -> None:
    rejection = only_rejection(scored({"ma_don_vi": "so-y-te", "nam": "2023", "1.1": "10", "1.2": "10"}))
    assert rejection.codes == ["thieu-chi-so"]
    assert len(rejection.problems) == 8
    assert rejection.problems[0].detail == "thiếu chỉ số 1.3 của Thông tư 22/2020/TT-BGDĐT"
    assert rejection.where == "mau.csv, dòng 2"


def test_unknown_unit_suggests_the_closest_registry_name(scored: Scored) -> None:
    rejection = only_rejection(scored(row("so-giao-duc", 2023)))
    assert rejection.codes == ["ma-don-vi-khong-ro"]
    assert rejection.known_unit is False
    assert rejection.reasons()[0] == (
        "Đơn vị «so-giao-duc», năm 2023 — mau.csv, dòng 2, cột ma_don_vi: mã đơn vị «so-giao-duc» không có trong "
        "danh mục; có phải «Sở Giáo dục và Đào tạo tỉnh Long An» (mã so-gd-dt)?"
    )


def test_blank_unit_id_is_rejected(scored: Scored) -> None:
    rejection = only_rejection(scored(row("", 2023)))
    assert rejection.codes == ["thieu-ma-don-vi"]
    assert rejection.reasons()[0].startswith("Đơn vị chưa ghi mã, năm 2023 — mau.csv, dòng 2, cột ma_don_vi")


def test_unit_after_its_last_year_is_rejected(scored: Scored) -> None:
    rejection = only_rejection(scored(levels_row("so-y-te", 2025)))  # merged into tn-so-y-te on 1/7/2025
    assert rejection.codes == ["don-vi-khong-hoat-dong"]
    assert "đơn vị không thuộc diện đánh giá năm 2025 (hoạt động 2020–2024)" in rejection.reasons()[0]


def test_unit_before_its_first_year_is_rejected(scored: Scored) -> None:
    rejection = only_rejection(scored(row("tn-so-y-te", 2023)))
    assert rejection.codes == ["don-vi-khong-hoat-dong"]
    assert "(hoạt động 2025–nay)" in rejection.reasons()[0]


def test_year_before_the_first_rubric_is_not_a_valid_year(scored: Scored) -> None:
    rejection = only_rejection(scored(row("so-y-te", 2019)))
    assert rejection.codes == ["nam-khong-hop-le"]
    assert rejection.reasons()[0].endswith("cột nam: năm đánh giá «2019» không hợp lệ.")


def test_year_more_than_one_year_after_today_is_not_a_valid_year(scored: Scored) -> None:
    assert only_rejection(scored(levels_row("tn-so-y-te", TODAY.year + 2))).codes == ["nam-khong-hop-le"]
    assert scored(levels_row("tn-so-y-te", TODAY.year + 1)).rejected == []


def test_year_no_rubric_covers_is_rejected(scored: Scored) -> None:
    tt22_only = Rubrics(tuple(r for r in default_rubrics() if r.id == "tt22-2020"))
    rejection = only_rejection(scored(levels_row("so-y-te", 2024), rubrics=tt22_only))
    assert rejection.codes == ["nam-chua-co-tieu-chi"]
    assert "chưa có bộ tiêu chí nào áp dụng cho năm 2024" in rejection.reasons()[0]


def test_unreadable_year_is_rejected(scored: Scored) -> None:
    rejection = only_rejection(scored(row("so-y-te", "năm ngoái")))
    assert rejection.codes == ["nam-khong-hop-le"]
    assert rejection.year is None
    assert "«năm ngoái» không hợp lệ" in rejection.reasons()[0]


def test_same_unit_year_twice_is_never_scored_and_names_both_places(scored: Scored) -> None:
    report = scored(row("so-y-te", 2023), row("so-gd-dt", 2023), row("so-y-te", 2023, **{"1_1": "9"}))
    assert [r.unit_id for r in report.results] == ["so-gd-dt"]
    assert [r.codes for r in report.rejected] == [["trung-lap"], ["trung-lap"]]
    first, second = (r.reasons()[0] for r in report.rejected)
    assert "mau.csv, dòng 2" in first and "nơi khác (mau.csv, dòng 4)" in first
    assert "nơi khác (mau.csv, dòng 2)" in second


def test_same_unit_year_under_both_laws_is_still_a_duplicate(scored: Scored) -> None:
    report = scored(levels_row("so-y-te", 2024), levels_row("so-y-te", 2024, level=2))
    assert [r.codes for r in report.rejected] == [["trung-lap"], ["trung-lap"]]


def test_every_problem_of_a_unit_year_is_listed(scored: Scored) -> None:
    rejection = only_rejection(scored(row("so-y-te", 2023, **{"1_1": "", "1_2": "x", "3_1": "30"})))
    assert rejection.codes == ["o-trong", "khong-phai-so", "ngoai-khoang"]
    assert [p.place.column for p in rejection.problems] == ["1.1", "1.2", "3.1"]
    assert len(rejection.reasons()) == 3


def test_decimal_comma_point_and_spaces_are_accepted(scored: Scored) -> None:
    report = scored(row("so-y-te", 2023, **{"1_1": " 8,5 ", "1_2": "9.5", "1_3": "\u00a07"}))
    assert report.rejected == []
    outcome = report.results[0].points
    assert outcome is not None
    assert str(outcome.points["1.1"]) == "8.5"
    assert outcome.total == 95


def test_head_counts_may_use_thousands_separators(scored: Scored) -> None:
    result = scored(row("so-y-te", 2023, so_thanh_vien="1.200", so_cdht="1 080")).results[0]
    assert (result.members, result.cdht) == (1200, 1080)


def test_blank_is_never_zero(scored: Scored) -> None:
    rejection = only_rejection(scored(row("so-y-te", 2023, **{"3_3": ""})))
    assert rejection.codes == ["o-trong"]
    zero = scored(row("so-y-te", 2023, **{"3_3": "0"})).results[0].points
    assert zero is not None and zero.total == 95


def test_unit_id_and_text_are_normalised_to_nfc(scored: Scored) -> None:
    decomposed = unicodedata.normalize("NFD", "Đã gửi bản giấy")
    report = scored(row(" SO-Y-TE ", 2023, ghi_chu=decomposed))
    assert report.results[0].unit_id == "so-y-te"
    assert report.results[0].note == unicodedata.normalize("NFC", "Đã gửi bản giấy")


def test_rows_of_other_columns_are_never_read(scored: Scored) -> None:
    report = scored(row("so-y-te", 2023, email="a@b.vn", so_dien_thoai="0909", nguoi_bao_cao="Nguyễn Văn A"))
    assert report.rejected == []
    assert "a@b.vn" not in repr(report.results[0])
    assert "Nguyễn Văn A" not in repr(report.results[0])


def test_a_tt22_row_never_needs_the_tt24_columns_of_the_same_file(scored: Scored) -> None:
    # The file has 1.4, 1.5, 2.5, hd_… columns for its TT 24 rows; blank on the TT 22 row, they say nothing.
    report = scored(row("so-y-te", 2023), levels_row("so-y-te", 2024, hd_1_1="đạt"))
    assert report.rejected == []
    assert [r.method for r in report.results] == ["points", "levels"]


def test_every_rejection_code_is_reachable_and_each_reason_names_its_place(bundled_registry: Registry) -> None:
    """One source per file kind of mistake; together they raise every code of scoring.problems.

    `chua-phan-loai` needs an unclassified unit and `nam-chua-co-tieu-chi` a gap between rubrics: both are
    pinned with their own set-up (tests/test_levels.py, test_year_no_rubric_covers_is_rejected above).
    """
    files = {
        "a.csv": wide_csv([
            row("", 2023), row("so-giao-duc", 2023), row("so-y-te", "x"), levels_row("so-y-te", 2025),
            row("so-gd-dt", 2023), row("so-gd-dt", 2023),
            row("so-tu-phap", 2023, **{"1_4": "5", "1_1": "", "1_2": "x", "1_3": "12", "2_1": "8,125"},
                so_thanh_vien="nhiều", ngay_gui="31/02/2024", ban_khuyen_hoc="có lẽ"),
            row("so-noi-vu", 2023, so_thanh_vien="10", so_cdht="11"),
        ]),
        "b.csv": wide_csv([{"ma_don_vi": "so-kh-dt", "nam": "2023", "1.1": "10"}]).replace(b"10\n", b"10,lost\n"),
        "c.csv": wide_csv([
            levels_row("thpt-chuyen-long-an", 2025, loai="thpt", muc_de_nghi="3", nguoi_hoc_cdht="1001",
                       **{"1_1": "có", "2_1": "101", "3_4": "khá"}),
            levels_row("tn-so-y-te", 2025, so_thanh_vien=""),
        ]),
    }
    subs = [s for name, data in files.items() for s in read_csv(data, name)]
    report = score(subs, bundled_registry, ScoringOptions(rubrics=default_rubrics(), today=TODAY))
    assert report.results == [] and report.read == len(report.rejected) == 11
    seen = {code for r in report.rejected for code in r.codes}
    # The tab reader's own codes (a hidden tab, a repeated indicator row, cells far outside the layout, a tab
    # naming another unit) come from workbooks: tests/test_hostile.py raises each of them.
    tab_codes = {"trang-an", "dong-trung", "vung-qua-lon", "trang-sai-don-vi"}
    assert seen == set(MESSAGES) - {"chua-phan-loai", "nam-chua-co-tieu-chi"} - tab_codes
    for rejection in report.rejected:
        for reason in rejection.reasons():
            assert re.search(r" — [abc]\.csv, dòng \d+(, cột [\w.]+)?: ", reason), reason
