"""The results folder: what scoring hands to the site, the downloads and the papers; written, and read back.

`index.json` holds the facts of the whole run (province, sample or not, when,
years, units, decisions, the sources read), and each year has
`ket-qua-<year>.json` (every result, rejection and status of that year) and
`ket-qua-<year>.csv` (the public table). The folder stays in the project
(`.hoctap/ket-qua/`), so plain `pelican` rebuilds the same site from it.
Files are replaced atomically, and only when their bytes change.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from scoring.errors import ScoringError
from scoring.points import PointsRubric
from scoring.publication import csv_lines, levels_columns, points_columns
from scoring.registry import Registry, Unit
from scoring.results import Authority, Deadline, Recognition, ResultRow, ScoreReport, SubmissionStatus
from scoring.results_json import (
    ContractError,
    RejectedRow,
    dec,
    number,
    recognition_from_json,
    recognition_to_json,
    rejected_from_json,
    rejected_to_json,
    row_from_json,
    row_to_json,
)
from scoring.rubric import Rubrics

CONTRACT_VERSION = 2


class ResultsError(ScoringError):
    """The results folder is missing or does not follow the contract."""


@dataclass(frozen=True)
class SourceRecord:
    """One input behind the results: its hash, where it came from, when, how many unit-years it held."""

    sha256: str
    origin: str
    kind: str
    time: str
    rows: int


@dataclass(frozen=True)
class PublicationInfo:
    sample: bool
    generated: datetime
    authority: Callable[[int], Authority]
    cdht_target: Callable[[int], tuple[Decimal, int] | None]
    sources: tuple[SourceRecord, ...] = ()
    decisions: tuple[Recognition, ...] = ()
    settings_notes: Mapping[str, str] = field(default_factory=dict)  # the legal choices made by settings, for the site
    inputs: str = ""  # a digest of everything the folder is made from (`hoctap.pipeline.inputs_digest`)


def _atomic_write(path: Path, content: bytes) -> bool:
    """Replace `path` only when its bytes change; True when written. A reader never sees half a file."""
    try:
        if path.read_bytes() == content:
            return False
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


def _json_bytes(doc: Any) -> bytes:
    """Compact UTF-8 JSON. orjson writes a national year's 50 MB in a tenth of `json.dumps`'s time; its bytes
    are `json.dumps(doc, ensure_ascii=False, separators=(",", ":"))`'s but for the spelling of very small
    floats (1e-7, not 1e-07), which every JSON reader reads as the same number."""
    return orjson.dumps(doc)


def _authority_json(a: Authority) -> dict[str, str]:
    return {"province": a.province, "receiving_body": a.receiving_body, "recognising_authority": a.recognising_authority,
            "governing_body": a.governing_body, "place": a.place, "note": a.note}


def _columns(rubrics: Rubrics, rubric_id: str | None, year: int) -> list[Any]:
    rubric = rubrics.by_id(rubric_id) if rubric_id else rubrics.for_year(year)
    if isinstance(rubric, PointsRubric):
        return points_columns(rubric.indicator_ids, [c.id for c in rubric.criteria])
    if rubric is None:
        return points_columns([], [])
    ids = sorted({i for s in rubric.sets.values() for i in s.indicator_ids}, key=lambda i: tuple(map(int, i.split("."))))
    return levels_columns(ids)


def year_document(report: ScoreReport, year: int, registry: Registry, rubrics: Rubrics, info: PublicationInfo) -> dict[str, Any]:
    one = report.for_year(year)
    target = info.cdht_target(year)
    rubric = rubrics.for_year(year)
    deadline = report.deadlines.get(year)
    units = {u.id: u for u in registry.units}
    return {
        "contract": CONTRACT_VERSION,
        "year": year,
        "rubric": rubric.id if rubric else None,
        "method": rubric.method if rubric else None,
        "deadline": {"before": deadline.before.isoformat(), "citation": deadline.citation} if deadline else None,
        "cdht_target": {"share": number(target[0]), "by_year": target[1]} if target else None,
        "authority": _authority_json(info.authority(year)),
        "counts": one.counts(),
        "results": [row_to_json(r) for r in one.results],
        "rejected": [rejected_to_json(r) for r in one.rejected],
        "status": [
            {"unit_id": s.unit_id, "name": units[s.unit_id].name, "group": units[s.unit_id].group, "status": s.status,
             "submitted": s.submitted.isoformat() if s.submitted else None}
            for s in one.statuses
        ],
    }


def _unit_json(u: Unit) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "short_name": u.short_name, "group": u.group, "level": u.level,
            "reviewing_body": u.reviewing_body, "first_year": u.first_year, "last_year": u.last_year, "cap": u.cap,
            "loai": u.loai, "cong_lap": u.cong_lap, "successor": u.successor}


def write_results_folder(report: ScoreReport, registry: Registry, rubrics: Rubrics, target: Path,
                         info: PublicationInfo, year_keys: Mapping[int, str] | None = None, *,
                         reuse: bool = True, verify: bool = False) -> list[Path]:
    """Write the folder; files whose content did not change keep their bytes and time. Returns what changed.

    `year_keys` (`hoctap.pipeline.year_inputs`): each year's files are stamped with the key they were written
    from and their digests, and with `reuse` a year whose stamp matches is not serialised again: its files are
    already those bytes. `verify` serialises it anyway and raises if the bytes differ (a key that missed an
    input). The stamps also tell `recorded_inputs` that no file was changed since.
    """
    target.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    years = report.years
    for year in years:
        path, csv_path = target / f"ket-qua-{year}.json", target / f"ket-qua-{year}.csv"
        key = (year_keys or {}).get(year) or "-"  # "-": no key to reuse by; the files are still stamped
        stamp = target / f".ket-qua-{year}.key"
        recorded = _text_of(stamp) if reuse and key != "-" else None
        if recorded is not None and recorded == _stamp(key, path, csv_path):
            if verify:
                _verify_year(report, year, registry, rubrics, info, path, csv_path)
            continue
        # The key goes last: a build stopped halfway leaves no key, and the year is written again next time.
        stamp.unlink(missing_ok=True)
        json_bytes, csv_bytes = _year_files(report, year, registry, rubrics, info)
        if _atomic_write(path, json_bytes):
            changed.append(path)
        if _atomic_write(csv_path, csv_bytes):
            changed.append(csv_path)
        _atomic_write(stamp, (_stamp(key, path, csv_path) or "").encode())
    for stale in target.glob("ket-qua-*.*"):
        stem = stale.stem.removeprefix("ket-qua-")
        if stem.isdigit() and int(stem) not in years:
            stale.unlink()
            changed.append(stale)
    for stale in target.glob(".ket-qua-*.key"):
        stem = stale.name.removeprefix(".ket-qua-").removesuffix(".key")
        if not stem.isdigit() or int(stem) not in years:
            stale.unlink()
    index = {
        "contract": CONTRACT_VERSION,
        "sample": info.sample,
        "generated": info.generated.isoformat(timespec="seconds"),
        "years": years,
        "latest_year": years[-1] if years else None,
        "units": [_unit_json(u) for u in registry.units],
        "groups": list(registry.groups),
        "counts": report.counts(),
        "rejected_no_year": [rejected_to_json(r) for r in report.rejected if r.year is None],
        "decisions": [recognition_to_json(d) for d in info.decisions],
        "sources": [s.__dict__ for s in info.sources],
        "settings_notes": dict(info.settings_notes),
        "inputs": info.inputs,
    }
    index_path = target / "index.json"
    if not changed and _same_data(index, index_path):
        return changed  # nothing new: the folder keeps its date (and the site its pages)
    if _atomic_write(index_path, json.dumps(index, ensure_ascii=False, indent=1).encode("utf-8")):
        changed.append(index_path)
    return changed


def _year_files(report: ScoreReport, year: int, registry: Registry, rubrics: Rubrics,
                info: PublicationInfo) -> tuple[bytes, bytes]:
    """The year's JSON document and its public CSV table."""
    doc = year_document(report, year, registry, rubrics, info)
    return _json_bytes(doc), csv_lines(report.for_year(year).results, _columns(rubrics, doc["rubric"], year))


