"""Loading the results folder written by the scorer (the site's only data input).

The folder holds `index.json` and, per year, `ket-qua-<year>.json` and
`ket-qua-<year>.csv`. Everything textual is normalised to NFC on load; nothing
else is interpreted here. A missing or malformed file stops the build.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any


class ResultsError(Exception):
    """The results folder is missing or does not follow the contract."""


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ResultsError(f"Thiếu tệp kết quả {path}.") from exc
    except (OSError, ValueError) as exc:
        raise ResultsError(f"Không đọc được tệp kết quả {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ResultsError(f"Tệp kết quả {path} không phải một đối tượng JSON.")
    return _nfc(data)  # type: ignore[no-any-return]


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class YearResults:
    year: int
    rubric_id: str
    deadline: date | None
    cdht_target: dict[str, Any] | None
    counts: dict[str, Any]
    results: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
    status: list[dict[str, Any]]
    json_path: Path
    csv_path: Path

    # Indexed once: every unit page asks every year about its unit, and a scan per question
    # made the national-scale build quadratic in the number of units.
    @cached_property
    def _results_by_unit(self) -> dict[Any, dict[str, Any]]:
        return {r.get("unit_id"): r for r in reversed(self.results)}

    @cached_property
    def _rejections_by_unit(self) -> dict[Any, list[dict[str, Any]]]:
        out: dict[Any, list[dict[str, Any]]] = {}
        for r in self.rejected:
            out.setdefault(r.get("unit_id"), []).append(r)
        return out

    @cached_property
    def _status_by_unit(self) -> dict[Any, dict[str, Any]]:
        return {s.get("unit_id"): s for s in reversed(self.status)}

    def result_for(self, unit_id: str) -> dict[str, Any] | None:
        return self._results_by_unit.get(unit_id)

    def rejections_for(self, unit_id: str) -> list[dict[str, Any]]:
        return list(self._rejections_by_unit.get(unit_id, ()))

    def status_for(self, unit_id: str) -> dict[str, Any] | None:
        return self._status_by_unit.get(unit_id)


@dataclass(frozen=True)
class SiteData:
    folder: Path
    province: str
    sample: bool
    generated: datetime | None
    years: tuple[int, ...]
    latest_year: int | None
    units: tuple[dict[str, Any], ...]
    groups: tuple[str, ...]
    counts: dict[str, Any]
    by_year: dict[int, YearResults]

    @property
    def latest(self) -> YearResults | None:
        return self.by_year.get(self.latest_year) if self.latest_year is not None else None

    def unit(self, unit_id: str) -> dict[str, Any] | None:
        for u in self.units:
            if u.get("id") == unit_id:
                return u
        return None


def _load_year(folder: Path, year: int) -> YearResults:
    path = folder / f"ket-qua-{year}.json"
    data = _read_json(path)
    for key in ("results", "rejected", "status"):
        if not isinstance(data.get(key) or [], list):
            raise ResultsError(f"{path.name}: «{key}» phải là một danh sách.")
    target = data.get("cdht_target")
    return YearResults(
        year=year,
        rubric_id=str(data.get("rubric") or ""),
        deadline=_date(data.get("deadline")),
        cdht_target=target if isinstance(target, dict) else None,
        counts=data.get("counts") or {},
        results=[r for r in data.get("results") or [] if isinstance(r, dict)],
        rejected=[r for r in data.get("rejected") or [] if isinstance(r, dict)],
        status=[s for s in data.get("status") or [] if isinstance(s, dict)],
        json_path=path,
        csv_path=folder / f"ket-qua-{year}.csv",
    )


def load_results(folder: Path) -> SiteData:
    """Read the whole results folder; raise `ResultsError` with a Vietnamese message if it is unusable."""
    if not folder.is_dir():
        raise ResultsError(f"Không tìm thấy thư mục kết quả {folder}.")
    index = _read_json(folder / "index.json")
    try:
        years = tuple(sorted(int(y) for y in index.get("years") or []))
    except (TypeError, ValueError) as exc:
        raise ResultsError(f"index.json: danh sách năm không hợp lệ ({exc}).") from exc
    latest = index.get("latest_year")
    latest_year = int(latest) if latest is not None else (years[-1] if years else None)
    generated: datetime | None = None
    if index.get("generated"):
        try:
            generated = datetime.fromisoformat(str(index["generated"]))
        except ValueError:
            generated = None
    units = tuple(u for u in index.get("units") or [] if isinstance(u, dict) and u.get("id"))
    groups = tuple(str(g) for g in index.get("groups") or [])
    # Groups used by units but missing from the list still get their section.
    groups += tuple(dict.fromkeys(str(u["group"]) for u in units if u.get("group") and u["group"] not in groups))
    return SiteData(
        folder=folder,
        province=str(index.get("province") or ""),
        sample=bool(index.get("sample")),
        generated=generated,
        years=years,
        latest_year=latest_year,
        units=units,
        groups=groups,
        counts=index.get("counts") or {},
        by_year={y: _load_year(folder, y) for y in years},
    )
