"""Recognition decisions (Thông tư 24/2023, Điều 5 and 11) and the life of a recognition.

The decisions file (`content/data/quyet-dinh.csv`) lists each decision of a
Chủ tịch UBND recognising a unit: number, signing date, signer, unit,
assessment year, set and level. A recognition "được bảo lưu trong thời hạn 03
năm (36 tháng) tiếp theo năm được công nhận" (khoản 4 Điều 5, 11): recognised
for 2025, it holds through 2028, and the unit is due for công nhận lại after
that. A unit recognised at level 1 may ask for level 2 "sau ít nhất 1 năm
(12 tháng) kể từ ngày ra quyết định" (khoản 3 Điều 5, 11).
"""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from scoring.errors import ScoringError
from scoring.registry import Registry
from scoring.results import Recognition, ResultRow
from scoring.text import clean_text
from scoring.values import BlankError, NotANumberError, to_date, to_whole

COLUMNS = ("so_quyet_dinh", "ngay_ky", "nguoi_ky", "ma_don_vi", "nam", "cap", "muc_do")
SETS = {"tinh": "cap-tinh", "huyen": "cap-huyen", "cap-tinh": "cap-tinh", "cap-huyen": "cap-huyen"}


class DecisionsError(ScoringError):
    """The decisions file is malformed."""


def parse_decisions(text: str, name: str, registry: Registry, validity_years: int) -> list[Recognition]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DecisionsError(f"{name}: thiếu cột {', '.join(missing)}.")
    out: list[Recognition] = []
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    for line, row in enumerate(reader, start=2):
        where = f"{name}, dòng {line}"
        values = {k: clean_text(v or "") for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        try:
            signed = to_date(values["ngay_ky"])
            year = to_whole(values["nam"])
            level = to_whole(values["muc_do"])
        except (BlankError, NotANumberError):
            problems.append(f"{where}: ngày ký, năm hoặc mức độ không hợp lệ")
            continue
        unit = registry.get(values["ma_don_vi"])
        cset = SETS.get(values["cap"])
        if unit is None:
            problems.append(f"{where}: mã đơn vị «{values['ma_don_vi']}» không có trong danh mục")
        elif cset is None:
            problems.append(f"{where}: cap «{values['cap']}» phải là tinh hoặc huyen")
        elif level not in (1, 2):
            problems.append(f"{where}: mức độ phải là 1 hoặc 2")
        elif not values["so_quyet_dinh"]:
            problems.append(f"{where}: thiếu số quyết định")
        elif (unit.id, year) in seen:
            problems.append(f"{where}: đơn vị {unit.id} đã có quyết định công nhận năm {year}")
        else:
            seen.add((unit.id, year))
            out.append(Recognition(values["so_quyet_dinh"], signed, values["nguoi_ky"], unit.id, year, cset, level,
                                   valid_until_year=year + validity_years))
    if problems:
        raise DecisionsError("Tệp quyết định công nhận không hợp lệ: " + "; ".join(problems[:10]) + ".")
    return out


def load_decisions(path: Path | None, registry: Registry, validity_years: int) -> list[Recognition]:
    """The decisions file, or none when the project has not made one yet."""
    if path is None or not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DecisionsError(f"{path.name}: tệp không phải UTF-8.") from None
    except OSError as exc:
        raise DecisionsError(f"Không đọc được {path}: {exc.strerror or exc}.") from None
    return parse_decisions(text, path.name, registry, validity_years)


@dataclass(frozen=True)
class Standing:
    """A unit's recognition as it stands in a given year."""

    recognition: Recognition
    due_for_renewal: bool  # validity ends this year or next: công nhận lại is due
    eligible_for_level_2: date | None  # from this date a level-1 unit may ask for level 2


def current_standings(decisions: Iterable[Recognition], year: int, upgrade_months: int) -> list[Standing]:
    """The latest valid recognition of each unit in `year` (the year of the page)."""
    latest: dict[str, Recognition] = {}
    for d in sorted(decisions, key=lambda d: (d.year, d.signed)):
        if d.year <= year <= d.valid_until_year:
            latest[d.unit_id] = d
    out = []
    for d in latest.values():
        eligible = _add_months(d.signed, upgrade_months) if d.level == 1 else None
        out.append(Standing(d, d.valid_until_year in (year, year + 1), eligible))
    return out


def _add_months(day: date, months: int) -> date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def decision_for(decisions: Sequence[Recognition], unit_id: str, year: int) -> Recognition | None:
    return next((d for d in decisions if d.unit_id == unit_id and d.year == year), None)


Stage = Literal["cong-nhan", "da-tham-dinh", "khong-cong-nhan", "tu-danh-gia", "chua-dat-muc-de-nghi"]


def stage(row: ResultRow) -> Stage:
    """Where a Thông tư 24/2023 unit-year stands in the procedure of Điều 10 / Điều 16: recognised by a decision,
    appraised by the Hội đồng (at the level asked for, or not), or self-assessed (meeting that level, or not).

    One rule for the site and the official papers, so a unit is never "proposed" in one and "refused" in the other.
    """
    levels = row.levels
    assert levels is not None
    if row.recognition is not None:
        return "cong-nhan"
    if row.basis == "verified":
        return "da-tham-dinh" if levels.level_met >= levels.level_requested else "khong-cong-nhan"
    return "tu-danh-gia" if levels.self_level_met >= levels.level_requested else "chua-dat-muc-de-nghi"
