"""The `levels` method (Thông tư 24/2023/TT-BGDĐT): đạt or không đạt per chỉ tiêu, then the level reached.

The rules, each from the circular:
- a chỉ tiêu is judged against the threshold of a level; shares are compared
  exactly from counts (`100 × count ≥ threshold × members`), never as floats;
- a chỉ tiêu without evidence is không đạt (khoản 3 Điều 9, khoản 3 Điều 15);
- a tiêu chí is đạt when all its chỉ tiêu are (khoản 4 Điều 9, 15); a level is
  reached when every applicable chỉ tiêu of that level is đạt (Điều 8, 14);
- chỉ tiêu that do not apply to the unit's type are `khong-ap-dung`;
- the Hội đồng's judgement (`hd_<id>`) replaces the unit's own for that chỉ tiêu at the
  requested level (and where it logically carries, see `_council_at`);
- level 2 counts as reached only with level 1 (it is an upgrade, khoản 3 Điều 5 and 11).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from scoring.canonical import RawCell, Submission
from scoring.levels_rubric import DIGITAL_LEVELS, LEVELS, CriteriaSet, LevelIndicator, LevelsRubric, UnitType
from scoring.problems import Problem
from scoring.registry import Unit
from scoring.results import CheckResult, IndicatorCheck, LevelsOutcome
from scoring.text import clean_text, fold_words
from scoring.values import BlankError, NotANumberError, display, is_blank, to_whole
from scoring.vietnamese import vi_number, vi_percent

CdhtRule = Literal["ca-hai", "nguoi-hoc"]
_YES = {"dat"}
_NO = {"khong dat"}
_DIGITAL = {
    "co ban": "co-ban", "muc co ban": "co-ban", "muc dap ung co ban": "co-ban", "dap ung co ban": "co-ban",
    "tot": "tot", "muc tot": "tot", "muc dap ung tot": "tot", "dap ung tot": "tot",
    "chua dat": "chua-dat", "khong dat": "chua-dat",
}
_ORDER = list(DIGITAL_LEVELS)
NOT_APPLICABLE_MARKS = {"", "-", "—", "khong ap dung", "kad"}


def to_verdict(value: object) -> Literal["dat", "khong-dat"]:
    """`đạt` / `không đạt` in any case, with or without tone marks; raises NotANumberError otherwise."""
    if is_blank(value):
        raise BlankError
    folded = fold_words(clean_text(value))
    if folded in _YES:
        return "dat"
    if folded in _NO:
        return "khong-dat"
    raise NotANumberError


def to_digital(value: object) -> str:
    if is_blank(value):
        raise BlankError
    found = _DIGITAL.get(fold_words(clean_text(value)))
    if found is None:
        raise NotANumberError
    return found


def _is_not_applicable_mark(cell: RawCell | None) -> bool:
    return cell is None or is_blank(cell.value) or fold_words(clean_text(cell.value)) in NOT_APPLICABLE_MARKS | {""}


@dataclass(frozen=True)
class Reported:
    """What the unit reported for one applicable chỉ tiêu, parsed."""

    answer: str | None = None
    count: int | None = None
    learners_count: int | None = None
    evidence: str | None = None
    council: Literal["dat", "khong-dat"] | None = None


@dataclass(frozen=True)
class LevelCells:
    criteria_set: CriteriaSet
    unit_type: UnitType
    public: bool
    level_requested: int
    members: int
    learners: int | None
    reported: dict[str, Reported]
    warnings: tuple[str, ...]
    council_reasons: str | None


def _applies_somewhere(ind: LevelIndicator, unit_type: str, public: bool) -> bool:
    return any(ind.rule(level).applies.applies(unit_type, public) for level in LEVELS)


def _required_whole(sub: Submission, key: str, label: str, problems: list[Problem], minimum: int) -> int | None:
    cell = sub.fields.get(key)
    if cell is None or is_blank(cell.value):
        problems.append(Problem.make("thieu-thong-tin", cell.place if cell else sub.origin, label=label))
        return None
    try:
        value = to_whole(cell.value)
    except (BlankError, NotANumberError):
        value = -1
    if value < minimum:
        problems.append(Problem.make("so-nguyen-khong-hop-le", cell.place, value=display(cell.value), label=label))
        return None
    return value


def _count(cell: RawCell, ind_id: str, total: int | None, code: str, problems: list[Problem]) -> int | None:
    try:
        value = to_whole(cell.value)
    except (BlankError, NotANumberError):
        problems.append(Problem.make("so-nguyen-khong-hop-le", cell.place, value=display(cell.value),
                                     label=f"chỉ tiêu {ind_id}: số thành viên đạt"))
        return None
    if total is not None and value > total:
        key = "members" if code == "vuot-so-thanh-vien" else "learners"
        problems.append(Problem.make(code, cell.place, count=value, indicator=ind_id, **{key: total}))
        return None
    return value


def judge_levels(sub: Submission, rubric: LevelsRubric, unit: Unit, problems: list[Problem]) -> LevelCells | None:
    """Parse every applicable chỉ tiêu; a value typed where a chỉ tiêu does not apply is ignored with a warning."""
    cset = rubric.set_for_cap(unit.cap or "")
    unit_type = rubric.unit_types.get(unit.loai or "")
    if cset is None or unit_type is None:
        problems.append(Problem.make("chua-phan-loai", sub.unit.place, rubric=rubric.info.short_title))
        return None
    public = unit.cong_lap if unit.cong_lap is not None else unit_type.public_default
    level = None
    cell = sub.fields.get("muc_de_nghi")
    if cell is None or is_blank(cell.value):
        problems.append(Problem.make("thieu-thong-tin", cell.place if cell else sub.origin, label="mức độ đề nghị công nhận"))
    else:
        try:
            level = to_whole(cell.value)
        except (BlankError, NotANumberError):
            level = None
        if level not in LEVELS:
            problems.append(Problem.make("muc-khong-hop-le", cell.place, value=display(cell.value)))
            level = None
    members = _required_whole(sub, "so_thanh_vien", "tổng số thành viên", problems, minimum=1)
    learners = None
    if unit_type.learners:
        learners = _required_whole(sub, "so_nguoi_hoc", "tổng số người học", problems, minimum=1)

    reported: dict[str, Reported] = {}
    warnings: list[str] = []
    for ind in cset.indicators:
        own = sub.indicators.get(ind.id)
        council_cell = sub.council.get(ind.id)
        evidence_cell = sub.evidence.get(ind.id)
        if not _applies_somewhere(ind, unit_type.id, public):
            for c in (own, council_cell):
                if not _is_not_applicable_mark(c):
                    assert c is not None
                    warnings.append(f"{c.place.describe()}: chỉ tiêu {ind.id} không áp dụng cho {unit_type.label.lower()}, "
                                    "giá trị đã nhập không được tính.")
            continue
        if own is None or is_blank(own.value):
            place = own.place if own else sub.origin
            problems.append(Problem.make("o-trong", place, what="chỉ tiêu", indicator=ind.id))
            continue
        answer: str | None = None
        count = learners_count = None
        if ind.kind == "yes-no":
            try:
                answer = to_verdict(own.value)
            except NotANumberError:
                problems.append(Problem.make("khong-phai-dat", own.place, value=display(own.value), indicator=ind.id))
        elif ind.kind == "digital":
            try:
                answer = to_digital(own.value)
            except NotANumberError:
                problems.append(Problem.make("muc-cds-khong-hop-le", own.place, value=display(own.value), indicator=ind.id))
        else:
            count = _count(own, ind.id, members, "vuot-so-thanh-vien", problems)
            if ind.kind == "cdht" and unit_type.learners:
                lcell = sub.fields.get("nguoi_hoc_cdht")
                if lcell is None or is_blank(lcell.value):
                    problems.append(Problem.make("thieu-thong-tin", lcell.place if lcell else sub.origin,
                                                 label="số người học đạt danh hiệu “Công dân học tập”"))
                else:
                    learners_count = _count(lcell, ind.id, learners, "vuot-so-nguoi-hoc", problems)
        council = None
        if council_cell is not None and not is_blank(council_cell.value):
            try:
                council = to_verdict(council_cell.value)
            except NotANumberError:
                problems.append(Problem.make("khong-phai-dat", council_cell.place, value=display(council_cell.value),
                                             indicator=ind.id))
        evidence = None if evidence_cell is None or _is_not_applicable_mark(evidence_cell) else clean_text(evidence_cell.value)
        reported[ind.id] = Reported(answer, count, learners_count, evidence, council)
    foreign = [(i, c) for i, c in itertools.chain(sub.indicators.items(), sub.council.items())
               if cset.indicator(i) is None]
    foreign += [(f"td_{i}", c) for i, c in sub.verified.items()]  # verified points belong to TT 22
    reported_unknown: set[str] = set()
    for ind_id, c in foreign:
        # A blank cell under another set's or law's column (a source mixing years or sets) says nothing.
        if not is_blank(c.value) and ind_id not in reported_unknown:
            reported_unknown.add(ind_id)
            problems.append(Problem.make("chi-so-la", c.place, indicator=ind_id,
                                         rubric=f"{rubric.info.short_title}, {cset.title}"))
    reasons = sub.fields.get("hd_ly_do")
    if problems or level is None or members is None:
        return None
    return LevelCells(cset, unit_type, public, level, members, learners, reported, tuple(warnings),
                      None if reasons is None or is_blank(reasons.value) else clean_text(reasons.value))


def share_of(count: int, total: int) -> Decimal:
    return (Decimal(count) / Decimal(total)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _meets(count: int, total: int, threshold: Decimal) -> bool:
    """Exact: 90 of 100 members is 90% and meets a 90% threshold; 89 does not."""
    return Decimal(100) * count >= threshold * total


def _pct(threshold: Decimal) -> str:
    return vi_number(threshold) + "%"


def _own_result(ind: LevelIndicator, level: int, rep: Reported, cells: LevelCells,
                cdht_rule: CdhtRule) -> tuple[CheckResult, list[str]]:
    rule = ind.rule(level)
    reasons: list[str] = []
    if ind.kind == "yes-no":
        if rep.answer != "dat":
            reasons.append("đơn vị tự đánh giá không đạt")
    elif ind.kind == "digital":
        assert rule.digital_min is not None
        if rep.answer is None or _ORDER.index(rep.answer) < _ORDER.index(rule.digital_min):
            reasons.append(f"mức chuyển đổi số «{DIGITAL_LEVELS.get(rep.answer or '', '—').lower()}» "
                           f"chưa đạt «{DIGITAL_LEVELS[rule.digital_min].lower()}»")
    else:
        assert rule.threshold is not None and rep.count is not None
        members_ok = _meets(rep.count, cells.members, rule.threshold)
        check_members = not (ind.kind == "cdht" and cells.unit_type.learners and cdht_rule == "nguoi-hoc")
        if check_members and not members_ok:
            reasons.append(f"thành viên: {vi_percent(share_of(rep.count, cells.members))} "
                           f"({rep.count}/{cells.members}) thấp hơn {_pct(rule.threshold)}")
        if ind.kind == "cdht" and cells.unit_type.learners:
            assert rule.learners_threshold is not None and rep.learners_count is not None and cells.learners
            if not _meets(rep.learners_count, cells.learners, rule.learners_threshold):
                reasons.append(f"người học: {vi_percent(share_of(rep.learners_count, cells.learners))} "
                               f"({rep.learners_count}/{cells.learners}) thấp hơn {_pct(rule.learners_threshold)}")
    if rep.evidence is None:
        reasons.append("không có minh chứng")
    return ("khong-dat" if reasons else "dat"), reasons


def _council_at(ind: LevelIndicator, level: int, requested: int,
                council: Literal["dat", "khong-dat"] | None) -> Literal["dat", "khong-dat"] | None:
    """The Hội đồng's judgement where it holds, else None (the unit's own judgement stands).

    The council appraises the dossier at the level it requests (điểm c khoản 1, điểm c–đ khoản 2
    Điều 10 and 16). A yes/no chỉ tiêu asks the same at both levels; a graded one (a share, a
    digital level) asks less at level 1, so the council's "đạt" also holds below the requested
    level but says nothing above it: "đạt" on 91% of members at level 1 is not 95% at level 2.
    Its "không đạt" is never overruled by the unit's own reading.
    """
    if council is None or council == "khong-dat" or ind.kind == "yes-no" or level <= requested:
        return council
    return None


def _highest(met: dict[int, bool]) -> int:
    """The highest level whose own chỉ tiêu are all met (0: none).

    Each level stands on its own text: "được công nhận đạt … mức độ 2 khi đạt đầy đủ các tiêu chí, chỉ tiêu
    được quy định tại Điều 7" (khoản 2 Điều 8; khoản 2 Điều 14 for Điều 13), as INTERFACES.md's
    `level_met` says. Level 2's thresholds are never below level 1's; only applicability can differ
    (district 3.3 at level 2 binds public units alone, điểm c khoản 3 Điều 7).
    """
    return max((level for level in LEVELS if met[level]), default=0)


def assess_levels(cells: LevelCells, cdht_rule: CdhtRule = "ca-hai") -> LevelsOutcome:
    """Judge every chỉ tiêu against both levels; the council's judgement replaces the unit's own."""
    checks: dict[str, IndicatorCheck] = {}
    met_own = dict.fromkeys(LEVELS, True)
    met = dict.fromkeys(LEVELS, True)
    requested = cells.level_requested
    for ind in cells.criteria_set.indicators:
        rep = cells.reported.get(ind.id)
        by_level: dict[int, CheckResult] = {}
        own_at: dict[int, CheckResult] = {}
        reasons_at: dict[int, list[str]] = {}
        for level in LEVELS:
            if rep is None or not ind.rule(level).applies.applies(cells.unit_type.id, cells.public):
                by_level[level] = own_at[level] = "khong-ap-dung"
                continue
            own, reasons = _own_result(ind, level, rep, cells, cdht_rule)
            own_at[level] = own
            verdict = _council_at(ind, level, requested, rep.council)
            if verdict is not None:
                by_level[level] = verdict
                reasons = ["Hội đồng đánh giá: không đạt"] if verdict == "khong-dat" else []
            else:
                by_level[level] = own
            reasons_at[level] = reasons
            met_own[level] = met_own[level] and own != "khong-dat"
            met[level] = met[level] and by_level[level] != "khong-dat"
        share = learners_share = None
        if rep is not None and rep.count is not None:
            share = share_of(rep.count, cells.members)
        if rep is not None and rep.learners_count is not None and cells.learners:
            learners_share = share_of(rep.learners_count, cells.learners)
        checks[ind.id] = IndicatorCheck(
            id=ind.id, result=by_level[requested], by_level=by_level,
            answer=rep.answer if rep else None, count=rep.count if rep else None, share=share,
            learners_count=rep.learners_count if rep else None, learners_share=learners_share,
            evidence=rep.evidence if rep else None, self_result=own_at[requested],
            council=rep.council if rep else None, reasons=tuple(reasons_at.get(requested, ())),
        )
    criteria_met = {
        c.id: all(checks[i.id].result != "khong-dat" for i in c.indicators) for c in cells.criteria_set.criteria
    }
    cdht = checks.get("3.1")
    return LevelsOutcome(
        set=cells.criteria_set.id,
        level_requested=requested,
        level_met=_highest(met),
        self_level_met=_highest(met_own),
        checks=checks,
        criteria_met=criteria_met,
        learners=cells.learners,
        learners_cdht=cdht.learners_count if cdht else None,
        council_reasons=cells.council_reasons,
    )


def council_used(cells: LevelCells) -> bool:
    return any(r.council is not None for r in cells.reported.values())