def _verify_year(report: ScoreReport, year: int, registry: Registry, rubrics: Rubrics, info: PublicationInfo,
                 path: Path, csv_path: Path) -> None:
    json_bytes, csv_bytes = _year_files(report, year, registry, rubrics, info)
    if path.read_bytes() != json_bytes or csv_path.read_bytes() != csv_bytes:
        raise ResultsError(f"Kết quả năm {year} được giữ lại nhưng khác bản tính mới (khóa thiếu một đầu vào).")


def _stamp(key: str, *files: Path) -> str | None:
    """The year's key with the digest of each file written from it: files changed since do not match."""
    try:
        return " ".join([key, *(hashlib.blake2b(f.read_bytes(), digest_size=20).hexdigest() for f in files)])
    except OSError:
        return None


def _text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def recorded_inputs(folder: Path) -> tuple[str, Mapping[str, int]] | None:
    """The inputs digest and counts the folder's index records, when the folder is whole (every year's files
    as their stamp says hoctap wrote them); else None."""
    try:
        index = json.loads((folder / "index.json").read_bytes())
        years = [int(y) for y in index["years"]]
        counts = {str(k): int(v) for k, v in index["counts"].items()}
        inputs = str(index.get("inputs") or "")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if index.get("contract") != CONTRACT_VERSION or not all(_intact(folder, y) for y in years):
        return None
    return inputs, counts


