"""The one path of the data: source → (snapshot) → submissions → score → results folder → site.

The CLI only parses arguments and calls these functions; tests and the
scheduled job call them the same way. Reading a file or folder never writes
into the project; only a pull from Google Sheets adds to the snapshot archive.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hoctap import clock, source_years
from hoctap.project import Project, ProjectError
from hoctap.settings import LocalDeadline
from intake.errors import IntakeError
from intake.snapshots import Snapshot, SnapshotArchive, origin_of
from intake.sources import Collected, read_source
from scoring import results_folder
from scoring.engine import ScoringOptions, score
from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.recognition import load_decisions
from scoring.registry import Registry, load_registry
from scoring.results import Authority, Deadline, ScoreReport
from scoring.results_folder import PublicationInfo, SourceRecord, recorded_inputs, write_results_folder
from scoring.rubric import Rubric, Rubrics, default_rubrics
from scoring.wide_table import Submissions

if TYPE_CHECKING:
    from intake.layout import TabLayout


@dataclass
class Intake:
    collected: Collected
    sample: bool
    label: str  # what was read, for messages
    sheet_title: str | None = None  # provenance name of the Google spreadsheet's tabs, when one was read
    snapshot: Snapshot | None = None  # the archived pull, when one was read
    spreadsheet_id: str | None = None
    tabs_checked: bool = False  # `check_tabs` ran: the wide table may be built (it is built once)
    unread: source_years.Unread | None = None  # sources left unread until the years to score are known
    held: list[tuple[int, ...]] | None = None  # per source, the year codes it holds (`year_inputs`)


def rubrics(project: Project) -> Rubrics:
    return default_rubrics().with_overrides(project.settings.get("rubric_years"))


def registry(project: Project) -> Registry:
    known: set[str] = set()
    for r in rubrics(project):
        if isinstance(r, LevelsRubric):
            known |= set(r.unit_types)
    return load_registry(project.path("registry"), known)


def _snapshot_record(snap: Snapshot) -> SourceRecord:
    return SourceRecord(snap.sha256, snap.origin, snap.kind, snap.time, snap.rows)


def collect(project: Project, source: Path | None = None, spreadsheet: str | None = None, *,
            offline: bool = False, when: datetime | None = None, defer: bool = False) -> Intake:
    """Read the source the user named, else the configured spreadsheet, else the embedded sample.

    `defer` (a rebuild): a source file whose years the last build recorded is hashed, not read, until
    `read_scored_sources` knows whether it holds a year to score again (`hoctap.source_years`)."""
    when = when or clock.now()

    def files(path: Path, sample: bool, label: str) -> Intake:
        if not defer:
            return Intake(read_source(path, when), sample=sample, label=label)
        collected, unread = source_years.read_deferring(path, when, project.state_dir, _code_fingerprint().hex())
        return Intake(collected, sample=sample, label=label, unread=unread)

    if source is not None:
        return files(source, False, str(source))
    spreadsheet = spreadsheet or project.settings.spreadsheet_id
    if spreadsheet:
        from intake import sheets_pull  # gspread is only imported when a spreadsheet is used

        archive = SnapshotArchive(project.path("snapshot_dir"))
        if offline:
            snap = archive.latest(origin_of(spreadsheet))
            if snap is None:
                raise IntakeError(f"Chưa có bản lưu nào của bảng tính {spreadsheet}: hãy chạy «hoctap pull» trước.")
        else:
            snap = sheets_pull.pull(spreadsheet, archive, when=when)
        subs = sheets_pull.submissions_from_snapshot(archive, snap)
        out = Collected(submissions=Submissions([subs]), sources=[_snapshot_record(snap)])
        history = project.optional_path("history_dir")
        if history is not None:
            past = read_source(history, when)
            past.extend(out)
            out = past
        title = subs[0].origin.file if subs else None
        return Intake(out, sample=False, label=f"bảng tính Google {spreadsheet}", sheet_title=title, snapshot=snap,
                      spreadsheet_id=spreadsheet)
    return files(project.path("sample_dir"), True, "dữ liệu mẫu")


def deadline_rule(project: Project) -> Callable[[int, Rubric], Deadline]:
    """The deadline of a year: `deadlines` for that year, else `deadline_by_rubric`, else the law's."""
    settings = project.settings
    by_year: dict[int, date] = settings.get("deadlines")
    by_rubric: dict[str, LocalDeadline] = settings.get("deadline_by_rubric")

    def deadline(year: int, rubric: Rubric) -> Deadline:
        if year in by_year:
            return Deadline(by_year[year], f"hạn riêng của năm {year} do tỉnh đặt")
        local = by_rubric.get(rubric.id)
        if local is not None:
            return Deadline(date(year + 1, local.month, local.day), local.citation)
        return rubric.info.deadline.for_year(year)

    return deadline


