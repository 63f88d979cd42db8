"""What each `hoctap` command does, in terms of the stages: intake → scoring → results folder → site.

Every function takes the parsed arguments, opens the project once, and calls
importable functions of `intake`, `scoring` and `hoctap`; nothing here holds
a rule of its own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from hoctap import clock, pipeline
from hoctap.lock import project_lock
from hoctap.pelican_run import SiteBuildError
from hoctap.project import Project, ProjectError
from hoctap.report import markdown_summary, text_report, warning_lines
from hoctap.site_build import SiteJob, build_site, check_output_folder
from hoctap.site_folders import prepare_staging, remove_replaced
from intake.errors import IntakeError
from scoring import year_stamps
from scoring.registry import Registry
from scoring.results import ScoreReport
from scoring.results_gate import close_gate, open_gate, say_kept
from scoring.results_json import document
from scoring.tab_status import tab_statuses


def _publish_report(report: ScoreReport, label: str) -> None:
    """In GitHub Actions, the report goes to the job summary and rejections become annotations."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as f:
                f.write(markdown_summary(report, label) + "\n")
        except OSError as exc:
            raise ProjectError(f"Không ghi được tóm tắt vào {summary}: {exc.strerror or exc}.") from None
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in warning_lines(report.rejected):
            print(line)


def _intake(args: argparse.Namespace, project: Project, *, defer: bool = False) -> pipeline.Intake:
    intake = pipeline.collect(project, args.source, args.spreadsheet, offline=args.offline, defer=defer)
    if intake.collected.skipped:
        print(f"Lưu ý: bỏ qua {len(intake.collected.skipped)} tệp không phải nguồn dữ liệu (.xlsx, .csv): "
              + ", ".join(intake.collected.skipped[:10]) + ("…" if len(intake.collected.skipped) > 10 else ""),
              file=sys.stderr)
    return intake


def _only_year(report: ScoreReport, year: int | None) -> ScoreReport:
    return report if year is None else report.for_year(year)


def _output(args: argparse.Namespace, project: Project) -> Path:
    return args.output if args.output is not None else project.root / "output"


def cmd_score(args: argparse.Namespace, project: Project) -> int:
    intake = _intake(args, project)
    report = _only_year(pipeline.score_intake(intake, project), args.year)
    doc = document(report)
    if args.json == "-":
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        if args.json:
            target = Path(args.json)
            try:
                target.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            except OSError as exc:
                raise ProjectError(f"Không ghi được {target}: {exc.strerror or exc}.") from None
        print(text_report(report, intake.label))
    return 1 if args.strict and report.rejected else 0


def cmd_check(args: argparse.Namespace, project: Project) -> int:
    intake = _intake(args, project)
    report = _only_year(pipeline.score_intake(intake, project), args.year)
    print(text_report(report, intake.label))
    _publish_report(report, intake.label)
    if args.write_back:
        if intake.snapshot is None or intake.spreadsheet_id is None:
            raise IntakeError("--write-back cần một bảng tính Google (--spreadsheet hoặc spreadsheet_id trong hoctap.toml).")
        from intake import sheets_pull
        from intake.snapshots import SnapshotArchive
        from intake.writeback import write_back

        archive = SnapshotArchive(project.path("snapshot_dir"))
        current = sheets_pull.current_statuses(archive, intake.snapshot)
        statuses = tab_statuses(report, lambda p: p.file == intake.sheet_title)
        print(write_back(intake.spreadsheet_id, statuses, current=current).summary())
    return 1 if args.strict and report.rejected else 0


def _results(args: argparse.Namespace, project: Project, intake: pipeline.Intake, report: ScoreReport | None,
             reg: Registry | None = None, current: Mapping[str, int] | None = None,
             year_keys: Mapping[int, str] | None = None, kept: Mapping[int, Mapping[str, int]] | None = None) -> str:
    """Write the results folder (unless it is `current`, with these counts: `report` None); return what to say
    once the site is built. `kept`: the years `report` leaves out, their files current (`pipeline.kept_years`)."""
    if report is not None:
        # --full: every year is serialised again, whatever its inputs.
        if year_keys is None:
            year_keys = pipeline.year_inputs(project, intake)
        c: Mapping[str, int] = pipeline.write_results(
            project, report, intake, reg, inputs=pipeline.inputs_digest(project, intake), year_keys=year_keys,
            reuse=not getattr(args, "full", False), kept=kept).counts
    else:
        c = current or {"scored": 0, "rejected": 0}
    done = f"Trang trong {_output(args, project)}, từ {intake.label}: {c['scored']} phiếu hợp lệ, {c['rejected']} bị từ chối."
    if intake.sample:
        done += "\nLưu ý: đây là dữ liệu mẫu; trang hiển thị dòng «Dữ liệu mẫu» ở mọi trang."
    return done


