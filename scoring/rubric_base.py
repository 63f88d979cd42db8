"""What every rubric file says about itself, whatever its method, and the checks shared by the parsers.

A rubric file names the regulation (number, date, issuer), the assessment
years it governs, its method (`points` or `levels`) and its deadline rule.
The method-specific parts are read by `scoring.points` and `scoring.levels`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from scoring.errors import RubricError
from scoring.results import Deadline

METHOD_NAMES = ("points", "levels")


@dataclass(frozen=True)
class DeadlineRule:
    """"… trước ngày D tháng M của năm liền kề sau năm đánh giá": the rule, not a date."""

    month: int
    day: int
    citation: str

    def for_year(self, year: int) -> Deadline:
        return Deadline(before=date(year + 1, self.month, self.day), citation=self.citation)


@dataclass(frozen=True)
class RubricInfo:
    id: str
    title: str
    short_title: str
    issuer: str
    issued: date | None
    in_force: date | None
    repealed: date | None
    repealed_by: str
    method: str
    first_year: int
    last_year: int | None
    deadline: DeadlineRule
    source_url: str
    path: Path

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    @property
    def years_label(self) -> str:
        end = "nay" if self.last_year is None else str(self.last_year)
        return f"{self.first_year}–{end}"


def req(table: dict[str, Any], key: str, where: str, path: Path) -> Any:
    if key not in table:
        raise RubricError(f"{path.name}: thiếu khóa «{key}» ở {where}.")
    return table[key]


def text(table: dict[str, Any], key: str, where: str, path: Path) -> str:
    value = req(table, key, where, path)
    if not isinstance(value, str) or not value.strip():
        raise RubricError(f"{path.name}: «{key}» ở {where} phải là một đoạn chữ.")
    return value


def number(value: Any, what: str, path: Path) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RubricError(f"{path.name}: {what} phải là một số, nhận được {value!r}.")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise RubricError(f"{path.name}: {what} phải là một số, nhận được {value!r}.") from exc


def whole(value: Any, what: str, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RubricError(f"{path.name}: {what} phải là một số nguyên, nhận được {value!r}.")
    return value


def _date(value: Any, what: str, path: Path) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RubricError(f"{path.name}: {what} phải là ngày dạng YYYY-MM-DD, nhận được {value!r}.") from None


def parse_info(data: dict[str, Any], path: Path) -> RubricInfo:
    method = text(data, "method", "đầu tệp", path)
    if method not in METHOD_NAMES:
        raise RubricError(f"{path.name}: phương pháp «{method}» chưa được hỗ trợ (hỗ trợ: {', '.join(METHOD_NAMES)}).")
    first_year = whole(req(data, "first_year", "đầu tệp", path), "first_year", path)
    last = data.get("last_year")
    last_year = None if last is None else whole(last, "last_year", path)
    if last_year is not None and last_year < first_year:
        raise RubricError(f"{path.name}: last_year ({last_year}) nhỏ hơn first_year ({first_year}).")
    rule = req(data, "deadline", "đầu tệp", path)
    if not isinstance(rule, dict):
        raise RubricError(f"{path.name}: «deadline» phải là một bảng (month, day, citation).")
    month = whole(req(rule, "month", "deadline", path), "deadline.month", path)
    day = whole(req(rule, "day", "deadline", path), "deadline.day", path)
    try:
        date(2001, month, day)
    except ValueError:
        raise RubricError(f"{path.name}: hạn nộp {day}/{month} không phải một ngày.") from None
    return RubricInfo(
        id=text(data, "id", "đầu tệp", path),
        title=text(data, "title", "đầu tệp", path),
        short_title=str(data.get("short_title") or data["title"]),
        issuer=str(data.get("issuer", "")),
        issued=_date(data.get("issued"), "issued", path),
        in_force=_date(data.get("in_force"), "in_force", path),
        repealed=_date(data.get("repealed"), "repealed", path),
        repealed_by=str(data.get("repealed_by", "")),
        method=method,
        first_year=first_year,
        last_year=last_year,
        deadline=DeadlineRule(month, day, text(rule, "citation", "deadline", path)),
        source_url=str(data.get("source_url", "")),
        path=path,
    )
