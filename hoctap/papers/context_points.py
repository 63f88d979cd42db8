"""Thông tư 22/2020 (points): a unit's báo cáo kết quả tự đánh giá, xếp loại (khoản 1 Điều 7) and the Sở's papers.

Under Thông tư 22/2020 the Sở (or Phòng) GD&ĐT checks the units' reports,
consolidates them and submits them to the Chủ tịch UBND of its level, who
recognises the results (khoản 2 Điều 7). Every figure is the result's:
verified points where the Sở entered them (`basis = verified`), else the
unit's own; the total, class and rank are the scorer's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from hoctap.papers.context_common import (
    Body,
    Frame,
    Title,
    YearInput,
    blank_reference,
    circular_citation,
    count,
    head_signature,
    issued_by,
    plain,
    upper,
)
from hoctap.papers.context_council import (
    Annex,
    AnnexGroup,
    AnnexUnit,
    decision_bases,
    decision_frame,
    executors,
    head_of,
)
from hoctap.papers.context_levels import UNIT_HEAD, UnitFacts, unit_header
from scoring.points import PointsRubric
from scoring.results import ResultRow
from scoring.text import vi_sort_key
from scoring.vietnamese import vi_number, vi_percent

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


@dataclass(frozen=True)
class PointLine:
    id: str
    text: str
    max: str
    points: str


@dataclass(frozen=True)
class PointCriterion:
    id: str
    title: str
    max: str
    points: str
    indicators: tuple[PointLine, ...]


@dataclass(frozen=True)
class PointsReport:
    unit: UnitFacts
    year: str
    circular: str
    receiving_body: str
    criteria: tuple[PointCriterion, ...]
    total: str
    max_total: str
    klass: str
    class_intro: str  # "Đơn vị tự xếp loại" or, on points the Sở verified, "Xếp loại sau kiểm tra"
    class_rule: str
    points_note: str


def class_rule(rubric: PointsRubric, name: str) -> str:
    """"Loại tốt: từ 85 điểm đến 100 điểm (điểm a khoản 3 Điều 6 …)"."""
    for band, upper_min in rubric.band_ranges():
        if band.name != name:
            continue
        if band.min == 0 and upper_min is not None:
            span = f"dưới {vi_number(upper_min)} điểm"
        elif upper_min is None:
            span = f"từ {vi_number(band.min)} điểm đến {vi_number(rubric.max_total)} điểm"
        else:
            span = f"từ {vi_number(band.min)} điểm đến dưới {vi_number(upper_min)} điểm"
        citation = f", {band.citation}" if band.citation else ""
        return f"loại {name.lower()}: {span}{citation}"
    return name


def points_report(inp: YearInput, rubric: PointsRubric, row: ResultRow, body: Body) -> tuple[Frame, PointsReport]:
    outcome = row.points
    assert outcome is not None
    criteria = tuple(
        PointCriterion(c.id, c.title, vi_number(c.max), vi_number(outcome.criteria[c.id]),
                       tuple(PointLine(i.id, plain(i.text), vi_number(i.max), vi_number(outcome.points[i.id]))
                             for i in c.indicators))
        for c in rubric.criteria)
    note = ""
    if row.basis == "verified":
        note = (f"Điểm từng chỉ số trong bảng là điểm sau kiểm tra của {body.name}; "
                f"tổng điểm đơn vị tự chấm: {vi_number(outcome.self_total)} điểm.")
    cdht = (f"{count(row.cdht)}/{count(row.members)} ({_pct(row.cdht_share)})"
            if row.cdht is not None and row.members else "")
    facts = UnitFacts(row.unit_id, plain(row.name), "", plain(row.group), count(row.members) if row.members else "……",
                      "", cdht, {True: "có", False: "chưa có", None: "chưa báo cáo"}[row.ban_khuyen_hoc],
                      plain(row.plan_url) if row.plan_url else "chưa cung cấp", plain(row.note), "")
    frame = Frame(unit_header(inp, row, body, "BC"),
                  Title("BÁO CÁO", f"Kết quả tự đánh giá, xếp loại Đơn vị học tập năm {inp.year}"), body.name, UNIT_HEAD,
                  ("Như trên;", "Lưu: VT."), inp.notice)
    return frame, PointsReport(facts, str(inp.year), circular_citation(rubric.info), body.name, criteria,
                               vi_number(outcome.total), vi_number(rubric.max_total), outcome.klass,
                               "Xếp loại sau kiểm tra" if row.basis == "verified" else "Đơn vị tự xếp loại",
                               class_rule(rubric, outcome.klass), note)


def _pct(share: Decimal | None) -> str:
    return vi_percent(share) if share is not None else ""


@dataclass(frozen=True)
class PointsRow:
    number: str
    name: str
    points: tuple[str, ...]  # one per indicator, in the rubric's order
    total: str
    klass: str
    rank: str
    basis: str


@dataclass(frozen=True)
class ClassCount:
    name: str
    count: str


@dataclass(frozen=True)
class PointsYear:
    year: str
    circular: str
    body_name: str
    head: str
    recognising_authority: str
    rows: tuple[PointsRow, ...]
    classes: tuple[ClassCount, ...]
    scored: str
    verified: str
    bases: tuple[str, ...]
    proposer: str
    decision_authority: str
    executors: str
    annex: Annex
    annex_groups: tuple[AnnexGroup, ...]
    submission_ref: str
    enclosure: str


def points_year(inp: YearInput, rubric: PointsRubric, body: Body, rows: Sequence[ResultRow]) -> PointsYear:
    ordered = sorted(rows, key=lambda r: (r.points.rank if r.points else 0, vi_sort_key(plain(r.name))))
    groups = []
    for index, band in enumerate(rubric.classes):
        members = sorted((r for r in ordered if r.points and r.points.klass == band.name),
                         key=lambda r: vi_sort_key(plain(r.name)))
        if members:
            units = tuple(AnnexUnit(count(i), plain(r.name), vi_number(r.points.total) if r.points else "", "")
                          for i, r in enumerate(members, start=1))
            groups.append(AnnexGroup(f"{ROMAN[index]}. LOẠI {upper(band.name)} ({count(len(members))} đơn vị)", units))
    deadline = inp.report.deadlines.get(inp.year)
    decided_on = deadline.before if deadline else date(inp.issue_year, 1, 1)
    circular = circular_citation(rubric.info)
    subject = f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐƠN VỊ HỌC TẬP NĂM {inp.year}"
    submission = blank_reference("TTr-" + body.symbol, inp.issue_year)
    return PointsYear(
        year=str(inp.year), circular=circular, body_name=body.name, head=head_of(body),
        recognising_authority=body.recognising_authority,
        rows=tuple(PointsRow(count(i), plain(r.name), tuple(vi_number(r.points.points[x]) for x in rubric.indicator_ids)
                             if r.points else (), vi_number(r.points.total) if r.points else "",
                             r.points.klass if r.points else "", str(r.points.rank) if r.points else "",
                             "Đã kiểm tra" if r.basis == "verified" else "Tự đánh giá")
                   for i, r in enumerate(ordered, start=1)),
        classes=tuple(ClassCount(b.name, count(sum(1 for r in ordered if r.points and r.points.klass == b.name)))
                      for b in rubric.classes),
        scored=count(len(ordered)), verified=count(sum(1 for r in ordered if r.basis == "verified")),
        bases=decision_bases(decided_on, circular),
        proposer=f"Theo đề nghị của {head_of(body)} tại Tờ trình {submission}.",
        decision_authority=upper(body.recognising_authority), executors=executors(body),
        annex=Annex(f"DANH SÁCH {subject}",
                    f"(Kèm theo Quyết định {blank_reference('QĐ-UBND', inp.issue_year)} của {body.recognising_authority})",
                    count(len(ordered))),
        annex_groups=tuple(groups), submission_ref=f"Tờ trình {submission}",
        enclosure=f"(Kèm theo Tờ trình {submission} của {body.name})",
    )


def points_frames(inp: YearInput, year: PointsYear, body: Body) -> dict[str, Frame]:
    iy = inp.issue_year
    summary = f"kết quả đánh giá, xếp loại Đơn vị học tập năm {year.year}"
    return {
        "to-trinh-cong-nhan": Frame(issued_by(body, "TTr", iy), Title("TỜ TRÌNH", f"Đề nghị công nhận {summary}"),
                                    body.recognising_authority, head_signature(body), ("Như trên;", "Lưu: VT, ……."),
                                    inp.notice),
        "bang-tong-hop": Frame(replace(issued_by(body, "TTr", iy), number=""),
                               Title("BẢNG TỔNG HỢP", f"Kết quả kiểm tra, đánh giá, xếp loại Đơn vị học tập năm {year.year}"),
                               "", head_signature(body), (), inp.notice),
        "du-thao-quyet-dinh": decision_frame(inp, body, f"Về việc công nhận {summary}"),
    }
