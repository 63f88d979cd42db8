"""The results contract as JSON, both ways: what `score --json` prints and what the results folder stores.

`public_entry` is the documented shape of INTERFACES.md; `row_to_json` adds
the published details (group, shares, checks, recognition …) and
`row_from_json` reads them back into the same typed `ResultRow`, so the site
plugin, the downloads and the papers read exactly what the scorer wrote.
Numbers travel as JSON numbers and come back as exact `Decimal`s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, cast

from scoring.lazy_mapping import LazyMapping
from scoring.problems import Rejection
from scoring.results import (
    Basis,
    CheckResult,
    IndicatorCheck,
    LevelsOutcome,
    Outcome,
    PointsOutcome,
    Recognition,
    ResultRow,
    ScoreReport,
    SubmissionStatus,
)


class ContractError(ValueError):
    """A results document does not follow the contract (a damaged or hand-edited results folder)."""


def number(value: Decimal | None) -> int | float | None:
    """JSON number: 10 stays 10, 9.5 stays 9.5 (Decimal → the float with the same shortest repr)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# The numbers a results file holds repeat (a share has four decimals, points two): each is read once.
_DECIMALS: dict[tuple[type, int | float | str], Decimal] = {}


def dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    kind = type(value)
    cached = kind is int or kind is float or kind is str  # what a JSON reader gives (never bool: checked below)
    if cached and (found := _DECIMALS.get((kind, value))) is not None:
        return found  # 1 and 1.0 read as Decimal("1") and Decimal("1.0"): the type is in the key
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ContractError(f"không phải số: {value!r}")
    found = Decimal(str(value))
    if cached and value != 0 and len(_DECIMALS) < 100_000:  # -0.0 equals 0.0 as a key; the table stays bounded
        _DECIMALS[(kind, value)] = found
    return found


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ContractError(f"không phải ngày: {value!r}") from None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- the public document of INTERFACES.md -----------------------------------------------------------


def public_entry(row: ResultRow) -> dict[str, Any]:
    head: dict[str, Any] = {"unit_id": row.unit_id, "year": row.year, "name": row.name, "rubric": row.rubric,
                            "method": row.method}
    outcome = row.outcome
    if isinstance(outcome, PointsOutcome):
        return {**head, "points": {k: number(v) for k, v in outcome.points.items()}, "total": number(outcome.total),
                "class": outcome.klass, "basis": row.basis, "rank": outcome.rank}
    return {**head, "set": outcome.set, "level_requested": outcome.level_requested, "level_met": outcome.level_met,
            "checks": {k: c.result for k, c in outcome.checks.items()}, "basis": row.basis}


def rejection_entry(rejection: Rejection) -> dict[str, Any]:
    return {
        "unit_id": rejection.unit_id,
        "year": rejection.year,
        "where": rejection.where,
        "reasons": rejection.reasons(),
        "codes": rejection.codes,
    }


def document(report: ScoreReport) -> dict[str, Any]:
    """`hoctap score --json`: the public results document."""
    return {
        "counts": report.counts(),
        "results": [public_entry(r) for r in report.results],
        "rejected": [rejection_entry(r) for r in report.rejected],
    }


# --- the full row, both ways ------------------------------------------------------------------------


def _check_to_json(c: IndicatorCheck) -> dict[str, Any]:
    return {
        "result": c.result, "by_level": {str(k): v for k, v in c.by_level.items()}, "answer": c.answer,
        "count": c.count, "share": number(c.share), "learners_count": c.learners_count,
        "learners_share": number(c.learners_share), "evidence": c.evidence, "self_result": c.self_result,
        "council": c.council, "reasons": list(c.reasons),
    }


def _checks_to_json(checks: Mapping[str, IndicatorCheck]) -> dict[str, dict[str, Any]]:
    raw = _unread(checks)  # the same dicts, read-only, as a document's are once written
    return raw if raw is not None else {k: _check_to_json(c) for k, c in checks.items()}


def _check_from_json(key: str, d: Mapping[str, Any]) -> IndicatorCheck:
    return IndicatorCheck(
        id=key, result=cast(CheckResult, d["result"]),
        by_level={int(k): cast(CheckResult, v) for k, v in d["by_level"].items()},
        answer=d.get("answer"), count=d.get("count"), share=dec(d.get("share")),
        learners_count=d.get("learners_count"), learners_share=dec(d.get("learners_share")),
        evidence=d.get("evidence"), self_result=cast(CheckResult, d.get("self_result", "khong-ap-dung")),
        council=d.get("council"), reasons=tuple(d.get("reasons") or ()),
    )


