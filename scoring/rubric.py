"""Rubrics are data: one TOML file per regulation in `scoring/rubrics/`.

A changed regulation is a new file, not new code. Callers never pick a rubric
themselves: they ask `rubric_for_year`, so a second rubric (TT 24/2023, by
levels) only needs its file and, for a new method, an entry in
`scoring.methods.METHODS`.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from scoring.errors import RubricError
from scoring.methods import METHODS

RUBRIC_DIR = Path(__file__).parent / "rubrics"
KNOWN_METHODS = frozenset(METHODS)


@dataclass(frozen=True)
class Indicator:
    id: str
    criterion_id: str
    text: str
    max: Decimal
    citation: str
    details: tuple[str, ...] = ()
    unverified: str | None = None


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    max: Decimal
    citation: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class ClassBand:
    name: str
    min: Decimal
    citation: str


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    short_title: str
    issued: str
    issuer: str
    method: str
    first_year: int
    last_year: int | None
    max_total: Decimal
    decimals: int
    classes: tuple[ClassBand, ...]
    criteria: tuple[Criterion, ...]
    path: Path = field(compare=False)

    # Cached: validation asks for an indicator's maximum once per cell, half a million times nationally.
    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    @cached_property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    @cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}

    def indicator(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def classify(self, total: Decimal) -> str:
        """Điều 6: the first band (highest minimum first) whose minimum the total reaches.

        Exact decimals: 84.99 is Khá and 85 is Tốt, never a float's 84.999….
        """
        for band in self.classes:
            if total >= band.min:
                return band.name
        return self.classes[-1].name

    @property
    def years_label(self) -> str:
        end = "nay" if self.last_year is None else str(self.last_year)
        return f"{self.first_year}–{end}"


def _dec(value: Any, what: str, path: Path) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RubricError(f"{path.name}: {what} phải là một số, nhận được {value!r}.")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise RubricError(f"{path.name}: {what} phải là một số, nhận được {value!r}.") from exc


def _req(table: dict[str, Any], key: str, where: str, path: Path) -> Any:
    if key not in table:
        raise RubricError(f"{path.name}: thiếu khóa «{key}» ở {where}.")
    return table[key]


def load_rubric(path: Path) -> Rubric:
    """Read and check one rubric file; refuse it whole with a clear message if it is inconsistent."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RubricError(f"Không đọc được bộ tiêu chí {path.name}: {exc}") from exc

    rid = str(_req(data, "id", "đầu tệp", path))
    method = str(_req(data, "method", "đầu tệp", path))
    if method not in KNOWN_METHODS:
        raise RubricError(
            f"{path.name}: phương pháp «{method}» chưa được hỗ trợ (hỗ trợ: {', '.join(sorted(KNOWN_METHODS))})."
        )
    first_year = int(_req(data, "first_year", "đầu tệp", path))
    last_year = data.get("last_year")
    if last_year is not None and int(last_year) < first_year:
        raise RubricError(f"{path.name}: last_year ({last_year}) nhỏ hơn first_year ({first_year}).")
    max_total = _dec(_req(data, "max_total", "đầu tệp", path), "max_total", path)
    decimals = int(data.get("decimals", 2))

    seen: set[str] = set()

    def unique(item_id: str) -> str:
        if item_id in seen:
            raise RubricError(f"{path.name}: mã «{item_id}» bị trùng.")
        seen.add(item_id)
        return item_id

    criteria: list[Criterion] = []
    for c in _req(data, "criteria", "đầu tệp", path):
        cid = unique(str(_req(c, "id", "một tiêu chí", path)))
        cmax = _dec(_req(c, "max", f"tiêu chí {cid}", path), f"điểm tối đa của tiêu chí {cid}", path)
        indicators: list[Indicator] = []
        for i in _req(c, "indicators", f"tiêu chí {cid}", path):
            iid = unique(str(_req(i, "id", f"một chỉ số của tiêu chí {cid}", path)))
            imax = _dec(_req(i, "max", f"chỉ số {iid}", path), f"điểm tối đa của chỉ số {iid}", path)
            if imax <= 0:
                raise RubricError(f"{path.name}: điểm tối đa của chỉ số {iid} phải lớn hơn 0.")
            indicators.append(
                Indicator(
                    id=iid,
                    criterion_id=cid,
                    text=str(_req(i, "text", f"chỉ số {iid}", path)),
                    max=imax,
                    citation=str(_req(i, "citation", f"chỉ số {iid}", path)),
                    details=tuple(str(d) for d in i.get("details", ())),
                    unverified=i.get("unverified"),
                )
            )
        if not indicators:
            raise RubricError(f"{path.name}: tiêu chí {cid} không có chỉ số nào.")
        subtotal = sum((i.max for i in indicators), Decimal(0))
        if subtotal != cmax:
            raise RubricError(
                f"{path.name}: tổng điểm tối đa các chỉ số của tiêu chí {cid} là {subtotal}, "
                f"không khớp với điểm tối đa của tiêu chí ({cmax})."
            )
        criteria.append(
            Criterion(
                id=cid,
                title=str(_req(c, "title", f"tiêu chí {cid}", path)),
                max=cmax,
                citation=str(_req(c, "citation", f"tiêu chí {cid}", path)),
                indicators=tuple(indicators),
            )
        )
    if not criteria:
        raise RubricError(f"{path.name}: không có tiêu chí nào.")
    total = sum((c.max for c in criteria), Decimal(0))
    if total != max_total:
        raise RubricError(
            f"{path.name}: tổng điểm tối đa các tiêu chí là {total}, không khớp với max_total ({max_total})."
        )

    classes = tuple(
        ClassBand(
            name=str(_req(b, "name", "một mức xếp loại", path)),
            min=_dec(_req(b, "min", "một mức xếp loại", path), "ngưỡng xếp loại", path),
            citation=str(b.get("citation", "")),
        )
        for b in _req(data, "classes", "đầu tệp", path)
    )
    if not classes:
        raise RubricError(f"{path.name}: không có mức xếp loại nào.")
    mins = [b.min for b in classes]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise RubricError(f"{path.name}: các ngưỡng xếp loại phải giảm dần và không trùng nhau.")
    if mins[-1] != 0:
        raise RubricError(f"{path.name}: mức xếp loại cuối cùng phải bắt đầu từ 0 điểm.")
    if mins[0] > max_total:
        raise RubricError(f"{path.name}: ngưỡng xếp loại {mins[0]} vượt quá tổng điểm tối đa {max_total}.")

    return Rubric(
        id=rid,
        title=str(_req(data, "title", "đầu tệp", path)),
        short_title=str(data.get("short_title", data["title"])),
        issued=str(data.get("issued", "")),
        issuer=str(data.get("issuer", "")),
        method=method,
        first_year=first_year,
        last_year=int(last_year) if last_year is not None else None,
        max_total=max_total,
        decimals=decimals,
        classes=classes,
        criteria=tuple(criteria),
        path=path,
    )


