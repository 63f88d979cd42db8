"""Which papers a year has, where each goes, and from which template and context.

Layout of `--out DIR` (one folder per assessment year):

    <year>/don-vi/<unit_id>/…                     each unit's own papers
    <year>/hoi-dong/<body>/…                      the reviewing body's papers (a Sở, or a Phòng GD&ĐT)
    <year>/bao-cao-tong-hop-<year>.docx           the Sở's report of the year to the Bộ GD&ĐT
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hoctap.papers import catalogue as cat
from hoctap.papers.context_common import Body, YearInput, blank_reference, template_context
from hoctap.papers.context_council import council_frames, council_year, is_refused
from hoctap.papers.context_levels import appraised_frame, levels_dossier, refusal, unit_frames
from hoctap.papers.context_points import points_frames, points_report, points_year
from hoctap.papers.context_summary import year_summary
from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.recognition import stage
from scoring.results import ResultRow

UNIT_DIR = "don-vi"
BODY_DIR = "hoi-dong"
APPRAISED_DIR = "ban-tong-hop-tham-dinh"
REFUSAL_DIR = "van-ban-tra-loi"


@dataclass(frozen=True)
class PlannedPaper:
    template: str  # the template's file name
    path: Path  # relative to the year's folder
    context: dict[str, Any]
    unit_id: str | None = None  # the unit it is about, for `--unit`


def summary_name(year: int) -> str:
    return f"bao-cao-tong-hop-{year}.docx"


def _bodies(inp: YearInput, rows: Iterable[ResultRow]) -> list[tuple[Body, str, list[ResultRow]]]:
    """The receiving bodies of the year with their rows, grouped by body and set (provincial first)."""
    groups: dict[tuple[str, str], tuple[Body, list[ResultRow]]] = {}
    for row in rows:
        body = inp.body_for(inp.unit(row.unit_id))
        set_id = row.levels.set if row.levels else ""
        groups.setdefault((body.key, set_id), (body, []))[1].append(row)
    return [(body, set_id, members) for (_, set_id), (body, members) in
            sorted(groups.items(), key=lambda kv: (kv[1][0].name.startswith("Phòng "), kv[0]))]


def _invalid(inp: YearInput, body: Body) -> int:
    return sum(1 for s in inp.report.statuses
               if s.status == "bi-tu-choi" and inp.body_for(inp.unit(s.unit_id)).key == body.key)


def _levels_plan(inp: YearInput, rubric: LevelsRubric, unit_id: str | None) -> list[PlannedPaper]:
    out: list[PlannedPaper] = []
    for body, set_id, rows in _bodies(inp, inp.report.results):
        folder = Path(BODY_DIR) / body.key
        for row in rows:
            if unit_id is not None and row.unit_id != unit_id:
                continue
            dossier = levels_dossier(inp, rubric, row, body)
            own = Path(UNIT_DIR) / row.unit_id
            frames = unit_frames(inp, dossier, row, body)
            out += [PlannedPaper(cat.TT24_UNIT_SUBMISSION, own / "01-to-trinh.docx",
                                 template_context(frames["to-trinh"], dossier), row.unit_id),
                    PlannedPaper(cat.TT24_UNIT_REPORT, own / "02-bao-cao-tu-danh-gia.docx",
                                 template_context(frames["bao-cao"], dossier), row.unit_id),
                    PlannedPaper(cat.TT24_UNIT_SUMMARY, own / "03-ban-tong-hop.docx",
                                 template_context(frames["ban-tong-hop"], dossier), row.unit_id)]
            if stage(row) in ("cong-nhan", "da-tham-dinh", "khong-cong-nhan"):
                enclosure = f"(Kèm theo Tờ trình {blank_reference('TTr-' + body.symbol, inp.issue_year)} của {body.name})"
                appraised = replace(dossier, enclosure=enclosure)
                out.append(PlannedPaper(cat.TT24_APPRAISED_SUMMARY, folder / APPRAISED_DIR / f"{row.unit_id}.docx",
                                        template_context(appraised_frame(inp, dossier, body), appraised), row.unit_id))
            if is_refused(row):
                frame, letter = refusal(inp, rubric, row, body, dossier)
                out.append(PlannedPaper(cat.TT24_REFUSAL, folder / REFUSAL_DIR / f"{row.unit_id}.docx",
                                        template_context(frame, letter), row.unit_id))
        if unit_id is not None:
            continue
        year = council_year(inp, rubric, body, rows, set_id, _invalid(inp, body))
        frames = council_frames(inp, year, body)
        if any(stage(r) in ("cong-nhan", "da-tham-dinh", "khong-cong-nhan") for r in rows):
            out.append(PlannedPaper(cat.TT24_APPRAISAL_REPORT, folder / "01-bao-cao-tham-dinh.docx",
                                    template_context(frames["bao-cao-tham-dinh"], year)))
        if year.annex_groups:
            out += [PlannedPaper(cat.TT24_SUBMISSION, folder / "02-to-trinh-de-nghi-cong-nhan.docx",
                                 template_context(frames["to-trinh-cong-nhan"], year)),
                    PlannedPaper(cat.TT24_DECISION, folder / "03-du-thao-quyet-dinh.docx",
                                 template_context(frames["du-thao-quyet-dinh"], year))]
    return out


def _points_plan(inp: YearInput, rubric: PointsRubric, unit_id: str | None) -> list[PlannedPaper]:
    out: list[PlannedPaper] = []
    for body, _, rows in _bodies(inp, inp.report.results):
        for row in rows:
            if unit_id is not None and row.unit_id != unit_id:
                continue
            frame, report = points_report(inp, rubric, row, body)
            out.append(PlannedPaper(cat.TT22_UNIT_REPORT,
                                    Path(UNIT_DIR) / row.unit_id / "bao-cao-tu-danh-gia-xep-loai.docx",
                                    template_context(frame, report), row.unit_id))
        if unit_id is not None:
            continue
        year = points_year(inp, rubric, body, rows)
        frames = points_frames(inp, year, body)
        folder = Path(BODY_DIR) / body.key
        out += [PlannedPaper(cat.TT22_SUBMISSION, folder / "01-to-trinh-de-nghi-cong-nhan.docx",
                             template_context(frames["to-trinh-cong-nhan"], year)),
                PlannedPaper(cat.TT22_TABLE, folder / "02-bang-tong-hop.docx", template_context(frames["bang-tong-hop"], year)),
                PlannedPaper(cat.TT22_DECISION, folder / "03-du-thao-quyet-dinh.docx",
                             template_context(frames["du-thao-quyet-dinh"], year))]
    return out


def plan(inp: YearInput, rubric: LevelsRubric | PointsRubric, unit_id: str | None = None) -> list[PlannedPaper]:
    """Every paper of the year (or only those about one unit), in writing order."""
    if isinstance(rubric, LevelsRubric):
        papers = _levels_plan(inp, rubric, unit_id)
        summary_template = cat.TT24_YEAR_REPORT
    else:
        papers = _points_plan(inp, rubric, unit_id)
        summary_template = cat.TT22_YEAR_REPORT
    if unit_id is None and inp.report.results:
        frame, summary = year_summary(inp, rubric)
        papers.append(PlannedPaper(summary_template, Path(summary_name(inp.year)), template_context(frame, summary)))
    return papers