def _site(args: argparse.Namespace, project: Project, job: SiteJob | None) -> None:
    """Build the site from the results folder (Pelican, then the search indexer, as child processes): the
    `job` `_apart` planned and started, or one planned now."""
    output = _output(args, project)
    if job is None:
        built = build_site(project, output, publish=args.publish, site_url=project.settings.get("site_url"),
                           full=args.full)
    else:
        try:
            built = job.finish()
        finally:
            job.cancel()  # nothing left to do unless the build stopped before using Pelican or its folder
    if not built:
        print(f"Dữ liệu, giao diện và thiết lập không đổi so với lần dựng trước: giữ nguyên trang trong {output}.")


def _read_score_write(args: argparse.Namespace, project: Project, report_first: bool, gate: int | None = None) -> str:
    """Read, score (unless the results are current) and write the results folder; print the report if asked.

    Runs in a process of its own (`_apart`); returns what to say once the site is built. `gate`: where to say
    which years' files stay as they are, for the Pelican already waiting to read them (`scoring.results_gate`).
    """
    # A rebuild reads a source file only once it knows the file holds a year to score again.
    intake = _intake(args, project, defer=not report_first and not args.full)
    reg = None
    if report_first:
        reg = pipeline.registry(project)  # read once: scored and written with the same registry
        report: ScoreReport | None = pipeline.score_intake(intake, project, reg)
        assert report is not None
        say_kept(gate, ())  # every year is scored: nothing for Pelican to read before the gate opens
        print(text_report(report, intake.label) + "\n", flush=True)
        _publish_report(report, intake.label)
        done = _results(args, project, intake, report, reg)
    else:
        # Sources, registry, decisions, settings and rules as when the results were written: nothing to score.
        current = None if args.full else pipeline.current_counts(project, pipeline.inputs_digest(project, intake))
        if current is not None:
            say_kept(gate, year_stamps.written_years(project.results_dir))
            if intake.unread is not None and intake.unread.read:  # the record lacked them: record them now
                pipeline.year_inputs(project, intake)  # finds what each source holds
                pipeline.remember_sources(project, intake)
            return _results(args, project, intake, None, current=current)
        reg = pipeline.registry(project)
        pipeline.check_tabs(intake, reg)
        # Only the years whose inputs changed are scored again (and what they read); `run` scores every year,
        # as its report lists every rejection.
        year_keys = pipeline.year_inputs(project, intake)
        kept = {} if args.full else pipeline.kept_years(project, year_keys)
        say_kept(gate, kept)
        report = pipeline.score_intake(intake, project, reg, kept)  # reads the sources of the years it scores
        done = _results(args, project, intake, report, reg, year_keys=year_keys, kept=kept)
    pipeline.remember_sources(project, intake)
    return done


def _early_site(args: argparse.Namespace, project: Project, gate: tuple[int, int] | None,
                child_done: Callable[[], bool]) -> SiteJob | None:
    """The site's build planned, and Pelican started behind the `gate`, while the child writes the results.

    For a rebuild that is not a publication (Pelican empties its output first for those), the new site's
    folders are made too (`prepare_staging`), once Pelican is starting: it writes nothing before the gate
    opens. None when the plan fails: the site step, once the results are written, plans again and says why
    (the results are worth writing all the same)."""
    output = _output(args, project)
    try:
        job = SiteJob.plan(project, output, publish=args.publish, site_url=project.settings.get("site_url"),
                           full=args.full)
    except BaseException as exc:
        close_gate(gate)
        if isinstance(exc, SiteBuildError | ProjectError):
            return None
        raise
    if gate is not None:
        with contextlib.suppress(SiteBuildError):  # the gate is closed; `finish` starts again, and says why not
            job.start(gate)
    if job.previous and not args.publish:
        # Pelican writes nothing before the gate opens: the folders are made while it starts (and the child works).
        prepare_staging(project, output, child_done)
    return job


def _apart(args: argparse.Namespace, project: Project, report_first: bool) -> tuple[str, SiteJob | None]:
    """`_read_score_write` in a child process: at national scale reading and scoring take hundreds of megabytes
    that Python keeps after use; in a process of their own they are the system's again once it ends.
    Meanwhile this process plans the site, starts Pelican behind a gate (`_early_site`: it starts, then reads
    the years the child keeps, on the other core) and removes the sites earlier builds replaced
    (`remove_replaced`). Pelican reads early only the years the child keeps, and the child then scores only
    the others: a build that scores every year (`--full`, `run`, new rules) has Pelican wait with none read,
    so the child's and Pelican's largest moments do not meet. Returns what to say, and the site's job."""
    # A forked child starts with this process's modules (pandas, the readers, the engine: a second of imports a
    # spawned one pays again). Forking is safe only from a process with one thread (a thread holding a lock at the
    # fork would leave it held in the child for ever): a program embedding the commands may have more, and gets
    # a fresh interpreter, as does any system but Linux (macOS's libraries are not safe to fork). Only a forked
    # child inherits the gate's end to say which years it keeps.
    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    gate = open_gate() if method == "fork" else None
    sys.stdout.flush()  # the child flushes the buffers it inherits when it ends: nothing may be said twice
    sys.stderr.flush()
    job = None
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method)) as pool:
            try:
                future = pool.submit(_read_score_write, args, project, report_first, gate[1] if gate else None)
                given, gate = gate, None  # `_early_site`'s from here, closed whatever happens there
                job = _early_site(args, project, given, future.done)
                remove_replaced(project, future.done)  # this process would only wait; no longer once it is done
                return future.result(), job
            except BrokenProcessPool:
                raise ProjectError("Tiến trình đọc và đánh giá dữ liệu bị dừng giữa chừng; trang cũ được giữ nguyên.") from None
    except BaseException:
        close_gate(gate)
        if job is not None:
            job.cancel()
        raise


