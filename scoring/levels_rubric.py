"""The `levels` part of a rubric file (Thông tư 24/2023/TT-BGDĐT): sets, levels, chỉ tiêu, unit types.

Every chỉ tiêu carries its legal text and citation per level, its input kind,
its threshold per level, and the unit types it applies to, so the scorer, the
agencies' tab, the criteria page and the papers all read the law from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast

from scoring.errors import RubricError
from scoring.rubric_base import RubricInfo, number, req, text, whole

Kind = Literal["yes-no", "share", "cdht", "digital"]
KINDS: tuple[Kind, ...] = ("yes-no", "share", "cdht", "digital")
LEVELS = (1, 2)
# Digital-transformation levels of QĐ 4725/QĐ-BGDĐT and QĐ 4740/QĐ-BGDĐT, lowest first.
DIGITAL_LEVELS: dict[str, str] = {"chua-dat": "Chưa đạt", "co-ban": "Mức đáp ứng cơ bản", "tot": "Mức đáp ứng tốt"}


@dataclass(frozen=True)
class UnitType:
    """A `loai` of the registry, with what the law says about it."""

    id: str
    label: str
    education: bool  # a Cơ sở giáo dục (Điều 2 khoản 1–2)
    learners: bool  # has Người học (Điều 2 khoản 8 excludes preschools, primary and THCS schools)
    public_default: bool  # `cong_lap` when the registry leaves it empty


@dataclass(frozen=True)
class Applicability:
    types: frozenset[str] | None  # None: every type
    exclude_types: frozenset[str]
    public_only: bool  # "đối với đơn vị là cơ quan, đơn vị sự nghiệp công lập"

    def applies(self, unit_type: str, public: bool) -> bool:
        if self.types is not None and unit_type not in self.types:
            return False
        if unit_type in self.exclude_types:
            return False
        return public or not self.public_only

    def describe(self, types: Mapping[str, UnitType]) -> str:
        parts = []
        if self.types is not None:
            parts.append("chỉ " + ", ".join(types[t].label for t in sorted(self.types) if t in types))
        if self.exclude_types:
            parts.append("trừ " + ", ".join(types[t].label for t in sorted(self.exclude_types) if t in types))
        if self.public_only:
            parts.append("chỉ cơ quan, đơn vị sự nghiệp công lập")
        return "; ".join(parts) or "mọi đơn vị"


@dataclass(frozen=True)
class LevelRule:
    """One chỉ tiêu at one level: its text, its citation, its threshold and to whom it applies."""

    level: int
    text: str
    citation: str
    applies: Applicability
    threshold: Decimal | None = None  # percent of members (share, cdht)
    learners_threshold: Decimal | None = None  # percent of Người học (cdht in an institution with learners)
    digital_min: str | None = None  # the lowest digital level that meets it


@dataclass(frozen=True)
class LevelIndicator:
    id: str
    criterion_id: str
    kind: Kind
    short: str  # a short label for tables
    levels: Mapping[int, LevelRule]

    def rule(self, level: int) -> LevelRule:
        return self.levels[level]


@dataclass(frozen=True)
class LevelCriterion:
    id: str
    title: str
    citations: Mapping[int, str]
    indicators: tuple[LevelIndicator, ...]


@dataclass(frozen=True)
class CriteriaSet:
    id: str  # "cap-huyen" / "cap-tinh"
    cap: str  # the registry's `cap`: "huyen" / "tinh"
    title: str
    level_citations: Mapping[int, str]  # "Điều 6" / "Điều 7"
    condition_citations: Mapping[int, str]  # "khoản 1 Điều 8" …
    evaluation_citation: str  # "Điều 9"
    process_citation: str  # "Điều 10"
    authority: str  # who recognises: "Chủ tịch Ủy ban nhân dân cấp huyện"
    authority_citation: str
    receiving_body: str  # where the dossier goes: "Phòng Giáo dục và Đào tạo"
    receiving_citation: str
    council: str  # "Hội đồng đánh giá cấp huyện"
    council_citation: str
    criteria: tuple[LevelCriterion, ...]

    @cached_property
    def indicators(self) -> tuple[LevelIndicator, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    @cached_property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    def indicator(self, indicator_id: str) -> LevelIndicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


@dataclass(frozen=True)
class Cited:
    value: int
    citation: str


@dataclass(frozen=True)
class LevelsRubric:
    info: RubricInfo
    sets: Mapping[str, CriteriaSet]
    unit_types: Mapping[str, UnitType]
    decision_by: tuple[int, int, str]  # (month, day, citation): recognition decided before this date
    validity_years: Cited  # "bảo lưu trong thời hạn 03 năm (36 tháng) tiếp theo năm được công nhận"
    upgrade_months: Cited  # level 2 may be requested 12 months after the level-1 decision
    evidence_rule: str  # "Các tiêu chí, chỉ tiêu không có minh chứng phù hợp được đánh giá là không đạt."
    evidence_citation: str

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def method(self) -> str:
        return "levels"

    def set_for_cap(self, cap: str) -> CriteriaSet | None:
        return next((s for s in self.sets.values() if s.cap == cap), None)

    @cached_property
    def all_indicator_ids(self) -> frozenset[str]:
        return frozenset(i for s in self.sets.values() for i in s.indicator_ids)


def _applicability(table: Mapping[str, Any], base: Applicability | None, types: Mapping[str, UnitType],
                   where: str, path: Path) -> Applicability:
    def type_set(key: str) -> frozenset[str] | None:
        raw = table.get(key)
        if raw is None:
            return None
        if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
            raise RubricError(f"{path.name}: «{key}» ở {where} phải là danh sách loại đơn vị.")
        unknown = sorted(set(raw) - set(types))
        if unknown:
            raise RubricError(f"{path.name}: loại đơn vị không có trong unit_types ở {where}: {', '.join(unknown)}.")
        return frozenset(raw)

    only = type_set("types")
    exclude = type_set("exclude_types")
    public = table.get("public_only")
    if base is None:
        base = Applicability(None, frozenset(), False)
    return Applicability(
        types=only if only is not None else base.types,
        exclude_types=exclude if exclude is not None else base.exclude_types,
        public_only=bool(public) if public is not None else base.public_only,
    )


def _indicator(raw: dict[str, Any], criterion_id: str, types: Mapping[str, UnitType], path: Path) -> LevelIndicator:
    iid = text(raw, "id", f"một chỉ tiêu của tiêu chí {criterion_id}", path)
    if not iid.startswith(f"{criterion_id}."):
        raise RubricError(f"{path.name}: chỉ tiêu {iid} không thuộc tiêu chí {criterion_id}.")
    kind = cast(Kind, text(raw, "kind", f"chỉ tiêu {iid}", path))
    if kind not in KINDS:
        raise RubricError(f"{path.name}: loại «{kind}» của chỉ tiêu {iid} không hợp lệ ({', '.join(KINDS)}).")
    base = _applicability(raw, None, types, f"chỉ tiêu {iid}", path)
    levels: dict[int, LevelRule] = {}
    for level in LEVELS:
        where = f"chỉ tiêu {iid}, mức độ {level}"
        rule = req(raw, f"level{level}", f"chỉ tiêu {iid}", path)
        threshold = learners = None
        digital = None
        if kind in ("share", "cdht"):
            threshold = number(req(rule, "threshold", where, path), f"ngưỡng ở {where}", path)
            if not 0 < threshold <= 100:
                raise RubricError(f"{path.name}: ngưỡng ở {where} phải trong khoảng (0, 100].")
        if kind == "cdht":
            learners = number(req(rule, "learners_threshold", where, path), f"ngưỡng người học ở {where}", path)
        if kind == "digital":
            digital = text(rule, "digital_min", where, path)
            if digital not in DIGITAL_LEVELS or digital == "chua-dat":
                raise RubricError(f"{path.name}: digital_min ở {where} phải là co-ban hoặc tot.")
        levels[level] = LevelRule(
            level=level, text=text(rule, "text", where, path), citation=text(rule, "citation", where, path),
            applies=_applicability(rule, base, types, where, path),
            threshold=threshold, learners_threshold=learners, digital_min=digital,
        )
    return LevelIndicator(iid, criterion_id, kind, text(raw, "short", f"chỉ tiêu {iid}", path), levels)


def _per_level(raw: Any, what: str, path: Path) -> dict[int, str]:
    if not isinstance(raw, dict) or sorted(raw) != [str(level) for level in LEVELS]:
        raise RubricError(f"{path.name}: {what} phải ghi cho mức độ 1 và 2 (bảng có khóa \"1\", \"2\").")
    return {int(k): str(v) for k, v in raw.items()}


def _set(raw: dict[str, Any], types: Mapping[str, UnitType], path: Path) -> CriteriaSet:
    sid = text(raw, "id", "một bộ tiêu chí", path)
    criteria = []
    seen: set[str] = set()
    for c in req(raw, "criteria", f"bộ {sid}", path):
        cid = text(c, "id", f"một tiêu chí của bộ {sid}", path)
        indicators = tuple(_indicator(i, cid, types, path) for i in req(c, "indicators", f"tiêu chí {cid}", path))
        for ind in indicators:
            if ind.id in seen:
                raise RubricError(f"{path.name}: chỉ tiêu {ind.id} bị trùng trong bộ {sid}.")
            seen.add(ind.id)
        if not indicators:
            raise RubricError(f"{path.name}: tiêu chí {cid} của bộ {sid} không có chỉ tiêu nào.")
        citations = _per_level(req(c, "citations", f"tiêu chí {cid}", path), f"citations của tiêu chí {cid}", path)
        criteria.append(LevelCriterion(cid, text(c, "title", f"tiêu chí {cid}", path), citations, indicators))
    return CriteriaSet(
        id=sid, cap=text(raw, "cap", f"bộ {sid}", path), title=text(raw, "title", f"bộ {sid}", path),
        level_citations=_per_level(req(raw, "level_citations", f"bộ {sid}", path), "level_citations", path),
        condition_citations=_per_level(req(raw, "condition_citations", f"bộ {sid}", path), "condition_citations", path),
        evaluation_citation=text(raw, "evaluation_citation", f"bộ {sid}", path),
        process_citation=text(raw, "process_citation", f"bộ {sid}", path),
        authority=text(raw, "authority", f"bộ {sid}", path),
        authority_citation=text(raw, "authority_citation", f"bộ {sid}", path),
        receiving_body=text(raw, "receiving_body", f"bộ {sid}", path),
        receiving_citation=text(raw, "receiving_citation", f"bộ {sid}", path),
        council=text(raw, "council", f"bộ {sid}", path),
        council_citation=text(raw, "council_citation", f"bộ {sid}", path),
        criteria=tuple(criteria),
    )


def _cited(data: dict[str, Any], key: str, unit: str, path: Path) -> Cited:
    table = req(data, key, "đầu tệp", path)
    return Cited(whole(req(table, unit, key, path), f"{key}.{unit}", path), text(table, "citation", key, path))


def parse_levels(data: dict[str, Any], info: RubricInfo, path: Path) -> LevelsRubric:
    types: dict[str, UnitType] = {}
    for t in req(data, "unit_types", "đầu tệp", path):
        tid = text(t, "id", "một loại đơn vị", path)
        types[tid] = UnitType(tid, text(t, "label", f"loại {tid}", path), bool(t.get("education", False)),
                              bool(t.get("learners", False)), bool(t.get("public_default", True)))
    sets = {s.id: s for s in (_set(raw, types, path) for raw in req(data, "sets", "đầu tệp", path))}
    caps = [s.cap for s in sets.values()]
    if len(set(caps)) != len(caps):
        raise RubricError(f"{path.name}: hai bộ tiêu chí cùng một cấp.")
    decision = req(data, "decision", "đầu tệp", path)
    evidence = req(data, "evidence", "đầu tệp", path)
    return LevelsRubric(
        info=info, sets=sets, unit_types=types,
        decision_by=(whole(req(decision, "month", "decision", path), "decision.month", path),
                     whole(req(decision, "day", "decision", path), "decision.day", path),
                     text(decision, "citation", "decision", path)),
        validity_years=_cited(data, "validity", "years", path),
        upgrade_months=_cited(data, "upgrade", "months", path),
        evidence_rule=text(evidence, "text", "evidence", path),
        evidence_citation=text(evidence, "citation", "evidence", path),
    )
