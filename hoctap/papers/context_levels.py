"""Thông tư 24/2023 (levels): a unit's dossier (Điều 10, 16) and the two papers made about one unit by the reviewing body.

A unit's Tờ trình, Báo cáo tự đánh giá and Bản tổng hợp read its own
judgement of each chỉ tiêu (`IndicatorCheck.self_result`); the Bản tổng hợp as
appraised and the letter refusing a dossier read the judgement after the
Hội đồng's (`IndicatorCheck.result`, `LevelsOutcome.level_met`): the same
values the site shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoctap.papers.context_common import (
    BLANK,
    Body,
    Frame,
    Header,
    Signature,
    Title,
    YearInput,
    blank_date_line,
    blank_reference,
    circular_citation,
    cited_for,
    count,
    day_text,
    head_signature,
    number_line,
    plain,
    plain_lines,
    share_text,
    upper,
)
from scoring.levels_rubric import DIGITAL_LEVELS, CriteriaSet, LevelIndicator, LevelsRubric, UnitType
from scoring.results import CHECK_LABELS, CheckResult, IndicatorCheck, LevelsOutcome, ResultRow
from scoring.vietnamese import vi_date, vi_number

UNIT_HEAD = Signature("", "THỦ TRƯỞNG ĐƠN VỊ")  # quy ước: the unit writes its head's title (Giám đốc, Hiệu trưởng …)
COUNCIL_CHAIR = Signature("TM. HỘI ĐỒNG", "CHỦ TỊCH")  # NĐ 30 khoản 7 điểm b–c: a council signs in its own name


@dataclass(frozen=True)
class IndicatorLine:
    id: str
    short: str  # the rubric's short label
    text: str  # the legal text at the level requested
    citation: str
    requirement: str  # "Tối thiểu 95% Thành viên"
    result: str  # what the unit reported: "76/78 (97,4%) Thành viên", "Đạt", "Mức đáp ứng tốt"
    evidence: str  # as typed: a link stays text
    self_verdict: str  # Đạt / Không đạt / Không áp dụng (the unit's own)
    council: str  # the Hội đồng's judgement, "—" when it gave none
    verdict: str  # the judgement that stands
    reasons: str  # why not met, when not met


@dataclass(frozen=True)
class CriterionBlock:
    id: str
    title: str
    citation: str
    self_verdict: str
    verdict: str
    indicators: tuple[IndicatorLine, ...]


@dataclass(frozen=True)
class Tally:
    applicable: str
    met: str
    not_met: str
    not_applicable: str


@dataclass(frozen=True)
class EvidenceItem:
    number: str
    indicator: str
    text: str


@dataclass(frozen=True)
class UnitFacts:
    id: str
    name: str
    type_label: str
    group: str
    members: str
    learners: str  # "" when the unit has no Người học
    cdht: str  # "119/123 (96,7%)" or ""
    ban_khuyen_hoc: str
    plan: str
    note: str
    submitted: str


@dataclass(frozen=True)
class LevelsDossier:
    unit: UnitFacts
    year: str
    period: str  # "từ ngày 01/01/2025 đến ngày 31/12/2025" (điểm b khoản 1 Điều 10, 16)
    circular: str
    set_title: str
    set_citation: str
    level: str
    request_kind: str
    receiving_body: str
    recognising_authority: str
    council: str
    dossier_citation: str
    criteria: tuple[CriterionBlock, ...]
    self_tally: Tally
    tally: Tally
    evidence_items: tuple[EvidenceItem, ...]
    self_conclusion: str
    conclusion: str
    council_note: tuple[str, ...]
    enclosure: str


def council_name(cset: CriteriaSet) -> str:
    """"Hội đồng đánh giá, công nhận “Đơn vị học tập” cấp tỉnh" (điểm b khoản 2 Điều 10, 16)."""
    return f"Hội đồng đánh giá, công nhận {cset.title}"


def _requirement(ind: LevelIndicator, level: int, utype: UnitType | None, cdht_rule: str) -> str:
    rule = ind.rule(level)
    if ind.kind == "digital" and rule.digital_min:
        return DIGITAL_LEVELS[rule.digital_min]
    if ind.kind == "yes-no" or rule.threshold is None:
        return "Đạt"
    members = f"Tối thiểu {vi_number(rule.threshold)}% Thành viên"
    if ind.kind == "cdht" and utype is not None and utype.learners and rule.learners_threshold is not None:
        learners = f"{vi_number(rule.learners_threshold)}% Người học"
        return f"Tối thiểu {learners}" if cdht_rule == "nguoi-hoc" else f"{members}; {learners}"
    return members


def _result(check: IndicatorCheck, row: ResultRow, learners: int | None) -> str:
    if check.self_result == "khong-ap-dung" and check.answer is None and check.count is None:
        return CHECK_LABELS["khong-ap-dung"]
    if check.count is not None and row.members:
        text = f"{share_text(check.count, row.members, check.share)} Thành viên"
        if check.learners_count is not None and learners:
            text += f"; {share_text(check.learners_count, learners, check.learners_share)} Người học"
        return text
    if check.answer in DIGITAL_LEVELS:
        return DIGITAL_LEVELS[check.answer]
    return CHECK_LABELS.get(check.answer or "", BLANK)


def _tally(results: list[CheckResult]) -> Tally:
    applicable = [r for r in results if r != "khong-ap-dung"]
    return Tally(count(len(applicable)), count(applicable.count("dat")), count(applicable.count("khong-dat")),
                 count(len(results) - len(applicable)))


def _verdict(results: list[CheckResult]) -> str:
    return CHECK_LABELS["khong-dat" if "khong-dat" in results else "dat"]


def _conclusion(who: str, met: int, requested: int, failing: list[str], cset: CriteriaSet) -> str:
    title = cset.title
    if met >= requested:
        return (f"{who} đạt đầy đủ các tiêu chí, chỉ tiêu của {title} mức độ {requested} "
                f"({cset.condition_citations[requested]}).")
    text = f"{who} chưa đạt {title} mức độ {requested}"
    text += f": chỉ tiêu {', '.join(failing)} không đạt." if failing else "."
    if met >= 1:
        text += f" Đơn vị đạt đầy đủ các tiêu chí, chỉ tiêu của mức độ {met}."
    return text


def request_kind(inp: YearInput, unit_id: str, level: int) -> str:
    """Lần đầu, công nhận lại or nâng mức (Điều 2 khoản 10; khoản 3–4 Điều 5, 11), from the decisions file."""
    lineage = set(inp.registry.lineage(unit_id))
    earlier = sorted((d for d in inp.decisions if d.unit_id in lineage and d.year < inp.year), key=lambda d: (d.year, d.signed))
    if not earlier:
        return "đề nghị lần đầu"
    last = earlier[-1]
    ref = f"Quyết định số {plain(last.number)} ngày {vi_date(last.signed)}"
    if last.valid_until_year < inp.year:
        return f"đề nghị công nhận lại; lần công nhận trước: mức độ {last.level}, {ref}"
    if level > last.level:
        return f"đề nghị công nhận nâng mức độ; đơn vị đã được công nhận mức độ {last.level} theo {ref}"
    return f"đơn vị đã được công nhận mức độ {last.level} theo {ref}, bảo lưu đến hết năm {last.valid_until_year}"


def _unit_facts(row: ResultRow, outcome: LevelsOutcome, utype: UnitType | None) -> UnitFacts:
    learners = count(outcome.learners) if outcome.learners else ""
    cdht = share_text(row.cdht, row.members, row.cdht_share) if row.cdht is not None and row.members else ""
    plan = plain(row.plan_url) if row.plan_url else "chưa cung cấp"
    khuyen_hoc = {True: "có", False: "chưa có", None: "chưa báo cáo"}[row.ban_khuyen_hoc]
    return UnitFacts(row.unit_id, plain(row.name), plain(utype.label) if utype else BLANK, plain(row.group),
                     count(row.members) if row.members else BLANK, learners, cdht, khuyen_hoc, plan, plain(row.note),
                     day_text(row.submitted))


def levels_dossier(inp: YearInput, rubric: LevelsRubric, row: ResultRow, body: Body) -> LevelsDossier:
    outcome = row.levels
    assert outcome is not None
    cset = rubric.sets[outcome.set]
    unit = inp.unit(row.unit_id)
    utype = rubric.unit_types.get(unit.loai or "") if unit else None
    level = outcome.level_requested
    blocks: list[CriterionBlock] = []
    own_all: list[CheckResult] = []
    final_all: list[CheckResult] = []
    items: list[EvidenceItem] = []
    for criterion in cset.criteria:
        lines = []
        for ind in criterion.indicators:
            check = outcome.checks[ind.id]
            rule = ind.rule(level)
            applicable = check.result != "khong-ap-dung" or check.self_result != "khong-ap-dung"
            evidence = plain(check.evidence) if check.evidence else ("" if not applicable else "Không có minh chứng")
            if check.evidence:
                items.append(EvidenceItem(count(len(items) + 1), ind.id, evidence))
            council = CHECK_LABELS[check.council] if check.council else ("—" if applicable else "")
            requirement = _requirement(ind, level, utype, inp.cdht_rule) if applicable else "—"
            lines.append(IndicatorLine(
                ind.id, plain(ind.short), plain(rule.text), rule.citation, requirement,
                _result(check, row, outcome.learners), evidence, CHECK_LABELS[check.self_result], council,
                CHECK_LABELS[check.result],
                "; ".join(plain(r).rstrip(".;") for r in check.reasons) if check.result == "khong-dat" else ""))
            own_all.append(check.self_result)
            final_all.append(check.result)
        own = [outcome.checks[i.id].self_result for i in criterion.indicators]
        blocks.append(CriterionBlock(criterion.id, criterion.title, criterion.citations[level], _verdict(own),
                                     CHECK_LABELS["dat" if outcome.criteria_met[criterion.id] else "khong-dat"],
                                     tuple(lines)))
    own_failing = [i for i, c in outcome.checks.items() if c.self_result == "khong-dat"]
    failing = [i for i, c in outcome.checks.items() if c.result == "khong-dat"]
    return LevelsDossier(
        unit=_unit_facts(row, outcome, utype), year=str(inp.year),
        period=f"từ ngày 01/01/{inp.year} đến ngày 31/12/{inp.year}", circular=circular_citation(rubric.info),
        set_title=cset.title, set_citation=f"{cset.level_citations[1]}, {cset.level_citations[2]}".replace(
            f" {rubric.info.short_title}, ", ", "), level=str(level), request_kind=request_kind(inp, row.unit_id, level),
        receiving_body=body.name, recognising_authority=body.recognising_authority, council=council_name(cset),
        dossier_citation=cset.receiving_citation, criteria=tuple(blocks), self_tally=_tally(own_all), tally=_tally(final_all),
        evidence_items=tuple(items),
        self_conclusion=_conclusion("Đơn vị tự đánh giá", outcome.self_level_met, level, own_failing, cset),
        conclusion=_conclusion("Kết quả thẩm định: đơn vị", outcome.level_met, level, failing, cset),
        council_note=plain_lines(outcome.council_reasons or row.council_note),
        enclosure=f"(Kèm theo Tờ trình {blank_reference('TTr-' + BLANK, inp.issue_year)} của {plain(row.name)})",
    )


# --- frames of the unit's own papers -----------------------------------------------------------------


def unit_header(inp: YearInput, row: ResultRow, body: Body, kind_symbol: str | None) -> Header:
    number = number_line(f"{kind_symbol}-{BLANK}") if kind_symbol else ""
    return Header("", upper(plain(row.name)), number, blank_date_line(body.place, inp.issue_year))


def unit_frames(inp: YearInput, dossier: LevelsDossier, row: ResultRow, body: Body) -> dict[str, Frame]:
    """The Tờ trình, Báo cáo tự đánh giá and Bản tổng hợp of the dossier (điểm c khoản 1 Điều 10, 16)."""
    subject = f"{dossier.set_title} mức độ {dossier.level} năm {dossier.year}"
    return {
        "to-trinh": Frame(unit_header(inp, row, body, "TTr"), Title("TỜ TRÌNH", f"Đề nghị công nhận {subject}"),
                          body.name, UNIT_HEAD, ("Như trên;", "Lưu: VT."), inp.notice),
        "bao-cao": Frame(unit_header(inp, row, body, "BC"),
                         Title("BÁO CÁO", f"Tự đánh giá, công nhận {dossier.set_title} năm {dossier.year}"),
                         body.name, UNIT_HEAD, ("Như trên;", "Lưu: VT, Tổ đánh giá."), inp.notice),
        "ban-tong-hop": Frame(unit_header(inp, row, body, None),
                              Title("BẢN TỔNG HỢP", f"Kết quả tự đánh giá các tiêu chí, chỉ tiêu {subject}"),
                              "", UNIT_HEAD, (), inp.notice),
    }


def appraised_frame(inp: YearInput, dossier: LevelsDossier, body: Body) -> Frame:
    """The Bản tổng hợp of one unit as the Hội đồng appraised it (điểm đ khoản 2 Điều 10, 16)."""
    header = Header(upper(body.name), upper(dossier.council), "", blank_date_line(body.place, inp.issue_year))
    summary = (f"Kết quả đánh giá các tiêu chí, chỉ tiêu {dossier.set_title} năm {dossier.year} của {dossier.unit.name} "
               "do Hội đồng thẩm định")
    return Frame(header, Title("BẢN TỔNG HỢP", summary), "", COUNCIL_CHAIR, (), inp.notice)


# --- the letter refusing a dossier (điểm d khoản 2 Điều 10, 16) ---------------------------------------


@dataclass(frozen=True)
class Refusal:
    unit_name: str
    year: str
    level: str
    set_title: str
    submitted: str
    body_name: str
    council: str
    circular: str
    basis: str  # what the refusal rests on: the Hội đồng's appraisal, or the Sở's own review of the dossier
    condition_citation: str
    failures: tuple[IndicatorLine, ...]
    council_note: tuple[str, ...]
    lower_level: str
    evidence_rule: str


def refusal(inp: YearInput, rubric: LevelsRubric, row: ResultRow, body: Body, dossier: LevelsDossier) -> tuple[Frame, Refusal]:
    outcome = row.levels
    assert outcome is not None
    cset = rubric.sets[outcome.set]
    level = outcome.level_requested
    if row.basis == "verified":
        basis = f"Căn cứ kết quả thẩm định hồ sơ của {dossier.council} ({cset.council_citation})"
    else:
        basis = f"Căn cứ kết quả tiếp nhận, rà soát, kiểm tra hồ sơ và số liệu tự đánh giá của đơn vị ({cset.process_citation})"
    lower = (f"Hồ sơ của đơn vị đáp ứng đầy đủ các tiêu chí, chỉ tiêu của {cset.title} mức độ {outcome.level_met}."
             if 0 < outcome.level_met < level else "")
    failures = tuple(line for block in dossier.criteria for line in block.indicators if line.verdict == CHECK_LABELS["khong-dat"])
    subject = f"V/v trả lời hồ sơ đề nghị công nhận {cset.title} năm {inp.year} của {plain(row.name)}"
    header = Header(body.governing_short, upper(body.own_name), number_line(f"{body.symbol}-{BLANK}"),
                    blank_date_line(body.place, inp.issue_year), subject)
    frame = Frame(header, Title("", ""), plain(row.name), head_signature(body),
                  ("Như trên;", f"{dossier.council} (để biết);", "Lưu: VT, ……."), inp.notice)
    return frame, Refusal(
        unit_name=plain(row.name), year=str(inp.year), level=str(level), set_title=cset.title,
        submitted=f" ngày {day_text(row.submitted)}" if row.submitted else "", body_name=body.name, council=dossier.council,
        circular=dossier.circular, basis=basis, condition_citation=cset.condition_citations[level], failures=failures,
        council_note=dossier.council_note, lower_level=lower,
        evidence_rule=f"{rubric.evidence_rule.rstrip('.')} ({cited_for(rubric.evidence_citation, cset.evaluation_citation)}).",
    )

