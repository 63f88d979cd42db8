"""The recognition decisions' lists, published on `cong-nhan/` as a table and as a PDF per decision.

Thông tư 24/2023 has units publish their results (khoản 3 Điều 21); what the
site can publish by nature is who a Chủ tịch UBND's decision recognised. One
decision is one (number, signing date, signer) in the decisions file: the same
number signed by two district chairmen is two decisions. Each gets
`cong-nhan/<slug>.pdf` (`qd-325-qd-ubnd-2026.pdf`), listing its units by level,
then in Vietnamese name order. The PDF says that hoctap compiled it from the
decision: it is not the signed decision.

The PDF itself is `decision_pdf`'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from scoring.results import Recognition
from scoring.text import slugify
from scoring.vietnamese import vi_date

from .site_data import SiteData, unit_url, vi_sort_key

FOLDER = "cong-nhan"
SOURCE = "content/data/quyet-dinh.csv"


@dataclass(frozen=True)
class ListedUnit:
    """One line of a decision's list."""

    position: int  # STT
    unit_id: str
    name: str
    url: str | None  # the unit's page, when the registry has the unit
    year: int
    level: int
    valid_until_year: int


@dataclass(frozen=True)
class DecisionList:
    """One decision and the units it recognised; `url` and `bytes` describe its PDF once written."""

    number: str
    signed: date
    signer: str
    years: tuple[int, ...]
    sets: tuple[str, ...]
    units: tuple[ListedUnit, ...]
    slug: str
    bytes: int = 0

    @property
    def url(self) -> str:
        return f"{FOLDER}/{self.slug}.pdf"

    @property
    def levels(self) -> list[tuple[int, int]]:
        """(level, number of units), level 1 first."""
        counts = Counter(u.level for u in self.units)
        return sorted(counts.items())

    @property
    def title(self) -> str:
        return f"Quyết định số {self.number} ngày {vi_date(self.signed)}" + (f" của {self.signer}" if self.signer else "")


Key = tuple[str, date, str]


def decision_slugs(keys: Sequence[Key]) -> dict[Key, str]:
    """`qd-<number>-<year signed>`; where two decisions share it, the signer, then the date, then a counter is added."""
    slugs = {k: f"qd-{slugify(k[0], 'so')}-{k[1].year}" for k in keys}
    for step in ("signer", "date"):
        taken = Counter(slugs.values())
        for k, s in slugs.items():
            if taken[s] > 1:
                extra = slugify(k[2], "").removeprefix("chu-tich-") if step == "signer" else f"{k[1]:%m%d}"
                slugs[k] = f"{s}-{extra}".strip("-")
    taken = Counter(slugs.values())
    used = set(taken)
    for k in keys:  # keys come sorted: the counter is stable
        s = slugs[k]
        if taken[s] > 1:
            n = 1
            while f"{s}-{n}" in used:
                n += 1
            slugs[k] = f"{s}-{n}"
            used.add(slugs[k])
    return slugs


def decision_lists(data: SiteData) -> list[DecisionList]:
    """Every decision of the decisions file, newest first, with its units by level then name."""
    groups: dict[Key, list[Recognition]] = {}
    for r in data.results.decisions:
        groups.setdefault((r.number, r.signed, r.signer), []).append(r)
    keys = sorted(groups, key=lambda k: (-k[1].toordinal(), vi_sort_key(k[2]), vi_sort_key(k[0])))
    slugs = decision_slugs(keys)

    def name(unit_id: str) -> str:
        unit = data.unit_by_id.get(unit_id)
        return unit.name if unit else unit_id

    out = []
    for key in keys:
        members = sorted(groups[key], key=lambda r: (r.level, vi_sort_key(name(r.unit_id)), r.year))
        units = tuple(ListedUnit(i, r.unit_id, name(r.unit_id), unit_url(r.unit_id) if r.unit_id in data.unit_by_id else None,
                                 r.year, r.level, r.valid_until_year) for i, r in enumerate(members, start=1))
        out.append(DecisionList(number=key[0], signed=key[1], signer=key[2], years=tuple(sorted({r.year for r in members})),
                                sets=tuple(sorted({r.set for r in members})), units=units, slug=slugs[key]))
    return out
