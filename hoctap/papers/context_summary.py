"""The Sở's report of a year's results to the Bộ GD&ĐT: counts, Công dân học tập, and who was late or missing.

Thông tư 22/2020 asks for it before 31 January (điểm c khoản 2 Điều 8);
Thông tư 24/2023 at the end of each school year (khoản 3 Điều 18). The counts
are the site's: by level reached (`level_met`) or by class, by group and by
unit type; the Công dân học tập share is the sum over units with figures,
against the QĐ 677/QĐ-TTg target of the year (settings `cdht_targets`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from hoctap.papers.context_common import (
    BLANK,
    Frame,
    Title,
    YearInput,
    circular_citation,
    count,
    day_text,
    head_signature,
    issued_by,
    plain,
    provincial_body,
)
from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.recognition import stage
from scoring.results import ResultRow
from scoring.text import vi_sort_key
from scoring.vietnamese import vi_date, vi_percent

# The reporting duty of the Sở (Bộ pháp điển).
REPORT_RULES = {
    "points": "điểm c khoản 2 Điều 8 Thông tư 22/2020/TT-BGDĐT (báo cáo Bộ trước ngày 31 tháng 01 hằng năm)",
    "levels": "khoản 3 Điều 18 Thông tư 24/2023/TT-BGDĐT (hằng năm báo cáo Bộ vào cuối năm học)",
}
TARGET_SOURCE = "Quyết định số 677/QĐ-TTg ngày 03/6/2022 của Thủ tướng Chính phủ"
# The site's stage labels (`hoctap_pages.year_pages.STAGE_LABELS`), in its order.
STAGE_LABELS = {
    "cong-nhan": "Đã có quyết định công nhận",
    "da-tham-dinh": "Hội đồng đã thẩm định, đề nghị công nhận",
    "khong-cong-nhan": "Hội đồng thẩm định không đạt mức đề nghị",
    "tu-danh-gia": "Tự đánh giá, chờ Hội đồng thẩm định",
    "chua-dat-muc-de-nghi": "Tự đánh giá chưa đạt mức đề nghị",
}


@dataclass(frozen=True)
class CountLine:
    label: str
    count: str


@dataclass(frozen=True)
class GroupLine:
    name: str
    counts: tuple[str, ...]  # one per column of `columns`
    total: str


@dataclass(frozen=True)
class CdhtFigures:
    units: str  # units with figures
    members: str
    cdht: str
    share: str
    target: str  # "60% vào năm 2025 (Quyết định số 677/QĐ-TTg …)" or "chưa đặt"
    meeting: str  # units at or above the target


@dataclass(frozen=True)
class Submissions:
    expected: str
    received: str
    on_time: str
    late: str
    undated: str
    invalid: str
    missing: str


@dataclass(frozen=True)
class YearSummary:
    year: str
    province: str
    circular: str
    report_rule: str
    scored: str
    columns: tuple[str, ...]  # "Mức độ 2", "Mức độ 1", "Chưa đạt mức độ 1" / "Tốt", "Khá", …
    totals: tuple[CountLine, ...]
    stages: tuple[CountLine, ...]  # levels only
    sets: tuple[CountLine, ...]  # levels only
    groups: tuple[GroupLine, ...]
    types: tuple[GroupLine, ...]  # levels only
    cdht: CdhtFigures
    submissions: Submissions
    late_units: tuple[str, ...]
    missing_units: tuple[str, ...]
    invalid_units: tuple[str, ...]
    decisions: tuple[str, ...]


def _lines(keyed: dict[str, Counter[str]], columns: Sequence[str]) -> tuple[GroupLine, ...]:
    return tuple(GroupLine(name, tuple(count(c.get(col, 0)) for col in columns), count(sum(c.values())))
                 for name, c in sorted(keyed.items(), key=lambda kv: vi_sort_key(kv[0])))


def _cdht(inp: YearInput, rows: Iterable[ResultRow]) -> CdhtFigures:
    known = [r for r in rows if r.members and r.cdht is not None]
    members = sum(r.members or 0 for r in known)
    cdht = sum(r.cdht or 0 for r in known)
    target = inp.cdht_target
    return CdhtFigures(
        units=count(len(known)), members=count(members), cdht=count(cdht),
        share=vi_percent(Decimal(cdht) / Decimal(members)) if members else BLANK,
        target=f"{vi_percent(target[0])} vào năm {target[1]} ({TARGET_SOURCE})" if target else "chưa đặt",
        meeting=count(sum(1 for r in known if r.cdht_meets_target)),
    )


def _submissions(inp: YearInput) -> tuple[Submissions, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    statuses = inp.report.statuses
    by = Counter(s.status for s in statuses)
    late = tuple(f"{inp.unit_name(s.unit_id)} (nộp ngày {day_text(s.submitted)})" if s.submitted else inp.unit_name(s.unit_id)
                 for s in statuses if s.status == "tre-han")
    missing = tuple(sorted((inp.unit_name(s.unit_id) for s in statuses if s.status == "chua-nop"), key=vi_sort_key))
    invalid = tuple(sorted((inp.unit_name(s.unit_id) for s in statuses if s.status == "bi-tu-choi"), key=vi_sort_key))
    received = len(statuses) - by["chua-nop"]
    return (Submissions(count(len(statuses)), count(received), count(by["dung-han"]), count(by["tre-han"]),
                        count(by["khong-ro-ngay"]), count(by["bi-tu-choi"]), count(by["chua-nop"])),
            late, missing, invalid)


def _decisions(rows: Iterable[ResultRow]) -> tuple[str, ...]:
    by_number: dict[tuple[str, str, str], int] = {}
    for r in rows:
        if r.recognition is not None:
            d = r.recognition
            key = (plain(d.number), vi_date(d.signed), plain(d.signer))
            by_number[key] = by_number.get(key, 0) + 1
    return tuple(f"Quyết định số {n} ngày {day} của {signer}: {count(k)} đơn vị"
                 for (n, day, signer), k in sorted(by_number.items()))


def year_summary(inp: YearInput, rubric: LevelsRubric | PointsRubric) -> tuple[Frame, YearSummary]:
    rows = inp.report.results
    groups: dict[str, Counter[str]] = {}
    types: dict[str, Counter[str]] = {}
    stages: Counter[str] = Counter()
    sets: Counter[str] = Counter()
    if isinstance(rubric, LevelsRubric):
        labels = {2: "Mức độ 2", 1: "Mức độ 1", 0: "Chưa đạt mức độ 1"}
        columns: tuple[str, ...] = tuple(labels.values())
        for r in rows:
            assert r.levels is not None
            col = labels[r.levels.level_met]
            groups.setdefault(plain(r.group), Counter())[col] += 1
            unit = inp.unit(r.unit_id)
            utype = rubric.unit_types.get(unit.loai or "") if unit else None
            types.setdefault(plain(utype.label) if utype else "—", Counter())[col] += 1
            stages[stage(r)] += 1
            cset = rubric.sets.get(r.levels.set)
            sets[cset.title if cset else r.levels.set] += 1
        title = f"Kết quả đánh giá, công nhận “Đơn vị học tập” năm {inp.year}"
    else:
        columns = tuple(b.name for b in rubric.classes)
        for r in rows:
            assert r.points is not None
            groups.setdefault(plain(r.group), Counter())[r.points.klass] += 1
        title = f"Kết quả đánh giá, xếp loại Đơn vị học tập năm {inp.year}"
    totals = Counter(col for c in groups.values() for col in c.elements())
    submissions, late, missing, invalid = _submissions(inp)
    body = provincial_body(inp.authority)
    frame = Frame(issued_by(body, "BC", inp.issue_year), Title("BÁO CÁO", title), "Bộ Giáo dục và Đào tạo",
                  head_signature(body), ("Như trên;", f"{body.governing_body} (để báo cáo);", "Lưu: VT, ……."), inp.notice)
    return frame, YearSummary(
        year=str(inp.year), province=inp.authority.province, circular=circular_citation(rubric.info),
        report_rule=REPORT_RULES[rubric.method], scored=count(len(rows)), columns=columns,
        totals=tuple(CountLine(col, count(totals.get(col, 0))) for col in columns),
        stages=tuple(CountLine(label, count(stages[code])) for code, label in STAGE_LABELS.items() if stages[code]),
        sets=tuple(CountLine(name, count(n)) for name, n in sorted(sets.items())),
        groups=_lines(groups, columns), types=_lines(types, columns), cdht=_cdht(inp, rows), submissions=submissions,
        late_units=late, missing_units=missing, invalid_units=invalid, decisions=_decisions(rows),
    )
