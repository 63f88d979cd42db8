"""The `hoctap` command: parse arguments, call intake → scoring → site, turn failures into one line.

Exit status (INTERFACES.md): 0 when the run did its job (rejected rows are
data, not failure; `--strict` makes them exit 1), 1 when it could not
(unreadable source, API failure after retries), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from intake import pipeline
from intake.errors import IntakeError
from intake.report import markdown_summary, text_report, warning_lines
from intake.settings import Settings, load_settings
from intake.snapshots import SnapshotArchive
from scoring.errors import ScoringError
from scoring.registry import load_registry
from scoring.results import ScoreReport

PROG = "hoctap"


def _source_options(p: argparse.ArgumentParser, *, source_required: bool = False) -> None:
    p.add_argument("--source", type=Path, required=source_required,
                   help="tệp .xlsx của đơn vị, tệp CSV dạng ngang, hoặc thư mục chứa các tệp đó")
    p.add_argument("--spreadsheet", metavar="ID", help="mã bảng tính Google (mặc định: spreadsheet_id trong hoctap.toml)")
    p.add_argument("--offline", action="store_true",
                   help="không gọi Google: dùng bản lưu gần nhất của bảng tính")


def _year_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=int, metavar="YYYY", help="chỉ năm đánh giá này")


def _strict_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true", help="trả mã lỗi 1 khi có phiếu bị từ chối")


def _site_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", type=Path, default=Path("output"), help="thư mục trang web (mặc định: output)")
    p.add_argument("--publish", action="store_true", help="dựng bản công bố (site/publishconf.py)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Thu thập, chấm điểm và công bố kết quả tự đánh giá Đơn vị học tập (Thông tư 22/2020/TT-BGDĐT).",
    )
    parser.add_argument("--config", type=Path, help="tệp cấu hình (mặc định: hoctap.toml trong thư mục hiện tại)")
    parser.add_argument("--debug", action="store_true", help="in đầy đủ vết lỗi khi có sự cố")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    p = sub.add_parser("run", help="lấy dữ liệu → chấm điểm → dựng trang vào output/ (mặc định dùng dữ liệu mẫu)")
    _source_options(p)
    _site_options(p)

    p = sub.add_parser("score", help="chấm điểm một nguồn và in kết quả")
    _source_options(p)
    _year_option(p)
    p.add_argument("--json", metavar="FILE", help="ghi tài liệu kết quả JSON vào FILE («-»: in ra màn hình)")
    _strict_option(p)

    p = sub.add_parser("build", help="chấm điểm và dựng trang web")
    _source_options(p)
    _site_options(p)

    p = sub.add_parser("check", help="kiểm tra phiếu và báo cáo phiếu hợp lệ / bị từ chối")
    _source_options(p)
    _year_option(p)
    p.add_argument("--write-back", action="store_true", help="ghi trạng thái vào ô trạng thái của từng trang tính Google")
    _strict_option(p)

    p = sub.add_parser("template", help="tạo bảng tính cho đơn vị (tệp .xlsx hoặc bảng tính Google)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--xlsx", type=Path, metavar="FILE", help="ghi tệp Excel")
    target.add_argument("--google", metavar="ID", help="dựng các trang trong bảng tính Google đã chia sẻ")
    p.add_argument("--year", type=int, required=True, metavar="YYYY", help="năm đánh giá")

    p = sub.add_parser("pull", help="lấy dữ liệu từ bảng tính Google vào kho bản lưu")
    p.add_argument("--spreadsheet", metavar="ID", help="mã bảng tính Google")

    p = sub.add_parser("serve", help="xem trước trang đã dựng tại http://127.0.0.1:8000")
    p.add_argument("--output", type=Path, default=Path("output"))
    p.add_argument("--port", type=int, default=8000)
    return parser


def _intake(args: argparse.Namespace, settings: Settings) -> pipeline.Intake:
    return pipeline.collect(settings, args.source, args.spreadsheet, offline=args.offline)


def _publish_report(report: ScoreReport, label: str) -> None:
    """In GitHub Actions, the report goes to the job summary and rejections become annotations."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as f:
            f.write(markdown_summary(report, label) + "\n")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in warning_lines(report.rejected):
            print(line)


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    intake = _intake(args, settings)
    report = pipeline.score_intake(intake, settings)
    if args.year is not None:
        report = report.for_year(args.year)
    document = report.document()
    if args.json == "-":
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        if args.json:
            Path(args.json).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(text_report(report, intake.label))
    return 1 if args.strict and report.rejected else 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    intake = _intake(args, settings)
    report = pipeline.score_intake(intake, settings)
    if args.year is not None:
        report = report.for_year(args.year)
    print(text_report(report, intake.label))
    _publish_report(report, intake.label)
    if args.write_back:
        spreadsheet = args.spreadsheet or settings.spreadsheet_id
        if not spreadsheet:
            raise IntakeError("--write-back cần một bảng tính Google (--spreadsheet hoặc spreadsheet_id trong hoctap.toml).")
        from intake import sheets_pull
        from intake.writeback import write_back

        snapshot = intake.collected.snapshots[-1]
        archive = SnapshotArchive(settings.path("snapshot_dir"))
        current = sheets_pull.current_statuses(archive, snapshot)
        statuses = report.tab_statuses(lambda p: p.file == intake.sheet_title)
        result = write_back(spreadsheet, statuses, settings, current=current)
        print(result.summary())
    return 1 if args.strict and report.rejected else 0


