"""The results folder read back: what the site, the downloads and the papers read (`load_results_folder`).

Every file is checked against the contract (`scoring.results_json`); a folder
that does not follow it is refused with a Vietnamese `ResultsError`, never
half-read. Each year also carries the digests an incremental site build keys
its pages on: of the year's files, and of what the year says about each unit.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from scoring import year_stamps
from scoring.bulk import collector_paused
from scoring.registry import Registry, Unit
from scoring.results import Authority, Deadline, Recognition, ResultRow, SubmissionStatus
from scoring.results_folder import CONTRACT_VERSION, ResultsError, SourceRecord
from scoring.results_gate import GateReader
from scoring.results_json import (
    ContractError,
    RejectedRow,
    dec,
    recognition_from_json,
    rejected_from_json,
    row_from_json,
)
from scoring.text import nfc_all


def _read_json(path: Path, vouched: bool = False) -> tuple[dict[str, Any], bytes]:
    """The document and its bytes. `vouched`: the year's stamp says hoctap wrote these very bytes, and hoctap
    writes a year's document in NFC (`results_folder._json_bytes`), so the check for decomposed letters (a
    quarter of a second on a national year) is skipped."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ResultsError(f"Thiếu tệp kết quả {path}: hãy chạy «hoctap run» (hoặc «hoctap build») trước.") from None
    except OSError as exc:
        raise ResultsError(f"Không đọc được tệp kết quả {path}: {exc}") from None
    try:
        data = orjson.loads(raw)  # twice as fast as `json`; it refuses what `json` may still read (an integer
    except orjson.JSONDecodeError:  # beyond 64 bits), which then gets the reading and the message of `json`
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ResultsError(f"Không đọc được tệp kết quả {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"Tệp kết quả {path} không phải một đối tượng JSON.")
    if vouched:
        return data, raw
    text = raw.decode("utf-8")
    if "\\u" not in text and unicodedata.is_normalized("NFC", text):
        return data, raw  # every string is already NFC (an escape could hide a decomposed letter)
    out: dict[str, Any] = nfc_all(data)
    return out, raw


@dataclass(frozen=True)
class StatusEntry:
    unit_id: str
    name: str
    group: str
    status: SubmissionStatus
    submitted: date | None


@dataclass(frozen=True)
class PublishedYear:
    year: int
    rubric_id: str | None
    method: str | None
    deadline: Deadline | None
    cdht_target: tuple[Decimal, int] | None
    authority: Authority
    counts: Mapping[str, int]
    results: tuple[ResultRow, ...]
    rejected: tuple[RejectedRow, ...]
    status: tuple[StatusEntry, ...]
    json_path: Path
    csv_path: Path
    # For incremental site builds: a digest of the file, and of what it says about each unit.
    sha: str = ""
    csv_sha: str = ""  # the downloads copy the year's CSV
    unit_digests: Mapping[str, str] = field(default_factory=dict)

    # Indexed once: every unit page asks every year about its unit.
    @cached_property
    def _results_by_unit(self) -> dict[str, ResultRow]:
        return {r.unit_id: r for r in self.results}

    @cached_property
    def _rejections_by_unit(self) -> dict[str, list[RejectedRow]]:
        out: dict[str, list[RejectedRow]] = {}
        for r in self.rejected:
            if r.unit_id is not None and r.known_unit:
                out.setdefault(r.unit_id, []).append(r)
        return out

    @cached_property
    def _status_by_unit(self) -> dict[str, StatusEntry]:
        return {s.unit_id: s for s in self.status}

    def result_for(self, unit_id: str) -> ResultRow | None:
        return self._results_by_unit.get(unit_id)

    def rejections_for(self, unit_id: str) -> list[RejectedRow]:
        return list(self._rejections_by_unit.get(unit_id, ()))

    def status_for(self, unit_id: str) -> StatusEntry | None:
        return self._status_by_unit.get(unit_id)


@dataclass(frozen=True)
class PublishedResults:
    folder: Path
    sample: bool
    generated: datetime
    years: tuple[int, ...]
    latest_year: int | None
    units: tuple[Unit, ...]
    groups: tuple[str, ...]
    counts: Mapping[str, int]
    rejected_no_year: tuple[RejectedRow, ...]
    decisions: tuple[Recognition, ...]
    sources: tuple[SourceRecord, ...]
    settings_notes: Mapping[str, str]
    by_year: Mapping[int, PublishedYear]

    @property
    def latest(self) -> PublishedYear | None:
        return self.by_year.get(self.latest_year) if self.latest_year is not None else None

    @cached_property
    def registry(self) -> Registry:
        return Registry(self.units)

    @property
    def province(self) -> str:
        latest = self.latest
        return latest.authority.province if latest else ""


def _deadline(d: Any) -> Deadline | None:
    if not isinstance(d, dict):
        return None
    return Deadline(date.fromisoformat(str(d["before"])), str(d.get("citation") or ""))


def _unit(d: Mapping[str, Any]) -> Unit:
    return Unit(id=str(d["id"]), name=str(d["name"]), short_name=str(d["short_name"]), group=str(d["group"]),
                level=str(d.get("level") or ""), reviewing_body=str(d.get("reviewing_body") or ""),
                first_year=int(d["first_year"]), last_year=None if d.get("last_year") is None else int(d["last_year"]),
                cap=d.get("cap"), loai=d.get("loai"), cong_lap=d.get("cong_lap"), successor=d.get("successor"))


def _load_year(folder: Path, year: int) -> PublishedYear:
    path, csv_path = year_stamps.year_files(folder, year)
    stamped = year_stamps.digests(folder, year)
    data, raw = _read_json(path, vouched=stamped is not None)
    if stamped is None:
        try:
            csv_bytes = csv_path.read_bytes()
        except OSError:
            raise ResultsError(f"Thiếu tệp kết quả {csv_path}: hãy chạy «hoctap run» (hoặc «hoctap build») trước.") from None
        stamped = (year_stamps.digest(raw), year_stamps.digest(csv_bytes))
    try:
        target = data.get("cdht_target")
        a = data["authority"]
        return PublishedYear(
            year=year, rubric_id=data.get("rubric"), method=data.get("method"), deadline=_deadline(data.get("deadline")),
            cdht_target=(dec(target["share"]), int(target["by_year"])) if isinstance(target, dict) else None,  # type: ignore[arg-type]
            authority=Authority(str(a["province"]), str(a["receiving_body"]), str(a["recognising_authority"]),
                                str(a["governing_body"]), str(a["place"]), str(a.get("note") or "")),
            counts={k: int(v) for k, v in data["counts"].items()},
            results=tuple(row_from_json(r) for r in data["results"]),
            rejected=tuple(rejected_from_json(r) for r in data["rejected"]),
            status=tuple(StatusEntry(str(s["unit_id"]), str(s["name"]), str(s["group"]), s["status"],
                                     date.fromisoformat(s["submitted"]) if s.get("submitted") else None)
                         for s in data["status"]),
            json_path=path, csv_path=csv_path,
            sha=stamped[0], csv_sha=stamped[1],
            unit_digests=year_stamps.recorded_units(folder, year, stamped[0]) or year_stamps.unit_digests(data),
        )
    except (KeyError, TypeError, ValueError, ContractError) as exc:
        raise ResultsError(f"{path.name}: không đúng cấu trúc kết quả ({exc}).") from None


def load_year(folder: Path, year: int) -> PublishedYear:
    """One year of the results folder, alone (the downloads process reads one year at a time)."""
    with collector_paused():
        return _load_year(folder, year)


def load_results_folder(folder: Path, gate: GateReader | None = None,
                        ready: Callable[[], None] | None = None) -> PublishedResults:
    """Read the whole results folder; raise `ResultsError` with a Vietnamese message if it is unusable.

    `gate`: the folder is still being written (`scoring.results_gate`). The years the writer says it keeps are
    read while it works; once the gate opens, a year any of whose files was replaced meanwhile is read again,
    so the result is always that of reading the folder afterwards. `ready`: called once the folder is written
    (at once without a gate), before the rest is read: another reader may start then.
    """
    with collector_paused():  # every year's rows: hundreds of thousands of objects, none in a cycle
        early: dict[int, tuple[Any, PublishedYear]] = {}
        if gate is not None:
            for year in gate.kept():
                state = year_stamps.year_state(folder, year)  # before the bytes: a file replaced later differs
                try:
                    early[year] = (state, _load_year(folder, year))
                except ResultsError:
                    continue  # read again, and judged, once the folder is written
            gate.wait()
            early = {y: found for y, found in early.items() if year_stamps.year_state(folder, y) == found[0]}
        if ready is not None:
            ready()
        return _load_results_folder(folder, {y: found[1] for y, found in early.items()})


def _load_results_folder(folder: Path, early: Mapping[int, PublishedYear]) -> PublishedResults:
    if not folder.is_dir():
        raise ResultsError(f"Không tìm thấy thư mục kết quả {folder}: hãy chạy «hoctap run» (hoặc «hoctap build») trước.")
    index, _ = _read_json(folder / "index.json")
    if index.get("contract") != CONTRACT_VERSION:
        raise ResultsError(f"{folder / 'index.json'}: kết quả được ghi bởi phiên bản hoctap khác; hãy chạy lại «hoctap run».")
    try:
        years = tuple(sorted(int(y) for y in index["years"]))
        return PublishedResults(
            folder=folder, sample=bool(index["sample"]), generated=datetime.fromisoformat(str(index["generated"])),
            years=years, latest_year=years[-1] if years else None,
            units=tuple(_unit(u) for u in index["units"]), groups=tuple(str(g) for g in index["groups"]),
            counts={k: int(v) for k, v in index["counts"].items()},
            rejected_no_year=tuple(rejected_from_json(r) for r in index.get("rejected_no_year", [])),
            decisions=tuple(recognition_from_json(d) for d in index.get("decisions", [])),
            sources=tuple(SourceRecord(**s) for s in index.get("sources", [])),
            settings_notes={str(k): str(v) for k, v in (index.get("settings_notes") or {}).items()},
            by_year={y: early[y] if y in early else _load_year(folder, y) for y in years},
        )
    except (KeyError, TypeError, ValueError, ContractError) as exc:
        raise ResultsError(f"{folder / 'index.json'}: không đúng cấu trúc kết quả ({exc}).") from None

