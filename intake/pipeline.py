"""The one path of the data: source → snapshot → submissions → score → results folder → site.

The CLI only parses arguments and calls these functions; tests and the
scheduled job call them the same way.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from intake.errors import IntakeError
from intake.settings import Settings
from intake.snapshots import Snapshot, SnapshotArchive
from intake.sources import Collected, read_source
from scoring.engine import ScoringOptions, score
from scoring.publication import PublicationInfo, write_results_dir
from scoring.registry import Registry, load_registry
from scoring.results import ScoreReport


@dataclass
class Intake:
    collected: Collected
    sample: bool
    label: str  # what was read, for messages
    sheet_title: str | None = None  # provenance name of the Google spreadsheet's tabs, when one was read


def collect(
    settings: Settings,
    source: Path | None = None,
    spreadsheet: str | None = None,
    *,
    offline: bool = False,
    archive: bool = True,
) -> Intake:
    """Read the source the user named, else the configured spreadsheet, else the embedded sample."""
    snapshots = SnapshotArchive(settings.path("snapshot_dir")) if archive else None
    if source is not None:
        return Intake(read_source(source, snapshots), sample=False, label=str(source))
    spreadsheet = spreadsheet or settings.spreadsheet_id
    if spreadsheet:
        from intake import sheets_pull  # gspread is only imported when a spreadsheet is used

        store = snapshots or SnapshotArchive(settings.path("snapshot_dir"))
        if offline:
            snap = store.latest(sheets_pull.origin_of(spreadsheet))
            if snap is None:
                raise IntakeError(
                    f"Chưa có bản lưu nào của bảng tính {spreadsheet}: hãy chạy «hoctap pull» trước."
                )
        else:
            snap = sheets_pull.pull(spreadsheet, settings, store)
        sheet_subs = sheets_pull.submissions_from_snapshot(store, snap)
        out = Collected(submissions=sheet_subs, snapshots=[snap])
        history = settings.get("history_dir")
        if history:
            past = read_source(settings.path("history_dir"), snapshots)
            past.extend(out)
            out = past
        title = sheet_subs[0].origin.file if sheet_subs else None
        return Intake(out, sample=False, label=f"bảng tính Google {spreadsheet}", sheet_title=title)
    sample = settings.path("sample_dir")
    return Intake(read_source(sample, snapshots), sample=True, label=f"dữ liệu mẫu ({sample})")


def scoring_options(settings: Settings) -> ScoringOptions:
    return ScoringOptions(deadline=settings.deadline, cdht_target=settings.cdht_target)


def score_intake(intake: Intake, settings: Settings, registry: Registry | None = None) -> ScoreReport:
    registry = registry or load_registry(settings.path("registry"))
    return score(intake.collected.submissions, registry, scoring_options(settings))


def generated_at() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch else datetime.now(tz=UTC)
    return moment.isoformat(timespec="seconds")


def write_results(
    report: ScoreReport, settings: Settings, target: Path, *, sample: bool, snapshots: Sequence[Snapshot] = ()
) -> None:
    registry = load_registry(settings.path("registry"))
    info = PublicationInfo(
        province=settings.province,
        sample=sample,
        generated=generated_at(),
        cdht_targets={y: settings.cdht_target(y) for y in report.years},
        snapshots=tuple(
            {"sha256": s.sha256, "origin": s.origin, "kind": s.kind, "time": s.time, "rows": s.rows} for s in snapshots
        ),
    )
    write_results_dir(report, registry, target, info)


def build(
    report: ScoreReport,
    settings: Settings,
    output: Path,
    *,
    sample: bool,
    publish: bool = False,
    snapshots: Sequence[Snapshot] = (),
) -> None:
    """Results folder in a temporary place, then Pelican renders the site from it into `output`."""
    from intake.site_build import build_site  # Pelican is only imported when a site is built

    if not report.results:
        raise IntakeError("Không có kết quả hợp lệ nào để công bố: trang cũ được giữ nguyên.")
    with tempfile.TemporaryDirectory(prefix="hoctap-results-") as tmp:
        results_dir = Path(tmp)
        write_results(report, settings, results_dir, sample=sample, snapshots=snapshots)
        build_site(results_dir, output, publish=publish, site_url=str(settings.get("site_url") or ""))