def cmd_build(args: argparse.Namespace, project: Project) -> int:
    done, job = _apart(args, project, report_first=False)
    _site(args, project, job)
    print(done)
    return 0


def cmd_run(args: argparse.Namespace, project: Project) -> int:
    """The main job: the check report, then the site."""
    done, job = _apart(args, project, report_first=True)
    _site(args, project, job)
    print(done)
    print("Xem thử: hoctap serve (hoặc pelican --listen -s site/pelicanconf.py)")
    return 0


def cmd_template(args: argparse.Namespace, project: Project) -> int:
    rubric, layouts, instructions = pipeline.year_tabs(project, args.year)
    if args.xlsx is not None:
        from intake.workbook import write_workbook

        write_workbook(args.xlsx, args.year, layouts, instructions)
        print(f"Đã tạo {args.xlsx}: {len(layouts)} trang đơn vị và trang «Hướng dẫn», năm {args.year} "
              f"({rubric.info.short_title}).")
        return 0
    from intake.sheets_editors import load_editors
    from intake.sheets_setup import desired_tabs, setup_spreadsheet

    specs, warnings = desired_tabs(layouts, instructions, load_editors(project.path("editors_file")))
    print(setup_spreadsheet(args.google, specs, warnings=warnings).summary())
    return 0


def cmd_pull(args: argparse.Namespace, project: Project) -> int:
    from intake import sheets_pull
    from intake.snapshots import SnapshotArchive

    spreadsheet = args.spreadsheet or project.settings.spreadsheet_id
    if not spreadsheet:
        raise IntakeError("Chưa có mã bảng tính: dùng --spreadsheet ID hoặc đặt spreadsheet_id trong hoctap.toml.")
    snap = sheets_pull.pull(spreadsheet, SnapshotArchive(project.path("snapshot_dir")), when=clock.now())
    state = "bản lưu mới" if snap.new else "không thay đổi so với bản lưu trước"
    print(f"Đã lấy {snap.rows} trang đơn vị từ bảng tính {spreadsheet}: {state} ({snap.file}).")
    return 0


def cmd_snapshot_changes(args: argparse.Namespace, project: Project) -> int:
    from hoctap.snapshot_changes import describe

    try:
        previous = args.previous_index.read_text(encoding="utf-8") if args.previous_index.exists() else ""
    except UnicodeDecodeError:
        raise ProjectError(f"Không đọc được {args.previous_index}: tệp không phải UTF-8.") from None
    except OSError as exc:
        raise ProjectError(f"Không đọc được {args.previous_index}: {exc.strerror or type(exc).__name__}.") from None
    sys.stdout.write(describe(project.path("snapshot_dir"), previous))
    return 0


def cmd_serve(args: argparse.Namespace, project: Project) -> int:
    """Pelican's own preview server on the built folder."""
    import socket

    from pelican import listen

    output = _output(args, project)
    if not (output / "index.html").is_file():
        raise ProjectError(f"Chưa có trang trong {output}: hãy chạy «hoctap run» trước.")
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", args.port))
        except OSError:
            raise ProjectError(f"Cổng {args.port} đang được dùng: chọn cổng khác bằng --port.") from None
    print(f"Đang phục vụ {output} tại http://127.0.0.1:{args.port}/ (Ctrl+C để dừng)")
    listen("127.0.0.1", args.port, str(output))
    return 0


def cmd_documents(args: argparse.Namespace, project: Project) -> int:
    from hoctap.papers.command import cmd_documents as documents

    return documents(args, project)


COMMANDS: dict[str, Callable[[argparse.Namespace, Project], int]] = {
    "run": cmd_run, "score": cmd_score, "build": cmd_build, "check": cmd_check, "template": cmd_template,
    "documents": cmd_documents, "pull": cmd_pull, "snapshot-changes": cmd_snapshot_changes, "serve": cmd_serve,
}


# Commands that write into the project (archive, results, output) or the spreadsheet take the project's lock.
WRITERS = frozenset({"run", "build", "pull"})


def run(args: argparse.Namespace) -> int:
    project = Project.open(config=args.config, project=args.project)
    command = COMMANDS[args.command]
    if args.command in ("run", "build"):
        check_output_folder(project, _output(args, project))  # before the lock: a refused folder gets nothing
    reads_google = getattr(args, "spreadsheet", None) or (getattr(args, "source", 1) is None and project.settings.spreadsheet_id)
    if args.command in WRITERS or getattr(args, "write_back", False) or getattr(args, "google", None) or reads_google:
        with project_lock(project):
            return command(args, project)
    return command(args, project)