def scoring_options(project: Project, reg: Registry, *, today: date | None = None) -> ScoringOptions:
    rs = rubrics(project)
    validity = next((r.validity_years.value for r in rs if isinstance(r, LevelsRubric)), 3)
    decisions = load_decisions(project.path("decisions"), reg, validity)
    return ScoringOptions(
        rubrics=rs,
        today=today or clock.today(),
        deadline=deadline_rule(project),
        cdht_target=project.settings.cdht_target,
        cdht_rule=project.settings.get("cdht_learners_rule"),
        decisions=tuple(decisions),
    )


def score_intake(intake: Intake, project: Project, reg: Registry | None = None,
                 kept: Collection[int] = ()) -> ScoreReport:
    """Every submission scored, but for those of the `kept` years (`kept_years`), whose results stay as written."""
    reg = reg or registry(project)
    check_tabs(intake, reg)
    read_scored_sources(intake, reg, kept)
    subs = intake.collected.submissions
    if kept:
        from scoring.table_cells import year_codes

        years = year_codes(subs)  # a year that cannot be read is never kept
        subs = subs.select(int(i) for i in np.flatnonzero(~np.isin(years, list(kept))))
    return score(subs, reg, scoring_options(project, reg))


def check_tabs(intake: Intake, reg: Registry) -> None:
    """Flag, once, each tab whose unit-id cell names another unit than the tab's own: a reader's problem, so it
    must be on the submission before the wide table is built (`Submissions.frame`, built once)."""
    from intake.tab_layouts import flag_misplaced_tabs

    if not intake.tabs_checked:
        flag_misplaced_tabs(list(intake.collected.submissions.objects()), reg)
        intake.tabs_checked = True


def kept_years(project: Project, year_keys: Mapping[int, str] | None) -> dict[int, dict[str, int]]:
    """The years whose results folder files are current (`scoring.results_folder.kept_years`), with their
    counts: a build scores every other year, and the years before a Thông tư 22/2020 year it scores (the
    change in points)."""
    rubric_of = rubrics(project)

    def needed(year: int) -> tuple[int, ...]:
        return (year - 1,) if isinstance(rubric_of.for_year(year), PointsRubric) else ()

    return results_folder.kept_years(project.results_dir, year_keys, needed)


def authority(project: Project, options: ScoringOptions) -> Callable[[int], Authority]:
    """Who acts for a year: the period in force on the year's deadline (Long An, then Tây Ninh)."""

    def for_year(year: int) -> Authority:
        deadline = options.deadline_for(year)
        day = deadline.before if deadline else date(year + 1, 1, 1)
        return project.settings.period(day).authority

    return for_year


def year_tabs(project: Project, year: int) -> tuple[Rubric, list[TabLayout], Sequence[str]]:
    """What `hoctap template` lays out for a year: the year's rubric, one tab per active unit, the instructions.

    Each tab names where its report goes: the Sở of the period in force (Long An, then Tây Ninh), or a
    district unit's Phòng Giáo dục và Đào tạo.
    """
    from intake.layout import deadline_text
    from intake.tab_layouts import tab_instructions, tab_layout

    rubric = rubrics(project).require(year)
    reg = registry(project)
    options = scoring_options(project, reg)
    words = deadline_text(options.deadline(year, rubric).before)
    rule = project.settings.get("cdht_learners_rule")
    so_gd = authority(project, options)(year).receiving_body
    layouts = [tab_layout(rubric, u, year, words, rule, u.reviewing_body if u.cap == "huyen" else so_gd)
               for u in reg.active(year)]
    return rubric, layouts, tab_instructions(rubric, words)


@dataclass(frozen=True)
class Published:
    folder: Path
    changed: list[Path] = field(default_factory=list)
    counts: Mapping[str, int] = field(default_factory=dict)  # the folder's: read, scored, rejected


@functools.cache
def _code_fingerprint() -> bytes:
    """The readers, the rules, the shell that hands them their settings (default periods and targets, deadlines,
    authorities), and the libraries that read the sources and write the results folder's bytes: a change to any
    may change every result (and what a source holds: `source_years`). The same for the whole process."""
    import hoctap
    import intake as intake_package
    import scoring

    h = hashlib.blake2b(digest_size=20)
    for package in (hoctap, intake_package, scoring):
        root = Path(str(package.__file__)).resolve().parent
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts):
            h.update(package.__name__.encode() + b"/" + path.relative_to(root).as_posix().encode() + b"\0"
                     + path.read_bytes() + b"\0")
    h.update(f"python={sys.version_info[:3]};".encode())  # csv, unicodedata
    for dist in ("pandas", "numpy", "orjson", "openpyxl", "defusedxml"):
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=-;".encode())
    return h.digest()


