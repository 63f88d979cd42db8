"""Thông tư 24/2023 (levels): the reviewing body's papers of a year (điểm c–đ khoản 2 Điều 10, 16).

One set per body that received dossiers: the Sở GD&ĐT of the period for the
provincial set, each Phòng GD&ĐT (the registry's `reviewing_body`) for the
district set. Where a unit stands follows the site's rule
(`hoctap_pages.year_pages.stage`): recognised by decision, appraised and
proposed, appraised and refused, self-assessed awaiting appraisal, or short of
its level on its own figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

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
    issued_by,
    number_line,
    plain,
    upper,
)
from hoctap.papers.context_levels import COUNCIL_CHAIR, council_name
from scoring.levels_rubric import LevelsRubric
from scoring.recognition import stage
from scoring.results import ResultRow
from scoring.text import vi_sort_key

RESULT_LABELS = {0: "Chưa đạt mức độ 1", 1: "Đạt mức độ 1", 2: "Đạt mức độ 2"}

# quy ước (papers.md, [S2][S3]): the first căn cứ of a Chủ tịch UBND's decision is the law on local
# government in force on the day the decision is due; the date line of a law carries no number (NĐ 30,
# Phụ lục I, Mục II khoản 6 điểm a). Newest first.
LOCAL_GOVERNMENT_LAW: tuple[tuple[date, str], ...] = (
    (date(2025, 7, 1), "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"),
    (date(2025, 3, 1), "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;"),
    (date(1900, 1, 1), "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
                       "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;"),
)


def proposed_level(row: ResultRow) -> int:
    """The level a proposed unit is recognised at: the decision's, else the level it asked for."""
    assert row.levels is not None
    return row.recognition.level if row.recognition else row.levels.level_requested


def is_refused(row: ResultRow) -> bool:
    return stage(row) in ("khong-cong-nhan", "chua-dat-muc-de-nghi")


def head_of(body: Body) -> str:
    """"Giám đốc Sở Giáo dục và Đào tạo tỉnh Tây Ninh", "Trưởng phòng Giáo dục và Đào tạo huyện Bến Lức"."""
    if body.name.startswith("Phòng "):
        return "Trưởng phòng " + body.name[len("Phòng "):]
    return f"{body.head} {body.name}"


def decision_bases(on: date, circular: str) -> tuple[str, ...]:
    law = next(text for since, text in LOCAL_GOVERNMENT_LAW if on >= since)
    return law, f"Căn cứ {circular};"


def decision_header(body: Body, year: int) -> Header:
    """Ô 2 of a Chủ tịch UBND's decision: "ỦY BAN NHÂN DÂN / TỈNH …" on two lines, no governing body."""
    locality = upper(body.locality) if body.locality else ""
    issuer = f"ỦY BAN NHÂN DÂN\n{locality}" if locality else upper(body.recognising_authority.removeprefix("Chủ tịch "))
    return Header("", issuer, number_line("QĐ-UBND"), blank_date_line(body.place, year))


