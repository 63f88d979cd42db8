"""A report's results as columns (`scoring.result_table`): rows are made when read, once, and equal the rows.

Scoring a national run decides every outcome a column at a time; the
`ResultRow` objects are made only by whatever reads them (the process writing
a year). What the report itself does (sort, count, select a year, list its
years) must make none, and a row read twice, or through a selection, is the
same object.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from hoctap import pipeline
from hoctap.project import Project
from intake.sources import read_source
from scoring.engine import score
from scoring.result_table import ResultTable, TableBuilder, YearStatuses
from scoring.results import LevelsOutcome, PointsOutcome, ResultRow, StatusRow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import benchmark


def _row(unit: str, year: int, rank: int) -> ResultRow:
    outcome = PointsOutcome(points={}, criteria={}, total=Decimal(90 - rank), klass="Tốt", self_total=Decimal(90 - rank),
                            rank=rank)
    return ResultRow(unit_id=unit, year=year, name=unit, short_name=unit, group="G", rubric="tt22", basis="self",
                     outcome=outcome, source="nguon.csv")


def test_a_table_equals_its_rows_sorted_by_year_rank_and_unit_and_makes_each_once() -> None:
    rows = [_row("b", 2023, 2), _row("a", 2022, 1), _row("c", 2023, 1), _row("a", 2023, 2)]
    made: list[int] = []

    def make(k: int) -> ResultRow:
        made.append(k)
        return rows[k]

    builder = TableBuilder()
    builder.add(len(rows), make, [r.unit_id for r in rows], [r.year for r in rows], [2, 1, 1, 2], [None] * 4)
    table = builder.table().sorted()
    assert made == []  # sorting reads the columns only
    assert table.years.tolist().count(2023) == 3 and len(table.of_year(2022)) == 1
    assert [(r.unit_id, r.year) for r in table] == [("a", 2022), ("c", 2023), ("a", 2023), ("b", 2023)]
    assert sorted(made) == [0, 1, 2, 3]
    assert table.of_year(2023)[0] is table[1]  # a selection shares the rows made
    assert len(made) == 4
    assert table == sorted(rows, key=lambda r: (r.year, r.points.rank if r.points else 0, r.unit_id))
    assert table != rows
    assert table.rows_made == 4


def test_a_table_of_rows_already_made_keeps_them() -> None:
    rows = [_row("a", 2022, 1), _row("b", 2022, 2)]
    table = ResultTable.of(rows)
    assert table.rows_made == 2 and table[1] is rows[1] and list(table.of_year(2021)) == []


def test_statuses_are_made_a_year_at_a_time() -> None:
    asked: list[int] = []

    def make(year: int) -> list[StatusRow]:
        asked.append(year)
        return [StatusRow("a", year, "chua-nop", None)]

    statuses = YearStatuses(make, [2024, 2025])
    assert list(statuses.of_year(2025)) == [StatusRow("a", 2025, "chua-nop", None)]
    assert asked == [2025]
    assert statuses == [StatusRow("a", 2024, "chua-nop", None), StatusRow("a", 2025, "chua-nop", None)]
    assert asked == [2025, 2024]  # 2025's were made once
    assert list(statuses.of_year(2023)) == [] and asked == [2025, 2024]


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("quoc-gia")
    return root, benchmark.generate(root, 300, 4)  # 2022, 2023 (points), 2024, 2025 (levels)


def test_scoring_a_national_run_makes_no_row_until_one_is_read(national: tuple[Path, Path]) -> None:
    root, source = national
    project = Project.open(project=root)
    registry = pipeline.registry(project)
    options = pipeline.scoring_options(project, registry, today=date(2026, 11, 24))
    subs = read_source(source, datetime(2026, 11, 24, 8, 0)).submissions
    report = score(subs, registry, options)
    table = report.results
    assert len(table) > 1000 and table.rows_made == 0
    assert report.years == [2022, 2023, 2024, 2025] and report.counts()["scored"] == len(table)
    one = report.for_year(2024)
    assert one.counts()["scored"] == int(np.sum(table.years == 2024))
    assert table.rows_made == 0  # counting, selecting and listing years read columns only
    first = one.results[0]
    assert isinstance(first.outcome, LevelsOutcome) and table.rows_made == 1
    assert list(one.results) == [r for r in table if r.year == 2024]
    assert one.results[0] is first