def _build(args: argparse.Namespace, settings: Settings, intake: pipeline.Intake, report: ScoreReport) -> None:
    pipeline.build(report, settings, args.output, sample=intake.sample, publish=args.publish,
                   snapshots=intake.collected.snapshots)
    c = report.counts()
    print(f"Đã dựng trang vào {args.output}/ từ {intake.label}: {c['scored']} phiếu hợp lệ, {c['rejected']} bị từ chối.")
    if intake.sample:
        print("Lưu ý: đây là dữ liệu mẫu; trang hiển thị dòng «Dữ liệu mẫu» ở mọi trang.")


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    intake = _intake(args, settings)
    _build(args, settings, intake, pipeline.score_intake(intake, settings))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """The main job: the check report, then the site."""
    intake = _intake(args, settings)
    report = pipeline.score_intake(intake, settings)
    print(text_report(report, intake.label) + "\n")
    _publish_report(report, intake.label)
    _build(args, settings, intake, report)
    print("Xem thử: hoctap serve")
    return 0


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    if args.xlsx is not None:
        from intake.workbook import write_template

        registry = load_registry(settings.path("registry"))
        layouts = write_template(args.xlsx, args.year, registry, settings.deadline(args.year))
        print(f"Đã tạo {args.xlsx}: {len(layouts)} trang đơn vị và trang «Hướng dẫn», năm {args.year}.")
        return 0
    from intake.sheets_setup import setup_spreadsheet

    report = setup_spreadsheet(args.google, args.year, settings)
    print(report.summary())
    return 0


def cmd_pull(args: argparse.Namespace, settings: Settings) -> int:
    from intake import sheets_pull

    spreadsheet = args.spreadsheet or settings.spreadsheet_id
    if not spreadsheet:
        raise IntakeError("Chưa có mã bảng tính: dùng --spreadsheet ID hoặc đặt spreadsheet_id trong hoctap.toml.")
    snap = sheets_pull.pull(spreadsheet, settings, SnapshotArchive(settings.path("snapshot_dir")))
    state = "bản lưu mới" if snap.new else "không thay đổi so với bản lưu trước"
    print(f"Đã lấy {snap.rows} trang đơn vị từ bảng tính {spreadsheet}: {state} ({snap.file}).")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import functools
    import http.server

    if not args.output.is_dir():
        raise IntakeError(f"Chưa có trang trong {args.output}/: hãy chạy «hoctap run» trước.")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(args.output))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"Đang phục vụ {args.output}/ tại http://127.0.0.1:{args.port}/ (Ctrl+C để dừng)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0


COMMANDS = {
    "run": cmd_run, "score": cmd_score, "build": cmd_build, "check": cmd_check,
    "template": cmd_template, "pull": cmd_pull, "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        return COMMANDS[args.command](args, settings)
    except (IntakeError, ScoringError) as exc:
        if args.debug:
            raise
        print(f"{PROG}: lỗi: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