def decision_frame(inp: YearInput, body: Body, summary: str) -> Frame:
    """A dự thảo Quyết định signed for the Chủ tịch (khoản 1 Điều 5, 11: the power is the Chủ tịch's, not the UBND's)."""
    ubnd = f"UBND {body.locality.split(' ')[0]}" if body.locality else "UBND"  # "UBND tỉnh", "UBND huyện"
    return Frame(decision_header(body, inp.issue_year), Title("QUYẾT ĐỊNH", summary), "",
                 Signature("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
                 ("Như Điều 3;", f"Chủ tịch, các Phó Chủ tịch {ubnd};", "Lưu: VT, ……."), inp.notice, draft=True)


def executors(body: Body) -> str:
    office = "Ủy ban nhân dân tỉnh" if body.locality.startswith("tỉnh") or not body.locality else \
        f"Hội đồng nhân dân và Ủy ban nhân dân {body.locality.split(' ')[0]}"
    return (f"Chánh Văn phòng {office}, {head_of(body)}, Thủ trưởng các cơ quan, đơn vị có liên quan "
            "và các đơn vị có tên tại Điều 1")


@dataclass(frozen=True)
class AppraisalRow:
    number: str
    name: str
    submitted: str
    level: str
    result: str
    conclusion: str


@dataclass(frozen=True)
class RefusedUnit:
    name: str
    level: str
    reasons: str


@dataclass(frozen=True)
class AnnexUnit:
    number: str
    name: str
    detail: str  # the unit's group (levels) or its total (points)
    note: str


@dataclass(frozen=True)
class AnnexGroup:
    title: str
    units: tuple[AnnexUnit, ...]


@dataclass(frozen=True)
class Annex:
    title: str
    reference: str
    total: str


@dataclass(frozen=True)
class Reception:
    received: str
    on_time: str
    late: str
    undated: str
    invalid: str
    appraised: str


@dataclass(frozen=True)
class Proposal:
    total: str
    level2: str
    level1: str
    by_level: str  # "7 đơn vị đạt mức độ 2 và 12 đơn vị đạt mức độ 1" (levels with no unit left out)
    refused: str
    pending: str


@dataclass(frozen=True)
class CouncilYear:
    year: str
    set_title: str
    circular: str
    body_name: str
    head: str
    council: str
    council_citation: str
    process_citation: str
    recognising_authority: str
    reception: Reception
    rows: tuple[AppraisalRow, ...]
    refused: tuple[RefusedUnit, ...]
    pending: tuple[str, ...]
    proposal: Proposal
    bases: tuple[str, ...]
    proposer: str
    decision_authority: str
    validity: str
    executors: str
    annex: Annex
    annex_groups: tuple[AnnexGroup, ...]
    report_ref: str
    submission_ref: str


def _conclusion(row: ResultRow) -> str:
    st = stage(row)
    assert row.levels is not None
    if st == "cong-nhan" and row.recognition is not None:
        return f"Đã công nhận mức độ {row.recognition.level} ({plain(row.recognition.number)})"
    if st == "da-tham-dinh":
        return f"Đề nghị công nhận mức độ {row.levels.level_requested}"
    if st == "tu-danh-gia":
        return "Chưa thẩm định"
    return f"Không đủ điều kiện công nhận mức độ {row.levels.level_requested}"


def _reasons(row: ResultRow) -> str:
    assert row.levels is not None
    parts = [f"chỉ tiêu {i}: " + "; ".join(plain(r) for r in c.reasons) if c.reasons else f"chỉ tiêu {i} không đạt"
             for i, c in row.levels.checks.items() if c.result == "khong-dat"]
    note = plain(row.levels.council_reasons or row.council_note).rstrip(".;")
    if note:
        parts.append(f"ý kiến của Hội đồng: {note}")
    return "; ".join(parts) or BLANK


def _proposal(proposed: Sequence[ResultRow], refused: Sequence[ResultRow], pending: Sequence[ResultRow]) -> Proposal:
    by = {level: sum(1 for r in proposed if proposed_level(r) == level) for level in (2, 1)}
    parts = [f"{count(n)} đơn vị đạt mức độ {level}" for level, n in by.items() if n]
    return Proposal(count(len(proposed)), count(by[2]), count(by[1]), " và ".join(parts), count(len(refused)),
                    count(len(pending)))


def council_year(inp: YearInput, rubric: LevelsRubric, body: Body, rows: Sequence[ResultRow],
                 set_id: str, invalid: int) -> CouncilYear:
    cset = rubric.sets[set_id]
    ordered = sorted(rows, key=lambda r: vi_sort_key(plain(r.name)))
    proposed = [r for r in ordered if stage(r) in ("cong-nhan", "da-tham-dinh")]
    refused = [r for r in ordered if is_refused(r)]
    pending = [r for r in ordered if stage(r) == "tu-danh-gia"]
    statuses = [r.submission_status for r in ordered]
    groups = []
    for level in (2, 1):
        members = [r for r in proposed if proposed_level(r) == level]
        if members:
            units = tuple(AnnexUnit(count(i), plain(r.name), plain(r.group), "")
                          for i, r in enumerate(members, start=1))
            groups.append(AnnexGroup(f"{'I' * (3 - level)}. MỨC ĐỘ {level} ({count(len(members))} đơn vị)", units))
    deadline = inp.report.deadlines.get(inp.year)
    decided_on = deadline.before if deadline else date(inp.issue_year, 1, 1)
    circular = circular_citation(rubric.info)
    return CouncilYear(
        year=str(inp.year), set_title=cset.title, circular=circular, body_name=body.name, head=head_of(body),
        council=council_name(cset), council_citation=cset.council_citation, process_citation=cset.process_citation,
        recognising_authority=body.recognising_authority,
        reception=Reception(count(len(ordered) + invalid), count(statuses.count("dung-han")), count(statuses.count("tre-han")),
                            count(statuses.count("khong-ro-ngay")), count(invalid),
                            count(sum(1 for r in ordered if r.basis == "verified"))),
        rows=tuple(AppraisalRow(count(i), plain(r.name), day_text(r.submitted) or "—",
                                str(r.levels.level_requested if r.levels else ""),
                                RESULT_LABELS[r.levels.level_met if r.levels else 0] if r.basis == "verified" else "—",
                                _conclusion(r)) for i, r in enumerate(ordered, start=1)),
        refused=tuple(RefusedUnit(plain(r.name), str(r.levels.level_requested if r.levels else ""), _reasons(r))
                      for r in refused),
        pending=tuple(plain(r.name) for r in pending),
        proposal=_proposal(proposed, refused, pending),
        bases=decision_bases(decided_on, circular),
        proposer=f"Theo đề nghị của {head_of(body)} tại Tờ trình {blank_reference('TTr-' + body.symbol, inp.issue_year)}.",
        decision_authority=upper(body.recognising_authority),
        validity=(f"Kết quả công nhận được bảo lưu trong thời hạn {rubric.validity_years.value:02d} năm tiếp theo năm "
                  f"được công nhận ({cited_for(rubric.validity_years.citation, cset.authority_citation)})."),
        executors=executors(body),
        annex=Annex(f"DANH SÁCH ĐƠN VỊ ĐẠT {upper(cset.title)} NĂM {inp.year}",
                    f"(Kèm theo Quyết định {blank_reference('QĐ-UBND', inp.issue_year)} của {body.recognising_authority})",
                    count(len(proposed))),
        annex_groups=tuple(groups),
        report_ref=f"Báo cáo {blank_reference('BC-HĐĐG', inp.issue_year)} của {council_name(cset)}",
        submission_ref=f"Tờ trình {blank_reference('TTr-' + body.symbol, inp.issue_year)}",
    )


def council_frames(inp: YearInput, year: CouncilYear, body: Body) -> dict[str, Frame]:
    iy = inp.issue_year
    summary = f"{year.set_title} năm {year.year}"
    report = Frame(Header(upper(body.name), upper(year.council), number_line("BC-HĐĐG"), blank_date_line(body.place, iy)),
                   Title("BÁO CÁO", f"Thẩm định hồ sơ đề nghị công nhận {summary}"), year.head, COUNCIL_CHAIR,
                   ("Như trên;", "Các thành viên Hội đồng;", "Lưu: VT, HĐ."), inp.notice)
    submission = Frame(issued_by(body, "TTr", iy), Title("TỜ TRÌNH", f"Đề nghị công nhận {summary}"),
                       body.recognising_authority, head_signature(body), ("Như trên;", "Lưu: VT, ……."), inp.notice)
    return {"bao-cao-tham-dinh": report, "to-trinh-cong-nhan": submission,
            "du-thao-quyet-dinh": decision_frame(inp, body, f"Về việc công nhận {summary}")}
