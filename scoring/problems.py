"""Every reason a submission can be rejected: a stable code and a Vietnamese message template.

Codes are public (they appear in the JSON report and the job summary) and
never change meaning; messages may be reworded. Data problems are values, not
exceptions: a run that rejects rows has still done its job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scoring.canonical import Place

MESSAGES: dict[str, str] = {
    "thieu-ma-don-vi": "chưa có mã đơn vị",
    "ma-don-vi-khong-ro": "mã đơn vị «{value}» không có trong danh mục{hint}",
    "nam-khong-hop-le": "năm đánh giá «{value}» không hợp lệ",
    "don-vi-khong-hoat-dong": "đơn vị không thuộc diện đánh giá năm {year} (hoạt động {years})",
    "nam-chua-co-tieu-chi": "chưa có bộ tiêu chí nào áp dụng cho năm {year}",
    "trung-lap": "đơn vị này đã nộp kết quả năm {year} ở nơi khác ({others}); không chấm hai lần",
    "thieu-chi-so": "thiếu chỉ số {indicator} của {rubric}",
    "chi-so-la": "chỉ số «{indicator}» không có trong {rubric}",
    "o-trong": "chưa nhập {what} {indicator} (ô trống không được tính là 0)",
    "khong-phai-so": "«{value}» không phải là số (chỉ số {indicator})",
    "ngoai-khoang": "{value} {relation} (chỉ số {indicator})",
    "qua-so-thap-phan": "{value} có quá {decimals} chữ số thập phân (chỉ số {indicator})",
    "so-nguyen-khong-hop-le": "«{value}» không phải là số nguyên không âm ({label})",
    "cdht-vuot-tong": "số Công dân học tập ({cdht}) lớn hơn tổng số thành viên ({members})",
    "ngay-khong-hop-le": "«{value}» không phải là ngày hợp lệ (dạng ngày/tháng/năm)",
    "lua-chon-khong-hop-le": "«{value}» không hợp lệ ({label}: ghi Có hoặc Không)",
    "cot-thua": "có dữ liệu «{value}» ở cột không có tiêu đề",
    "thieu-thong-tin": "chưa ghi {label}",
    "muc-khong-hop-le": "«{value}» không phải mức độ đề nghị hợp lệ (ghi 1 hoặc 2)",
    "khong-phai-dat": "«{value}» không hợp lệ (chỉ tiêu {indicator}: ghi «đạt» hoặc «không đạt»)",
    "muc-cds-khong-hop-le": (
        "«{value}» không phải mức chuyển đổi số hợp lệ (chỉ tiêu {indicator}: ghi «cơ bản», «tốt» hoặc «chưa đạt»)"
    ),
    "vuot-so-thanh-vien": "{count} lớn hơn tổng số thành viên {members} (chỉ tiêu {indicator})",
    "vuot-so-nguoi-hoc": "{count} lớn hơn tổng số người học {learners} (chỉ tiêu {indicator})",
    "dong-trung": "chỉ tiêu {indicator} có hai dòng (dòng đầu ở ô {first}); hãy xóa dòng thừa",
    "trang-an": "trang tính đang bị ẩn; hãy hiện trang (hoặc xóa nếu là bản sao cũ) rồi kiểm tra lại",
    "vung-qua-lon": "trang tính có dữ liệu ngoài vùng của mẫu (đến ô này); hãy xóa các ô đó",
    "trang-sai-don-vi": "ô mã đơn vị ghi «{typed}», nhưng đây là trang của {owner}; hãy sửa lại mã đơn vị",
    "chua-phan-loai": "danh mục chưa ghi cấp (cap) và loại (loai) của đơn vị, cần cho {rubric}",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or one submission)."""

    code: str
    place: Place
    detail: str  # the message without its location, e.g. "12 lớn hơn điểm tối đa 10 (chỉ số 1.1)"

    @classmethod
    def make(cls, code: str, place: Place, **values: Any) -> Problem:
        return cls(code, place, MESSAGES[code].format(**values))

    def in_sheet(self) -> str:
        """The short form written back into the agency's own tab: "D12: …"."""
        if self.place.cell:
            return f"{self.place.cell}: {self.detail}"
        if self.place.column:
            return f"cột {self.place.column}: {self.detail}"
        return self.detail


@dataclass(frozen=True)
class Rejection:
    """A unit-year that will not be scored, with every reason found."""

    unit_id: str | None
    unit_label: str  # "Sở Y tế (so-y-te)", or what was typed when the unit is unknown
    year: int | None
    origin: Place
    problems: tuple[Problem, ...]
    known_unit: bool = True  # False: the id is not in the registry (listed on status pages, never given a page)

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(p.code for p in self.problems))

    @property
    def where(self) -> str:
        first = self.problems[0].place if len(self.problems) == 1 else self.origin
        return first.describe()

    def reasons(self) -> list[str]:
        year = f", năm {self.year}" if self.year is not None else ""
        return [
            f"{self.unit_label}{year} — {p.place.describe()}: {p.detail}{'' if p.detail.endswith('?') else '.'}"
            for p in self.problems
        ]
