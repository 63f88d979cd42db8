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


def _refuse_repeated_columns(header: list[str], name: str, line: int) -> None:
    """Two columns with one name: every row would silently keep only the last value, so the file is refused."""
    seen: dict[str, int] = {}
    for i, h in enumerate(header, start=1):
        if h and h in seen:
            raise IntakeError(
                f"{name}, dòng {line}: cột «{h}» có hai lần (cột {seen[h]} và cột {i}); "
                "hãy xóa hoặc đổi tên một cột để không giá trị nào bị bỏ qua."
            )
        seen.setdefault(h, i)


def _refuse_swallowed_lines(row: list[str], header: list[str], name: str, first: int, last: int, sep: str) -> None:
    """A stray opening quote makes one "cell" of every line up to the next quote: refuse rather than lose rows.

    A real multi-line note has line breaks; a swallowed row has the separators of a whole row after one.
    """
    for i, cell in enumerate(row):
        if "\n" not in cell:
            continue
        later = cell.split("\n", 1)[1]
        if later.count(sep) >= max(2, len(header) // 2):
            column = header[i] if i < len(header) and header[i] else str(i + 1)
            raise IntakeError(
                f"{name}, dòng {first}, cột {column}: dấu ngoặc kép (\") mở nhưng không đóng, nên các dòng {first}–{last} "
                "bị gộp vào một ô; hãy sửa dấu ngoặc kép trong ô đó rồi nộp lại."
            )


def read_csv(content: bytes, name: str) -> list[Submission]:
    text = decode(content, name)
    sep = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    subs: list[Submission] = []
    last_line = 0
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            detail = "ô quá dài (hơn 128 KB)" if "field larger" in str(exc) else "dòng không đọc được theo định dạng CSV"
            raise IntakeError(f"{name}, dòng {reader.line_num}: {detail}.") from None
        first, line = last_line + 1, reader.line_num
        last_line = line
        if header is not None and line > first:
            _refuse_swallowed_lines(row, header, name, first, line, sep)
        line = first
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
            _refuse_repeated_columns(header, name, line)
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
