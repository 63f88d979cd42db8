"""The public table of a year's results: one column list for the CSV, the Excel download and the papers.

Only public fields: the results hold no reporter, phone or e-mail. Every
text cell is neutralised against spreadsheet formula injection
(`scoring.text.neutralise`). A TT 22 year's table reads back as a wide CSV
(ma_don_vi, nam, 1.1 …); a TT 24 year's table has the level and a column per
chỉ tiêu.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.results import BASIS_LABELS, CHECK_LABELS, STATUS_LABELS, ResultRow
from scoring.results_json import check_result, number
from scoring.text import neutralise

Value = str | int | float | date | bool | None


@dataclass(frozen=True)
class Column:
    name: str  # the CSV header (a stable code)
    label: str  # the Excel header (Vietnamese)
    code: Callable[[ResultRow], Value]  # the CSV value
    label_value: Callable[[ResultRow], Value] | None = None  # the Excel value when it differs (a label, not a code)
    width: int = 12  # Excel column width, in characters


CAP_LABELS = {"cap-tinh": "Cấp tỉnh", "cap-huyen": "Cấp huyện"}


def _n(value: Decimal | None) -> int | float | None:
    return number(value)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("có" if value else "không")


def _common_head() -> list[Column]:
    return [
        Column("nam", "Năm", lambda r: r.year, width=7),
        Column("ma_don_vi", "Mã đơn vị", lambda r: r.unit_id, width=18),
        Column("ten_don_vi", "Tên đơn vị", lambda r: r.name, width=44),
        Column("khoi", "Khối", lambda r: r.group, width=22),
    ]


def _common_tail() -> list[Column]:
    return [
        Column("co_so", "Cơ sở kết quả", lambda r: "da-tham-dinh" if r.basis == "verified" else "tu-danh-gia",
               lambda r: BASIS_LABELS[r.basis].capitalize(), width=14),
        Column("so_thanh_vien", "Số thành viên", lambda r: r.members),
        Column("so_cdht", "Số Công dân học tập", lambda r: r.cdht),
        Column("ty_le_cdht", "Tỷ lệ Công dân học tập", lambda r: _n(r.cdht_share)),
        Column("dat_muc_tieu_cdht", "Đạt mục tiêu QĐ 677/QĐ-TTg", lambda r: _yes_no(r.cdht_meets_target)),
        Column("ban_khuyen_hoc", "Ban Khuyến học", lambda r: _yes_no(r.ban_khuyen_hoc)),
        Column("link_ke_hoach", "Kế hoạch của đơn vị", lambda r: r.plan_url, width=30),
        Column("ngay_gui", "Ngày nộp", lambda r: r.submitted, width=11),
        Column("tinh_trang_nop", "Tình trạng nộp", lambda r: r.submission_status,
               lambda r: STATUS_LABELS[r.submission_status], width=14),
        Column("ghi_chu", "Ghi chú của đơn vị", lambda r: r.note, width=30),
        Column("y_kien_tham_dinh", "Ý kiến thẩm định (Hội đồng)", lambda r: r.council_note, width=30),
    ]


def points_columns(indicator_ids: Sequence[str], criterion_ids: Sequence[str]) -> list[Column]:
    def point(i: str) -> Callable[[ResultRow], Value]:
        return lambda r: _n(r.points.points.get(i)) if r.points else None

    def criterion(c: str) -> Callable[[ResultRow], Value]:
        return lambda r: _n(r.points.criteria.get(c)) if r.points else None

    return [
        Column("hang", "Hạng", lambda r: r.points.rank if r.points else None, width=7),
        *_common_head(),
        *(Column(i, f"Chỉ số {i}", point(i), width=8) for i in indicator_ids),
        *(Column(f"tieu_chi_{c}", f"Tiêu chí {c}", criterion(c), width=9) for c in criterion_ids),
        Column("tong_diem", "Tổng điểm", lambda r: _n(r.points.total) if r.points else None, width=10),
        Column("xep_loai", "Xếp loại", lambda r: r.points.klass if r.points else None, width=11),
        Column("diem_nam_truoc", "Điểm năm trước", lambda r: _n(r.points.previous_total) if r.points else None),
        Column("thay_doi", "Thay đổi", lambda r: _n(r.points.change) if r.points else None, width=9),
        *_common_tail(),
    ]


def levels_columns(indicator_ids: Sequence[str]) -> list[Column]:
    # A row read back from a results file answers these from the file's values, its checks left unbuilt.
    def check(i: str) -> Callable[[ResultRow], Value]:
        return lambda r: check_result(r.levels.checks, i) if r.levels else None

    def check_label(i: str) -> Callable[[ResultRow], Value]:
        def label(r: ResultRow) -> Value:
            found = check_result(r.levels.checks, i) if r.levels else None
            return CHECK_LABELS[found] if found is not None else None
        return label

    return [
        *_common_head(),
        Column("cap", "Cấp", lambda r: r.levels.set if r.levels else None,
               lambda r: CAP_LABELS.get(r.levels.set, r.levels.set) if r.levels else None, width=10),
        Column("muc_de_nghi", "Mức độ đề nghị", lambda r: r.levels.level_requested if r.levels else None),
        Column("muc_dat", "Mức độ đạt", lambda r: r.levels.level_met if r.levels else None),
        *(Column(f"chi_tieu_{i}", f"Chỉ tiêu {i}", check(i), check_label(i), width=10) for i in indicator_ids),
        Column("so_quyet_dinh", "Quyết định công nhận", lambda r: r.recognition.number if r.recognition else None,
               width=20),
        Column("ngay_quyet_dinh", "Ngày quyết định", lambda r: r.recognition.signed if r.recognition else None,
               width=12),
        Column("bao_luu_den_nam", "Bảo lưu đến hết năm",
               lambda r: r.recognition.valid_until_year if r.recognition else None),
        *_common_tail(),
    ]


def rubric_columns(rubric: PointsRubric | LevelsRubric | None) -> list[Column]:
    """A year's table, by the rubric it was assessed by: the results folder's CSV and the year's Excel file
    (its downloaded CSV is that same table)."""
    if isinstance(rubric, LevelsRubric):
        ids = sorted({i for s in rubric.sets.values() for i in s.indicator_ids}, key=lambda i: tuple(map(int, i.split("."))))
        return levels_columns(ids)
    if isinstance(rubric, PointsRubric):
        return points_columns(rubric.indicator_ids, [c.id for c in rubric.criteria])
    return points_columns([], [])


def all_years_columns(year_columns: Sequence[Sequence[Column]], rubric_titles: Mapping[str, str]) -> list[Column]:
    """One table for every year: the columns of each year's table once (points and levels alike), after the
    year, unit and group, with the rule the year was assessed by; a cell a year does not have stays empty."""
    head, tail = _common_head(), _common_tail()
    seen = {c.name for c in (*head, *tail)}
    middle: list[Column] = []
    for columns in year_columns:
        for col in columns:
            if col.name not in seen:
                seen.add(col.name)
                middle.append(col)
    basis = Column("can_cu", "Căn cứ đánh giá", lambda r: r.rubric, lambda r: rubric_titles.get(r.rubric, r.rubric), width=26)
    return [*head, basis, *middle, *tail]


def _field(value: Value | Decimal) -> Value | Decimal:
    """A NaN (a float or a Decimal, from a results file edited by hand) is an empty field, as pandas wrote it."""
    return None if value != value else value  # only a NaN differs from itself


def csv_lines(rows: Iterable[ResultRow], columns: Sequence[Column], *, header: bool = True) -> bytes:
    """The codes table as CSV lines (UTF-8, "\n", no byte-order mark): the results folder's table, the downloads
    (with a byte-order mark) and the all-years blocks. Each value is written as it is (a whole number stays 10,
    not 10.0, in a column that also holds 9.5 or a blank), so the lines of some rows are the same whichever rows
    surround them. The csv module writes what pandas' `to_csv` wrote for these object columns, byte for byte
    (None as an empty field, minimal quoting), at a fraction of the cost."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow([c.name for c in columns])
    reads = [c.code for c in columns]
    writer.writerows([_field(neutralise(read(r))) for read in reads] for r in rows)
    return out.getvalue().encode("utf-8")
