"""The results contract: the one typed description of what scoring publishes.

The scorer builds these values; the results folder stores them
(`scoring.results_json`), and the site plugin, the downloads, the report,
the status written back into each tab and the official papers all read the
same values back. A result is either `points` (Thông tư 22/2020: total, class,
rank) or `levels` (Thông tư 24/2023: the level met and a check per chỉ tiêu);
the rubric supplies every label and threshold.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Protocol

from scoring.canonical import Place
from scoring.lazy_mapping import LazyMapping
from scoring.problems import Rejection

Basis = Literal["self", "verified"]
SubmissionStatus = Literal["dung-han", "tre-han", "khong-ro-ngay", "bi-tu-choi", "chua-nop"]
CheckResult = Literal["dat", "khong-dat", "khong-ap-dung"]

BASIS_LABELS: dict[str, str] = {"self": "tự đánh giá", "verified": "đã thẩm định"}
# Where a unit stands against the deadline, in the order the site lists them.
STATUS_LABELS: dict[str, str] = {
    "dung-han": "Đúng hạn",
    "tre-han": "Trễ hạn",
    "khong-ro-ngay": "Không rõ ngày nộp",
    "bi-tu-choi": "Bị từ chối",
    "chua-nop": "Chưa nộp",
}
CHECK_LABELS: dict[str, str] = {"dat": "Đạt", "khong-dat": "Không đạt", "khong-ap-dung": "Không áp dụng"}


@dataclass(frozen=True)
class Deadline:
    """"Gửi … trước ngày X": a report is on time when it is dated before `before` (X itself is late)."""

    before: date
    citation: str

    def on_time(self, submitted: date) -> bool:
        return submitted < self.before


@dataclass(frozen=True)
class Authority:
    """Who acts for an assessment year: the province, where dossiers go, who recognises (settings by period)."""

    province: str
    receiving_body: str  # "Sở Giáo dục và Đào tạo tỉnh Tây Ninh"
    recognising_authority: str  # "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh"
    governing_body: str  # the body above the receiving one, for papers: "Ủy ban nhân dân tỉnh Tây Ninh"
    place: str  # the place name of the papers' date line: "Tây Ninh"
    note: str = ""  # why, when a reform made it a choice


@dataclass(frozen=True)
class PointsOutcome:
    """Thông tư 22/2020 (Điều 5, 6): points per indicator, criterion subtotals, total, class, ranks."""

    points: Mapping[str, Decimal]
    criteria: Mapping[str, Decimal]
    total: Decimal
    klass: str
    self_total: Decimal
    rank: int = 0
    rank_in_group: int = 0
    # The previous calendar year's published total; None when that year has no result for the unit.
    previous_total: Decimal | None = None
    change: Decimal | None = None
    method: Literal["points"] = "points"


@dataclass(frozen=True)
class IndicatorCheck:
    """One chỉ tiêu of Thông tư 24/2023, as reported and as judged.

    `result` is judged against the requested level; `by_level` gives the
    judgement against each level's own threshold (level 1 and level 2).
    """

    id: str
    result: CheckResult
    by_level: Mapping[int, CheckResult]
    answer: str | None = None  # yes/no chỉ tiêu: "dat"/"khong-dat"; digital level: "co-ban"/"tot"/"chua-dat"
    count: int | None = None  # share chỉ tiêu: members who meet it
    share: Decimal | None = None  # count / members, exact to 4 decimals (0.9 = 90%)
    learners_count: int | None = None  # chỉ tiêu 3.1 in an education institution with Người học
    learners_share: Decimal | None = None
    evidence: str | None = None
    self_result: CheckResult = "khong-ap-dung"  # the unit's own judgement, before the council's
    council: Literal["dat", "khong-dat"] | None = None
    reasons: tuple[str, ...] = ()  # why không đạt, in Vietnamese


@dataclass(frozen=True)
class LevelsOutcome:
    """Thông tư 24/2023 (Điều 6–9, 12–15): the level reached, from a đạt/không đạt check per chỉ tiêu."""

    set: str  # "cap-tinh" or "cap-huyen"
    level_requested: int
    level_met: int  # 0, 1 or 2: the highest level all of whose applicable chỉ tiêu are met, with every level below it
    self_level_met: int  # the same, from the unit's own judgements only
    checks: Mapping[str, IndicatorCheck]
    criteria_met: Mapping[str, bool]  # per tiêu chí, at the requested level
    learners: int | None = None
    learners_cdht: int | None = None
    council_reasons: str | None = None
    method: Literal["levels"] = "levels"


Outcome = PointsOutcome | LevelsOutcome


@dataclass(frozen=True)
class Recognition:
    """A Chủ tịch UBND's decision recognising a unit (Điều 5, 11): from the decisions file."""

    number: str
    signed: date
    signer: str
    unit_id: str
    year: int
    set: str
    level: int
    valid_until_year: int  # "bảo lưu trong thời hạn 03 năm tiếp theo năm được công nhận"


