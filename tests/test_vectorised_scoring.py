"""The vectorised scorer gives exactly what the row-by-row rules give, on corpora it was not written against.

`score()` assesses clean rows a column at a time and sends every other row
through `scoring.validate`; `score_rows()` sends every row there. The two
reports must be equal field by field (results, ranks, checks and reasons,
rejections and their messages, statuses, origins), and write the same
results JSON, on: the embedded sample,
every hostile-input corpus that reads, a seeded fuzz corpus of both laws with
a palette of hostile cell values, the same rows as typed workbook values
(numbers, dates, booleans), and a synthetic national project.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_hostile import CASES, Case

from hoctap import pipeline
from hoctap.project import Project
from intake.errors import IntakeError
from intake.sources import read_source
from scoring.canonical import RawCell, Submission
from scoring.engine import ScoringOptions, score, score_rows
from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.registry import Registry
from scoring.results import ScoreReport
from scoring.results_json import row_to_json
from scoring.table_checks import ColumnChecks
from scoring.table_scoring import assess_table
from scoring.wide_table import Submissions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import make_sample

WHEN = datetime(2026, 11, 24, 8, 0)
PALETTE = ("", " ", "-", "—", "kad", "không áp dụng", "=1+1", "\x00", "NaN", "inf", "1e2", "1.000", "1 200", "khoảng 90",
           "Đạt", "ĐẠT", "dat", "Khong dat", "không  đạt", "tốt", "Mức đáp ứng cơ bản", "chưa đạt", "0", "-1", "8,50",
           "8.555", "10.0", " 7,5 ", "999", "3", "1", "2", "có", "không", "x", "31/02/2025", "2025-01-10",
           "14/01/2026", "vanthu@example.com", "0912 345 678", "https://x.example/a.pdf", "javascript:alert(1)")
TYPED = (8.5, 10, 1, 2, 0, True, False, Decimal("8.50"), 1.0, datetime(2026, 1, 10), date(2026, 1, 20), -3, 1e9, None)


def columns_unbuilt(report: ScoreReport) -> int:
    """Rows whose checks are still columns, not objects (`ColumnChecks`)."""
    return sum(1 for r in report.results
               if isinstance(checks := getattr(r.outcome, "checks", None), ColumnChecks) and checks.unread is not None)


def assert_same(fast: ScoreReport, rows: ScoreReport) -> None:
    assert fast.read == rows.read
    assert [(r.unit_id, r.year) for r in fast.results] == [(r.unit_id, r.year) for r in rows.results]
    for a, b in zip(fast.results, rows.results, strict=True):
        # As written first: a clean levels row's checks are written straight from the columns (ColumnChecks),
        # and comparing the rows builds them as objects. As text: the keys' order is the file's too.
        assert json.dumps(row_to_json(a), ensure_ascii=False) == json.dumps(row_to_json(b), ensure_ascii=False), (
            a.unit_id, a.year)
        assert a == b, (a.unit_id, a.year)
    assert fast.rejected == rows.rejected
    assert fast.statuses == rows.statuses
    assert fast.deadlines == rows.deadlines
    assert fast.origins == rows.origins


def both(subs: Submissions, registry: Registry, options: ScoringOptions) -> ScoreReport:
    fast, rows = score(subs, registry, options), score_rows(list(subs), registry, options)
    assert_same(fast, rows)
    return fast


def routed(subs: Submissions, registry: Registry, options: ScoringOptions) -> tuple[int, int]:
    """(rows assessed by columns, rows sent row by row): a comparison means something only when both are many."""
    by_rows = len(assess_table(subs, registry, options).row_by_row)
    return len(subs) - by_rows, by_rows


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project.open(tmp_path_factory.mktemp("empty-project"))


@pytest.fixture(scope="module")
def registry(project: Project) -> Registry:
    return pipeline.registry(project)


@pytest.fixture(scope="module", params=["ca-hai", "nguoi-hoc"])
def options(request: pytest.FixtureRequest, project: Project, registry: Registry) -> ScoringOptions:
    base = pipeline.scoring_options(project, registry, today=date(2026, 11, 24))
    return ScoringOptions(base.rubrics, base.today, base.deadline, base.cdht_target, request.param, base.decisions)


def test_the_embedded_sample_scores_the_same_both_ways(project: Project, registry: Registry,
                                                       options: ScoringOptions) -> None:
    subs = read_source(project.path("sample_dir"), WHEN).submissions
    report = both(subs, registry, options)
    assert report.results and report.rejected
    fast, by_rows = routed(subs, registry, options)
    assert fast > 150 and by_rows >= 10  # the sample plants mistakes: both paths are exercised


def _fuzz_rows(registry: Registry, project: Project, seed: int) -> dict[str, list[dict[str, str]]]:
    rng = random.Random(seed)
    make_sample.rng.seed(seed)
    rubrics = pipeline.rubrics(project)
    files: dict[str, list[dict[str, str]]] = {}
    for year in range(2020, 2027):
        rubric = rubrics.require(year)
        units = list(registry.active(year))
        if isinstance(rubric, PointsRubric):
            rows = make_sample.points_rows(year, rubric, units)
        else:
            assert isinstance(rubric, LevelsRubric)
            rows = make_sample.levels_rows(year, rubric, units, submit_share=1.0)
            make_sample.add_council(rows, {r["ma_don_vi"] for r in rows[2::5]})
        for r in rows:
            if rng.random() < 0.45:
                for _ in range(rng.randint(1, 3)):
                    key = rng.choice(list(r))
                    r[key] = rng.choice(PALETTE)
            if rng.random() < 0.03:
                r["ma_don_vi"] = rng.choice(["so-y-te", " VP-TINH-UY ", "", "khong-co-ma", r["ma_don_vi"].upper()])
            if rng.random() < 0.03:
                r["nam"] = rng.choice(["2019", "2031", "abc", f"{year}.0", f" {year} ", str(year - 1)])
            if rng.random() < 0.02:
                r[rng.choice(["td_1.1", "hd_1.1", "9.9", "mc_9.9", "hd_2.5", "td_3.3"])] = rng.choice(PALETTE[10:])
        rows += [dict(r) for r in rows[:: 37]]  # pasted twice
        files[f"ket-qua-{year}.csv"] = rows
    return files


def _write(folder: Path, files: dict[str, list[dict[str, str]]]) -> None:
    import csv

    for name, rows in files.items():
        columns = list(dict.fromkeys(k for r in rows for k in r))
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, columns, restval="")
            w.writeheader()
            w.writerows(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_fuzzed_corpus_of_both_laws_scores_the_same_both_ways(seed: int, tmp_path: Path, project: Project,
                                                                registry: Registry, options: ScoringOptions) -> None:
    _write(tmp_path, _fuzz_rows(registry, project, seed))
    subs = read_source(tmp_path, WHEN).submissions
    report = both(subs, registry, options)
    assert len(report.results) > 50 and len(report.rejected) > 50
    fast, by_rows = routed(subs, registry, options)
    assert fast > 100 and by_rows > 80


def _typed(sub: Submission, rng: random.Random) -> Submission:
    """The same submission as a workbook or the Sheets API would give it: numbers, dates, booleans."""
    def value(cell: RawCell) -> RawCell:
        v: Any = cell.value
        if isinstance(v, str) and rng.random() < 0.5:
            text = v.strip().replace(",", ".")
            if text.isdigit():
                v = int(text)
            elif text.replace(".", "", 1).isdigit():
                v = float(text)
        if rng.random() < 0.05:
            v = rng.choice(TYPED)
        return RawCell(v, cell.place)

    return Submission(
        origin=sub.origin, unit=sub.unit, year=value(sub.year),
        fields={k: value(c) for k, c in sub.fields.items()},
        indicators={k: value(c) for k, c in sub.indicators.items()},
        verified={k: value(c) for k, c in sub.verified.items()},
        council={k: value(c) for k, c in sub.council.items()},
        evidence={k: value(c) for k, c in sub.evidence.items()},
        unknown_columns=list(sub.unknown_columns), reader_problems=list(sub.reader_problems),
    )


def test_typed_workbook_values_score_the_same_both_ways(tmp_path: Path, project: Project, registry: Registry,
                                                        options: ScoringOptions) -> None:
    _write(tmp_path, _fuzz_rows(registry, project, 7))
    rng = random.Random(7)
    objects = [_typed(s, rng) for s in read_source(tmp_path, WHEN).submissions]
    report = both(Submissions([objects]), registry, options)
    assert report.results and report.rejected


@pytest.mark.parametrize("case", [c for c in CASES if c.exit == 0], ids=lambda c: c.name)
def test_every_hostile_corpus_that_reads_scores_the_same_both_ways(case: Case, tmp_path: Path, registry: Registry,
                                                                   options: ScoringOptions) -> None:
    case.files(tmp_path)
    for name in ("nguon.csv", "nguon.xlsx", "nguon"):
        if (tmp_path / name).exists():
            try:
                subs = read_source(tmp_path / name, WHEN).submissions
            except IntakeError:
                continue  # refused whole, before scoring: nothing to compare
            both(subs, registry, options)


def test_a_national_synthetic_project_scores_the_same_both_ways(tmp_path: Path) -> None:
    import benchmark

    source = benchmark.generate(tmp_path, 400, 6)
    project = Project.open(project=tmp_path)
    registry = pipeline.registry(project)
    options = pipeline.scoring_options(project, registry, today=date(2026, 11, 24))
    subs = read_source(source, WHEN).submissions
    report = both(subs, registry, options)
    assert len(report.results) > 2000
    assert {r.method for r in report.results} == {"points", "levels"}
    fast = score(subs, registry, options)
    assert columns_unbuilt(fast) > 500  # what `both` compared as written were these
