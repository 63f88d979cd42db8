"""The wide CSV of INTERFACES.md (one row per unit and year) into submissions.

Excel's own "CSV" output is the norm here: a BOM, CRLF line ends, blank
lines, trailing separators, `;` as separator in a Vietnamese locale, and
sometimes Windows-1258 with combining tone marks. All of it reads the same
as a clean UTF-8 file; values are left raw for validation.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from intake.errors import IntakeError
from intake.layout import INDICATOR_ID
from scoring.canonical import Place, RawCell, Submission

KNOWN_FIELDS = frozenset(
    {"ten_don_vi", "so_thanh_vien", "so_cdht", "ban_khuyen_hoc", "link_ke_hoach", "ngay_gui", "ghi_chu",
     "quyet_dinh", "muc_de_nghi", "so_nguoi_hoc", "nguoi_hoc_cdht", "hd_ly_do"}
)
VERIFIED_PREFIX = "td_"
COUNCIL_PREFIX = "hd_"
EVIDENCE_PREFIX = "mc_"


def decode(content: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return unicodedata.normalize("NFC", content.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise IntakeError(f"{name}: không đọc được bảng mã của tệp (hãy lưu dạng CSV UTF-8).")


def _dialect(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _header_name(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).strip().strip("\ufeff").lower()


def read_csv(content: bytes, name: str) -> list[Submission]:
    text = decode(content, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    header: list[str] | None = None
    subs: list[Submission] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines, or a row of separators only
        if header is None:
            header = [_header_name(h) for h in row]
            while header and header[-1] == "":
                header.pop()  # trailing separators
            missing = [c for c in ("ma_don_vi", "nam") if c not in header]
            if missing:
                raise IntakeError(
                    f"{name}, dòng {line}: thiếu cột bắt buộc {', '.join(missing)} "
                    "(tệp CSV dạng ngang cần ma_don_vi, nam và một cột cho mỗi chỉ số)."
                )
            continue
        origin = Place(name, line=line)
        values = {h: row[i] if i < len(row) else "" for i, h in enumerate(header) if h}
        sub = Submission(
            origin=origin,
            unit=RawCell(values["ma_don_vi"], origin.at(column="ma_don_vi")),
            year=RawCell(values["nam"], origin.at(column="nam")),
        )
        for column, value in values.items():
            cell = RawCell(value, origin.at(column=column))
            if INDICATOR_ID.match(column):
                sub.indicators[column] = cell
            elif column.startswith(VERIFIED_PREFIX) and INDICATOR_ID.match(column[len(VERIFIED_PREFIX):]):
                sub.verified[column[len(VERIFIED_PREFIX):]] = cell
            elif column.startswith(COUNCIL_PREFIX) and INDICATOR_ID.match(column[len(COUNCIL_PREFIX):]):
                sub.council[column[len(COUNCIL_PREFIX):]] = cell
            elif column.startswith(EVIDENCE_PREFIX) and INDICATOR_ID.match(column[len(EVIDENCE_PREFIX):]):
                sub.evidence[column[len(EVIDENCE_PREFIX):]] = cell
            elif column in KNOWN_FIELDS:
                sub.fields[column] = cell
            # Other named columns (reporter, e-mails, phones, internal notes) are ignored: never read, never published.
        for i in range(len(header), len(row)):
            if row[i].strip():
                sub.unknown_columns.append(RawCell(row[i], origin.at(column=str(i + 1))))
        for i, h in enumerate(header):
            if h == "" and i < len(row) and row[i].strip():
                sub.unknown_columns.append(RawCell(row[i], origin.at(column=str(i + 1))))
        subs.append(sub)
    if header is None:
        raise IntakeError(f"{name}: tệp trống, không có dòng tiêu đề.")
    return subs
