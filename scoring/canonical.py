"""The canonical form every reader produces: submissions of raw cells, with provenance.

Readers (wide CSV, agency workbook, Google pull) only locate cells; they never
interpret values. Interpretation happens once, in `scoring.validate`, so a
value typed into Excel and the same value pulled from Google are judged alike.
`long_table` flattens submissions into the one long table of DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

CellValue = Any  # str, int, float, Decimal, datetime/date or None: exactly as the source gave it


@dataclass(frozen=True)
class Place:
    """Where a value came from: file (or spreadsheet), tab, and an A1 cell or CSV line and column."""

    file: str
    tab: str | None = None
    cell: str | None = None
    line: int | None = None
    column: str | None = None

    def describe(self) -> str:
        parts = [self.file]
        if self.tab is not None:
            parts.append(f"trang «{self.tab}»")
        if self.cell is not None:
            parts.append(f"ô {self.cell}")
        if self.line is not None:
            parts.append(f"dòng {self.line}")
        if self.column is not None:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def at(self, *, cell: str | None = None, column: str | None = None) -> Place:
        return Place(self.file, self.tab, cell, self.line, column)


@dataclass(frozen=True)
class RawCell:
    value: CellValue
    place: Place


@dataclass
class Submission:
    """One unit's self-assessment for one year, as read, before any judgement.

    `fields` holds the header block under the wide CSV's column names
    (`so_thanh_vien`, `so_cdht`, `ngay_gui`, `muc_de_nghi`, …). Per indicator
    id, as written in the source: `indicators` holds the unit's own value
    (points under TT 22, a count, đạt/không đạt or a digital level under
    TT 24), `verified` the reviewer's points (`td_`, TT 22), `council` the
    Hội đồng's judgement (`hd_`, TT 24) and `evidence` the evidence (`mc_`).
    `unknown_columns` lists cells the reader could not place, and `problems`
    what the reader itself found wrong (a repeated column or indicator row, a
    tab naming another unit), so validation rejects rather than silently drops.
    """

    origin: Place
    unit: RawCell
    year: RawCell
    fields: dict[str, RawCell] = field(default_factory=dict)
    indicators: dict[str, RawCell] = field(default_factory=dict)
    verified: dict[str, RawCell] = field(default_factory=dict)
    council: dict[str, RawCell] = field(default_factory=dict)
    evidence: dict[str, RawCell] = field(default_factory=dict)
    unknown_columns: list[RawCell] = field(default_factory=list)
    reader_problems: list[tuple[str, Place, dict[str, str]]] = field(default_factory=list)

    def field_value(self, key: str) -> CellValue:
        cell = self.fields.get(key)
        return None if cell is None else cell.value


LONG_COLUMNS = (
    "unit_id", "year", "indicator_id", "self_value", "verified_points", "council", "evidence",
    "source_file", "source_tab", "source_cell",
)


def long_table(submissions: list[Submission]) -> pd.DataFrame:
    """One row per submission and indicator, values still raw, with the cell each came from."""
    import pandas as pd  # here, not at the top: Place and Submission are read by processes that never load pandas

    rows = []
    for sub in submissions:
        ids = list(dict.fromkeys([*sub.indicators, *sub.verified, *sub.council]))
        for ind in ids:
            own = sub.indicators.get(ind)
            place = (own or sub.verified.get(ind) or sub.council[ind]).place
            verified = sub.verified.get(ind)
            council = sub.council.get(ind)
            evidence = sub.evidence.get(ind)
            rows.append(
                {
                    "unit_id": sub.unit.value,
                    "year": sub.year.value,
                    "indicator_id": ind,
                    "self_value": own.value if own else None,
                    "verified_points": verified.value if verified else None,
                    "council": council.value if council else None,
                    "evidence": evidence.value if evidence else None,
                    "source_file": place.file,
                    "source_tab": place.tab,
                    "source_cell": place.cell or (f"dòng {place.line}, cột {place.column}" if place.line else None),
                }
            )
    return pd.DataFrame(rows, columns=list(LONG_COLUMNS))