def _checks_from_json(checks: Mapping[str, Any], where: str) -> dict[str, IndicatorCheck]:
    try:
        return {k: _check_from_json(k, v) for k, v in checks.items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ContractError(f"{where}: kết quả chỉ tiêu không đúng hợp đồng ({type(exc).__name__}: {exc})") from None


class RawChecks(LazyMapping[str, IndicatorCheck]):
    """A row's checks that can be read as the results file holds them (`unread`) until they are built as
    objects: what the results writer, `judged` and `check_result` read, so a year's hundreds of thousands of
    checks need not become objects to be written or listed."""

    __slots__ = ()

    @property
    def unread(self) -> dict[str, dict[str, Any]] | None:
        """The checks as the file holds them (each as `_check_to_json` writes it), while not built yet."""
        raise NotImplementedError


class JsonChecks(RawChecks):
    """A row's checks as read from a results file, made into objects when first read: a rebuild that reads one
    year's checks (its pages and downloads) does not build every year's hundreds of thousands. Their shape is
    checked when read; a value that does not read is found when they are built, and `where` names the file and
    unit."""

    __slots__ = ("_raw",)

    def __init__(self, raw: dict[str, dict[str, Any]], where: str) -> None:
        super().__init__(partial(_checks_from_json, raw, where))
        self._raw: dict[str, dict[str, Any]] | None = raw

    def _dict(self) -> dict[str, IndicatorCheck]:
        built = self._data
        if built is None:
            built = super()._dict()
            self._raw = None  # the objects stand for it now
        return built

    @property
    def unread(self) -> dict[str, dict[str, Any]] | None:
        """The checks as the file holds them, while they are not built yet (`judged`, `check_result`)."""
        return self._raw


def _unread(checks: Mapping[str, IndicatorCheck]) -> dict[str, dict[str, Any]] | None:
    return checks.unread if isinstance(checks, RawChecks) else None


def judged(checks: Mapping[str, IndicatorCheck], result: CheckResult) -> tuple[str, ...]:
    """The ids of `checks` judged `result`, in their order. Checks read from a file and not built yet are read
    as the file holds them (the built objects hold the same value): a year's list of levels names each row's
    failing chỉ tiêu, and its ten thousand rows' checks need not become objects."""
    raw = _unread(checks)
    if raw is not None:
        return tuple(k for k, v in raw.items() if v["result"] == result)
    return tuple(k for k, c in checks.items() if c.result == result)


def check_result(checks: Mapping[str, IndicatorCheck], check_id: str) -> CheckResult | None:
    """The judgement of chỉ tiêu `check_id`, or None when `checks` has none; read as `judged` reads it (the
    year's downloads ask it of every row and chỉ tiêu)."""
    raw = _unread(checks)
    if raw is not None:
        entry = raw.get(check_id)
        return cast(CheckResult, entry["result"]) if entry is not None else None
    found = checks.get(check_id)
    return found.result if found is not None else None


def _lazy_checks(checks: Any, where: str) -> JsonChecks:
    if not isinstance(checks, dict) or not all(isinstance(v, dict) and "result" in v and "by_level" in v
                                               for v in checks.values()):
        raise ContractError("kết quả chỉ tiêu không đúng hợp đồng")
    return JsonChecks(checks, where)


def _outcome_to_json(outcome: Outcome) -> dict[str, Any]:
    if isinstance(outcome, PointsOutcome):
        return {
            "points": {k: number(v) for k, v in outcome.points.items()},
            "criteria": {k: number(v) for k, v in outcome.criteria.items()},
            "total": number(outcome.total), "class": outcome.klass, "self_total": number(outcome.self_total),
            "rank": outcome.rank, "rank_in_group": outcome.rank_in_group,
            "previous_total": number(outcome.previous_total), "change": number(outcome.change),
        }
    return {
        "set": outcome.set, "level_requested": outcome.level_requested, "level_met": outcome.level_met,
        "self_level_met": outcome.self_level_met,
        "checks": _checks_to_json(outcome.checks),
        "criteria_met": dict(outcome.criteria_met), "learners": outcome.learners,
        "learners_cdht": outcome.learners_cdht, "council_reasons": outcome.council_reasons,
    }


def _outcome_from_json(method: str, d: Mapping[str, Any], where: str = "") -> Outcome:
    if method == "points":
        return PointsOutcome(
            points={k: cast(Decimal, dec(v)) for k, v in d["points"].items()},
            criteria={k: cast(Decimal, dec(v)) for k, v in d["criteria"].items()},
            total=cast(Decimal, dec(d["total"])), klass=str(d["class"]), self_total=cast(Decimal, dec(d["self_total"])),
            rank=int(d["rank"]), rank_in_group=int(d["rank_in_group"]),
            previous_total=dec(d.get("previous_total")), change=dec(d.get("change")),
        )
    if method == "levels":
        return LevelsOutcome(
            set=str(d["set"]), level_requested=int(d["level_requested"]), level_met=int(d["level_met"]),
            self_level_met=int(d["self_level_met"]),
            checks=_lazy_checks(d["checks"], where),
            criteria_met={k: bool(v) for k, v in d["criteria_met"].items()},
            learners=d.get("learners"), learners_cdht=d.get("learners_cdht"), council_reasons=d.get("council_reasons"),
        )
    raise ContractError(f"phương pháp «{method}» không có trong hợp đồng kết quả")


def recognition_to_json(r: Recognition) -> dict[str, Any]:
    return {"number": r.number, "signed": r.signed.isoformat(), "signer": r.signer, "unit_id": r.unit_id,
            "year": r.year, "set": r.set, "level": r.level, "valid_until_year": r.valid_until_year}


def recognition_from_json(d: Mapping[str, Any]) -> Recognition:
    signed = _date(d["signed"])
    assert signed is not None
    return Recognition(str(d["number"]), signed, str(d["signer"]), str(d["unit_id"]), int(d["year"]), str(d["set"]),
                       int(d["level"]), int(d["valid_until_year"]))


def row_to_json(row: ResultRow) -> dict[str, Any]:
    return {
        "unit_id": row.unit_id, "year": row.year, "name": row.name, "short_name": row.short_name, "group": row.group,
        "rubric": row.rubric, "method": row.method, "basis": row.basis, "outcome": _outcome_to_json(row.outcome),
        "source": row.source, "members": row.members, "cdht": row.cdht, "cdht_share": number(row.cdht_share),
        "cdht_meets_target": row.cdht_meets_target, "ban_khuyen_hoc": row.ban_khuyen_hoc, "plan_url": row.plan_url,
        "submitted": _iso(row.submitted), "submission_status": row.submission_status, "evidence": dict(row.evidence),
        "note": row.note, "council_note": row.council_note,
        "recognition": recognition_to_json(row.recognition) if row.recognition else None,
        "warnings": list(row.warnings),
    }


def row_from_json(d: Mapping[str, Any]) -> ResultRow:
    try:
        return ResultRow(
            unit_id=str(d["unit_id"]), year=int(d["year"]), name=str(d["name"]), short_name=str(d["short_name"]),
            group=str(d["group"]), rubric=str(d["rubric"]), basis=cast(Basis, d["basis"]),
            outcome=_outcome_from_json(str(d["method"]), d["outcome"], f"ket-qua-{d['year']}.json, đơn vị {d['unit_id']}"),
            source=str(d.get("source") or ""),
            members=d.get("members"), cdht=d.get("cdht"), cdht_share=dec(d.get("cdht_share")),
            cdht_meets_target=d.get("cdht_meets_target"), ban_khuyen_hoc=d.get("ban_khuyen_hoc"),
            plan_url=d.get("plan_url"), submitted=_date(d.get("submitted")),
            submission_status=cast(SubmissionStatus, d.get("submission_status", "khong-ro-ngay")),
            evidence=dict(d.get("evidence") or {}), note=d.get("note"), council_note=d.get("council_note"),
            recognition=recognition_from_json(d["recognition"]) if d.get("recognition") else None,
            warnings=tuple(d.get("warnings") or ()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ContractError(f"kết quả không đúng hợp đồng ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True)
class RejectedRow:
    """A rejected unit-year as published: where, why, with which codes; never a page of its own."""

    unit_id: str | None
    unit_label: str
    year: int | None
    where: str
    reasons: tuple[str, ...]
    codes: tuple[str, ...]
    known_unit: bool


def rejected_to_json(rejection: Rejection) -> dict[str, Any]:
    return {**rejection_entry(rejection), "unit_label": rejection.unit_label, "known_unit": rejection.known_unit}


def rejected_from_json(d: Mapping[str, Any]) -> RejectedRow:
    try:
        return RejectedRow(
            unit_id=None if d.get("unit_id") is None else str(d["unit_id"]), unit_label=str(d.get("unit_label") or ""),
            year=None if d.get("year") is None else int(d["year"]), where=str(d.get("where") or ""),
            reasons=tuple(str(x) for x in d.get("reasons") or ()), codes=tuple(str(x) for x in d.get("codes") or ()),
            known_unit=bool(d.get("known_unit", True)),
        )
    except (TypeError, ValueError) as exc:
        raise ContractError(f"phiếu bị từ chối không đúng hợp đồng ({exc})") from None