def _settled_inputs(project: Project, intake: Intake) -> Any:
    """A hash, still open, of what every result is made from but the sources: the registry, the decisions, the
    settings, the code (`_code_fingerprint`), and the day (a year too far ahead of today is refused)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"sample={intake.sample};today={clock.today().isoformat()};".encode())
    for name in ("registry", "decisions"):
        path = project.path(name)
        h.update(name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    h.update(json.dumps(dict(project.settings.values), sort_keys=True, ensure_ascii=False, default=str).encode())
    h.update(_code_fingerprint())
    return h


def inputs_digest(project: Project, intake: Intake) -> str:
    """Everything the results folder is made from: the sources' bytes and `_settled_inputs`."""
    h = _settled_inputs(project, intake)
    for source in intake.collected.sources:
        h.update(f"{source.origin}={source.sha256};".encode())
    return str(h.hexdigest())


def year_inputs(project: Project, intake: Intake) -> dict[int, str] | None:
    """Per assessment year, a digest of what that year's results are made from, so that a year whose inputs did
    not change is not written again (`write_results_folder`).

    A year reads its own rows and, for the change in points, the years before it; so its digest covers
    `_settled_inputs` and every source holding a row of that year or an earlier one. A source with a row whose
    year cannot be read counts for every year. None when rows cannot be traced to their sources.
    """
    from scoring.table_cells import year_codes

    sources = intake.collected.sources
    if not intake.tabs_checked and any(True for _ in intake.collected.submissions.objects()):
        check_tabs(intake, registry(project))
    intake.held = held = source_years.source_year_codes(intake.collected, intake.unread,
                                                         year_codes(intake.collected.submissions))
    if held is None:
        return None
    earliest: list[tuple[int, str]] = []
    for source, years in zip(sources, held, strict=True):
        if years:
            earliest.append((years[0] if years[0] >= 0 else -1, f"{source.origin}={source.sha256};"))
    settled = _settled_inputs(project, intake)
    out: dict[int, str] = {}
    for y in sorted({y for years in held for y in years if y >= 0}):
        h = settled.copy()
        for first, record in earliest:
            if first <= y:
                h.update(record.encode())
        out[y] = h.hexdigest()
    return out


def read_scored_sources(intake: Intake, reg: Registry, kept: Collection[int] | None) -> None:
    """Read the sources `collect(defer=True)` left unread that hold a year not `kept` (all when None): the
    scorer needs their rows. The others hold kept years only, whose files stay as written."""
    if intake.unread is not None:
        source_years.read_needed(intake.collected, intake.unread, reg, kept, flag=intake.tabs_checked)


def remember_sources(project: Project, intake: Intake) -> None:
    """Record what each source held (`year_inputs` found it), for the next build's `collect(defer=True)`."""
    if intake.held is not None:
        source_years.remember(project.state_dir, _code_fingerprint().hex(), intake.collected, intake.held)


def current_counts(project: Project, digest: str) -> Mapping[str, int] | None:
    """The results folder's counts when it was made from exactly these inputs (nothing to score again), else None."""
    recorded = recorded_inputs(project.results_dir)
    return recorded[1] if recorded is not None and recorded[0] == digest else None


def write_results(project: Project, report: ScoreReport, intake: Intake, reg: Registry | None = None,
                  inputs: str = "", year_keys: Mapping[int, str] | None = None, *, reuse: bool = True,
                  kept: Mapping[int, Mapping[str, int]] | None = None) -> Published:
    """The results folder inside the project (`.hoctap/ket-qua/`), where plain `pelican` finds it too.

    `kept` (`kept_years`): the years `report` leaves out because their files are current."""
    reg = reg or registry(project)
    options = scoring_options(project, reg)
    info = PublicationInfo(
        sample=intake.sample,
        generated=clock.now(),
        authority=authority(project, options),
        cdht_target=project.settings.cdht_target,
        sources=tuple(intake.collected.sources),
        decisions=tuple(options.decisions),
        settings_notes={
            "rubric_years": ", ".join(f"{y}: {r}" for y, r in sorted(project.settings.get("rubric_years").items())),
            "cdht_learners_rule": project.settings.get("cdht_learners_rule"),
            "district_after_reform": project.settings.get("district_after_reform"),
        },
        inputs=inputs,
    )
    if not report.results and not any(c["scored"] for c in (kept or {}).values()):
        raise IntakeError("Không có kết quả hợp lệ nào để công bố: trang cũ được giữ nguyên.")
    verify = bool(os.environ.get("HOCTAP_VERIFY_REUSE"))
    try:
        changed, counts = write_results_folder(report, reg, options.rubrics, project.results_dir, info, year_keys,
                                               reuse=reuse, kept=list(kept or {}), verify=verify)
        if verify and kept:  # the kept years too: every year scored again, compared with the files kept
            read_scored_sources(intake, reg, None)
            results_folder.verify_kept(score_intake(intake, project, reg), kept, reg, options.rubrics,
                                       project.results_dir, info)
    except OSError as exc:
        raise ProjectError(f"Không ghi được kết quả vào {project.results_dir}: {exc.strerror or exc}.") from None
    return Published(project.results_dir, changed, counts)