def check_no_overlap(rubrics: Sequence[Rubric]) -> None:
    """Two rubrics claiming the same year would make scoring ambiguous: refuse the set."""
    ordered = sorted(rubrics, key=lambda r: r.first_year)
    ids = [r.id for r in ordered]
    if len(set(ids)) != len(ids):
        raise RubricError("Có hai bộ tiêu chí trùng mã: " + ", ".join(ids))
    for a, b in itertools.pairwise(ordered):
        if a.last_year is None or a.last_year >= b.first_year:
            raise RubricError(
                f"Bộ tiêu chí {a.id} ({a.years_label}) và {b.id} ({b.years_label}) "
                "cùng áp dụng cho một số năm: hãy đặt last_year cho bộ cũ."
            )


def load_rubrics(paths: Iterable[Path] | None = None) -> tuple[Rubric, ...]:
    files = sorted(RUBRIC_DIR.glob("*.toml")) if paths is None else list(paths)
    rubrics = tuple(load_rubric(p) for p in files)
    check_no_overlap(rubrics)
    return rubrics


@cache
def _default_rubrics() -> tuple[Rubric, ...]:
    return load_rubrics()


def rubric_for_year(year: int, rubrics: Sequence[Rubric] | None = None) -> Rubric:
    """The one place that decides which regulation scores an assessment year."""
    for rubric in _default_rubrics() if rubrics is None else rubrics:
        if rubric.covers(year):
            return rubric
    raise RubricError(f"Không có bộ tiêu chí nào áp dụng cho năm {year}.")


def find_rubric_for_year(year: int, rubrics: Sequence[Rubric] | None = None) -> Rubric | None:
    try:
        return rubric_for_year(year, rubrics)
    except RubricError:
        return None


def all_rubrics() -> tuple[Rubric, ...]:
    return _default_rubrics()
