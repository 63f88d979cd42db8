"""Every rejection code, with a Vietnamese message naming unit, place and cell; nothing is lost."""

from __future__ import annotations

import unicodedata

import pytest

from builders import row, wide_csv
from intake.csv_reader import read_csv
from scoring import score
from scoring.registry import load_registry

REGISTRY = load_registry()


def scored(*rows: dict[str, str], name: str = "mau.csv"):
    report = score(read_csv(wide_csv(rows), name), REGISTRY)
    assert report.read == len(report.results) + len(report.rejected)
    return report


def only_rejection(report):
    assert len(report.rejected) == 1, report.document()
    return report.rejected[0]


@pytest.mark.parametrize(
    ("values", "code", "fragment"),
    [
        ({"1.2": ""}, "o-trong", "cột 1.2: chưa nhập điểm chỉ số 1.2"),
        ({"1.2": "   "}, "o-trong", "ô trống không được tính là 0"),
        ({"1.2": "tám"}, "khong-phai-so", "«tám» không phải là số"),
        ({"1.2": "8,5,1"}, "khong-phai-so", "«8,5,1» không phải là số"),
        ({"1.2": "12"}, "ngoai-khoang", "12 lớn hơn điểm tối đa 10"),
        ({"1.2": "-1"}, "ngoai-khoang", "-1 nhỏ hơn 0"),
        ({"1.2": "8,125"}, "qua-so-thap-phan", "8,125 có quá 2 chữ số thập phân"),
        ({"so_thanh_vien": "nhiều"}, "so-nguyen-khong-hop-le", "tổng số thành viên"),
        ({"so_thanh_vien": "10", "so_cdht": "11"}, "cdht-vuot-tong", "lớn hơn tổng số thành viên"),
        ({"ngay_gui": "31/02/2026"}, "ngay-khong-hop-le", "«31/02/2026» không phải là ngày"),
        ({"ban_khuyen_hoc": "có lẽ"}, "lua-chon-khong-hop-le", "ghi Có hoặc Không"),
        ({"1.4": "5"}, "chi-so-la", "chỉ số «1.4» không có"),
    ],
)
def test_bad_cell_rejects_the_unit_year_naming_unit_line_and_column(values, code, fragment) -> None:
    rejection = only_rejection(scored(row("so-y-te", 2024, **values)))
    assert rejection.codes == [code]
    reason = rejection.reasons()[0]
    assert reason.startswith("Sở Y tế (so-y-te), năm 2024 — mau.csv, dòng 2")
    assert fragment in reason


def test_missing_indicator_column_is_rejected() -> None:
    data = wide_csv([row("so-y-te", 2024)], columns=["ma_don_vi", "nam", "1.1", "1.2"])
    text = data.decode().replace(",1.3,2.1,2.2,2.3,2.4,3.1,3.2,3.3", "").replace(",10,10,5,10,5,25,10,5", "")
    report = score(read_csv(text.encode(), "mau.csv"), REGISTRY)
    rejection = only_rejection(report)
    assert rejection.codes == ["thieu-chi-so"]
    assert len(rejection.problems) == 8


def test_unknown_unit_suggests_the_closest_registry_name() -> None:
    rejection = only_rejection(scored(row("so-giao-duc", 2024)))
    assert rejection.codes == ["ma-don-vi-khong-ro"]
    assert "có phải «Sở Giáo dục và Đào tạo» (mã so-gd-dt)?" in rejection.reasons()[0]


def test_blank_unit_id_is_rejected() -> None:
    assert only_rejection(scored(row("", 2024))).codes == ["thieu-ma-don-vi"]


def test_unit_outside_its_active_years_is_rejected() -> None:
    rejection = only_rejection(scored(row("ubnd-tan-an", 2025)))
    assert rejection.codes == ["don-vi-khong-hoat-dong"]
    assert "hoạt động 2020–2024" in rejection.reasons()[0]


def test_year_no_rubric_covers_is_rejected() -> None:
    rejection = only_rejection(scored(row("so-y-te", 2019)))
    # 2019 predates both TT 22/2020 and the registry, and both are said.
    assert rejection.codes == ["nam-chua-co-tieu-chi", "don-vi-khong-hoat-dong"]
    assert "chưa có bộ tiêu chí nào áp dụng cho năm 2019" in rejection.reasons()[0]


def test_unreadable_year_is_rejected() -> None:
    assert only_rejection(scored(row("so-y-te", "năm ngoái"))).codes == ["nam-khong-hop-le"]


def test_same_unit_year_twice_is_never_scored_and_names_both_places() -> None:
    report = scored(row("so-y-te", 2024), row("so-gd-dt", 2024), row("so-y-te", 2024, **{"1_1": "9"}))
    assert [r.unit_id for r in report.results] == ["so-gd-dt"]
    assert [r.codes for r in report.rejected] == [["trung-lap"], ["trung-lap"]]
    first, second = (r.reasons()[0] for r in report.rejected)
    assert "mau.csv, dòng 2" in first and "nơi khác (mau.csv, dòng 4)" in first
    assert "nơi khác (mau.csv, dòng 2)" in second


def test_every_problem_of_a_unit_year_is_listed() -> None:
    rejection = only_rejection(scored(row("so-y-te", 2024, **{"1_1": "", "1_2": "x", "3_1": "30"})))
    assert rejection.codes == ["o-trong", "khong-phai-so", "ngoai-khoang"]
    assert [p.place.column for p in rejection.problems] == ["1.1", "1.2", "3.1"]


def test_decimal_comma_point_and_spaces_are_accepted() -> None:
    report = scored(row("so-y-te", 2024, **{"1_1": " 8,5 ", "1_2": "9.5", "1_3": "\u00a07"}))
    assert report.rejected == []
    assert str(report.results[0].points["1.1"]) == "8.5"
    assert report.results[0].total == 95


def test_unit_id_and_text_are_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Đã gửi bản giấy")
    report = scored(row(" SO-Y-TE ", 2024, ghi_chu=decomposed))
    assert report.results[0].unit_id == "so-y-te"
    assert report.results[0].note == unicodedata.normalize("NFC", "Đã gửi bản giấy")


def test_rows_of_other_columns_are_never_read() -> None:
    report = scored(row("so-y-te", 2024, email="a@b.vn", so_dien_thoai="0909"))
    assert report.rejected == []
    assert "a@b.vn" not in repr(report.results[0])