def _intact(folder: Path, year: int) -> bool:
    """The year's files are the bytes its stamp records (none changed by hand, none half-written)."""
    recorded = _text_of(folder / f".ket-qua-{year}.key")
    key = recorded.split(" ", 1)[0] if recorded else ""
    return bool(key) and recorded == _stamp(key, folder / f"ket-qua-{year}.json", folder / f"ket-qua-{year}.csv")


def _same_data(index: dict[str, Any], path: Path) -> bool:
    """The index says what the folder's index says, but for when it was written and when each source was read."""
    try:
        before = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False

    def timeless(doc: dict[str, Any]) -> dict[str, Any]:
        sources = [{k: v for k, v in s.items() if k != "time"} for s in doc.get("sources", []) if isinstance(s, dict)]
        return {**{k: v for k, v in doc.items() if k != "generated"}, "sources": sources}

    return isinstance(before, dict) and timeless(before) == timeless(index)


# --- reading it back ----------------------------------------------------------------------------------


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
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except FileNotFoundError:
        raise ResultsError(f"Thiếu tệp kết quả {path}: hãy chạy «hoctap run» (hoặc «hoctap build») trước.") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ResultsError(f"Không đọc được tệp kết quả {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"Tệp kết quả {path} không phải một đối tượng JSON.")
    if "\\u" not in text and unicodedata.is_normalized("NFC", text):
        return data  # what hoctap writes: every string is already NFC (an escape could hide a decomposed letter)
    out: dict[str, Any] = _nfc(data)
    return out


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


def _unit_digests(data: dict[str, Any]) -> dict[str, str]:
    """Per unit, a digest of everything the year's file says about it (result, rejections, status)."""
    parts: dict[str, list[bytes]] = {}
    for section in ("results", "rejected", "status"):
        for entry in data.get(section) or ():
            unit_id = entry.get("unit_id") if isinstance(entry, dict) else None
            if isinstance(unit_id, str):
                parts.setdefault(unit_id, []).append(section.encode() + orjson.dumps(entry))
    return {k: hashlib.blake2b(b"\n".join(v), digest_size=16).hexdigest() for k, v in parts.items()}


def _load_year(folder: Path, year: int) -> PublishedYear:
    path = folder / f"ket-qua-{year}.json"
    data = _read_json(path)
    csv_path = folder / f"ket-qua-{year}.csv"
    try:
        csv_bytes = csv_path.read_bytes()
    except OSError:
        raise ResultsError(f"Thiếu tệp kết quả {csv_path}: hãy chạy «hoctap run» (hoặc «hoctap build») trước.") from None
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
            sha=hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest(), unit_digests=_unit_digests(data),
            csv_sha=hashlib.blake2b(csv_bytes, digest_size=20).hexdigest(),
        )
    except (KeyError, TypeError, ValueError, ContractError) as exc:
        raise ResultsError(f"{path.name}: không đúng cấu trúc kết quả ({exc}).") from None


def load_results_folder(folder: Path) -> PublishedResults:
    """Read the whole results folder; raise `ResultsError` with a Vietnamese message if it is unusable."""
    if not folder.is_dir():
        raise ResultsError(f"Không tìm thấy thư mục kết quả {folder}: hãy chạy «hoctap run» (hoặc «hoctap build») trước.")
    index = _read_json(folder / "index.json")
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
            by_year={y: _load_year(folder, y) for y in years},
        )
    except (KeyError, TypeError, ValueError, ContractError) as exc:
        raise ResultsError(f"{folder / 'index.json'}: không đúng cấu trúc kết quả ({exc}).") from None