@dataclass(frozen=True)
class ResultRow:
    """One unit's published result for one assessment year."""

    unit_id: str
    year: int
    name: str
    short_name: str
    group: str
    rubric: str
    basis: Basis
    outcome: Outcome
    source: str  # where it was read: file, tab (or line)
    members: int | None = None
    cdht: int | None = None
    cdht_share: Decimal | None = None
    cdht_meets_target: bool | None = None
    ban_khuyen_hoc: bool | None = None
    plan_url: str | None = None
    submitted: date | None = None
    submission_status: SubmissionStatus = "khong-ro-ngay"
    evidence: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None  # the unit's own note
    council_note: str | None = None  # the reviewing body's opinion or conclusion
    recognition: Recognition | None = None
    warnings: tuple[str, ...] = ()

    @property
    def method(self) -> str:
        return self.outcome.method

    @property
    def points(self) -> PointsOutcome | None:
        return self.outcome if isinstance(self.outcome, PointsOutcome) else None

    @property
    def levels(self) -> LevelsOutcome | None:
        return self.outcome if isinstance(self.outcome, LevelsOutcome) else None


@dataclass(frozen=True)
class StatusRow:
    """Where a unit active in a year stands against that year's deadline."""

    unit_id: str
    year: int
    status: SubmissionStatus
    submitted: date | None


class ResultRows(Protocol):
    """What a report's results offer: the rows in order, and each row's year without making the row.

    A national run's fifty thousand rows are made only when read (`scoring.result_table.ResultTable`)."""

    @property
    def years(self) -> Any: ...  # an integer array, a year per row

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[ResultRow]: ...

    def __getitem__(self, i: int) -> ResultRow: ...

    def of_year(self, year: int) -> ResultRows: ...


class StatusRows(Protocol):
    """What a report's statuses offer: the rows, and the years that have any, each made when read
    (`scoring.result_table.YearStatuses`)."""

    @property
    def years(self) -> tuple[int, ...]: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[StatusRow]: ...

    def of_year(self, year: int) -> StatusRows: ...


@dataclass
class ScoreReport:
    read: int
    results: ResultRows
    rejected: list[Rejection]
    statuses: StatusRows
    deadlines: dict[int, Deadline]
    # Where each accepted unit-year was read (file, tab, line), for writing its status back.
    origins: Mapping[tuple[str, int], Place] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted({int(y) for y in self.results.years} | set(self.statuses.years))

    def for_year(self, year: int) -> ScoreReport:
        """Only one assessment year (rejections whose year could not be read belong to no year)."""
        results = self.results.of_year(year)
        rejected = [r for r in self.rejected if r.year == year]
        return ScoreReport(
            read=len(results) + len(rejected),
            results=results,
            rejected=rejected,
            statuses=self.statuses.of_year(year),
            deadlines={y: d for y, d in self.deadlines.items() if y == year},
            origins=LazyMapping(lambda: {k: p for k, p in self.origins.items() if k[1] == year}),
        )

    def counts(self) -> dict[str, int]:
        return {"read": self.read, "scored": len(self.results), "rejected": len(self.rejected)}
