"""The wide CSV of INTERFACES.md (one row per unit and year) into submissions, kept as rows until needed.

Excel's own "CSV" output is the norm here: a BOM, CRLF line ends, blank
lines, trailing separators, `;` as separator in a Vietnamese locale, and
sometimes Windows-1258 with combining tone marks. All of it reads the same
as a clean UTF-8 file; values are left raw for validation.
"""

from __future__ import annotations

import csv
import io
import unicodedata

import pandas as pd

from intake.errors import IntakeError
from intake.layout import INDICATOR_ID
from scoring.canonical import Place, RawCell, Submission
from scoring.wide_table import COUNCIL, EVIDENCE, OWN, VERIFIED, Submissions

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


def _column_key(column: str) -> str | None:
    """Where a CSV column goes: the wide table's name for it, or None for a column hoctap never reads."""
    if column == "ma_don_vi":
        return "unit"
    if column == "nam":
        return "year"
    if INDICATOR_ID.match(column):
        return OWN + column
    for prefix, key in ((VERIFIED_PREFIX, VERIFIED), (COUNCIL_PREFIX, COUNCIL), (EVIDENCE_PREFIX, EVIDENCE)):
        if column.startswith(prefix) and INDICATOR_ID.match(column[len(prefix):]):
            return key + column[len(prefix):]
    # Other named columns (reporter, e-mails, phones, internal notes) are never read, never published.
    return column if column in KNOWN_FIELDS else None


class CsvRows:
    """One CSV file's rows, kept as read: a wide table in one step, a `Submission` only when asked for."""

    def __init__(self, name: str, header: list[str], rows: list[list[str]], lines: list[int]) -> None:
        self.name, self.header, self.rows, self.lines = name, header, rows, lines
        self._frame = self._table()  # reading a CSV file ends with its table

    def __len__(self) -> int:
        return len(self.rows)

    def origin(self, i: int) -> Place:
        return Place(self.name, line=self.lines[i])

    def submission(self, i: int) -> Submission:
        header, row = self.header, self.rows[i]
        origin = Place(self.name, line=self.lines[i])
        values = {h: row[j] if j < len(row) else "" for j, h in enumerate(header) if h}
        sub = Submission(
            origin=origin,
            unit=RawCell(values["ma_don_vi"], origin.at(column="ma_don_vi")),
            year=RawCell(values["nam"], origin.at(column="nam")),
        )
        parts = {OWN: sub.indicators, VERIFIED: sub.verified, COUNCIL: sub.council, EVIDENCE: sub.evidence}
        for column, value in values.items():
            key = _column_key(column)
            if key is None or key in ("unit", "year"):
                continue
            cell = RawCell(value, origin.at(column=column))
            prefix, _, ind = key.partition(":")
            if ind:
                parts[prefix + ":"][ind] = cell
            else:
                sub.fields[column] = cell
        for j in self._stray(row):
            sub.unknown_columns.append(RawCell(row[j], origin.at(column=str(j + 1))))
        return sub

    def _stray(self, row: list[str]) -> list[int]:
        """Cells beyond the header, or under a column without a name, that hold something."""
        width = len(self.header)
        unnamed = [j for j, h in enumerate(self.header) if h == "" and j < len(row) and row[j].strip()]
        return unnamed + [j for j in range(width, len(row)) if row[j].strip()]

    def frame(self) -> pd.DataFrame:
        return self._frame

    def _table(self) -> pd.DataFrame:
        width = len(self.header)
        rows = [r if len(r) == width else (r + [""] * (width - len(r)))[:width] for r in self.rows]
        keys = [_column_key(h) if h else None for h in self.header]
        keep = [j for j, k in enumerate(keys) if k is not None]
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in self.header]
        frame = pd.DataFrame({keys[j]: pd.Series(columns[j], dtype=object) for j in keep})
        ragged = any(len(r) > width for r in self.rows) or "" in self.header
        frame["irregular"] = [bool(self._stray(r)) for r in self.rows] if ragged else False
        return frame


def read_csv(content: bytes, name: str) -> Submissions:
    text = decode(content, name)
    sep = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    kept: list[list[str]] = []
    lines: list[int] = []
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
        if not any(cell.strip() for cell in row):
            continue  # blank lines, or a row of separators only
        if header is None:
            header = [_header_name(h) for h in row]
            while header and header[-1] == "":
                header.pop()  # trailing separators
            missing = [c for c in ("ma_don_vi", "nam") if c not in header]
            if missing:
                raise IntakeError(
                    f"{name}, dòng {first}: thiếu cột bắt buộc {', '.join(missing)} "
                    "(tệp CSV dạng ngang cần ma_don_vi, nam và một cột cho mỗi chỉ số)."
                )
            _refuse_repeated_columns(header, name, first)
            continue
        kept.append(row)
        lines.append(first)
    if header is None:
        raise IntakeError(f"{name}: tệp trống, không có dòng tiêu đề.")
    return Submissions([CsvRows(name, header, kept, lines)])
