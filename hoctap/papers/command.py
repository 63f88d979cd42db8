"""`hoctap documents`: the official papers of a year as DOCX (and PDF).

    hoctap documents --year 2025 --out van-ban [--unit ID] [--pdf] [--templates DIR]
    hoctap documents --copy-templates mau-van-ban

The papers are made from the year's scored results (the same values the site
publishes), never written into the project unless `--out` points there. A
year's folder is replaced whole on each run (it carries a marker file so a
folder hoctap did not make is never deleted); with `--unit` only that unit's
papers are rewritten.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import Counter
from pathlib import Path

from hoctap import pipeline
from hoctap.papers.context_common import YearInput
from hoctap.papers.generate import BODY_DIR, UNIT_DIR, PlannedPaper, plan
from hoctap.papers.render import PaperError, TemplateSource, copy_templates, render, soffice, to_pdf
from hoctap.project import Project, ProjectError
from scoring.rubric import Rubric

MARKER = ".hoctap-van-ban"
MARKER_TEXT = "Thư mục văn bản do «hoctap documents» lập; lần chạy sau sẽ thay toàn bộ thư mục năm này.\n"
NO_LIBREOFFICE = ("Không tìm thấy LibreOffice (soffice) nên chưa chuyển sang PDF; các tệp .docx đã được ghi. "
                  "Cài LibreOffice (gói libreoffice-writer-nogui trên Debian/Ubuntu) rồi chạy lại với --pdf.")


def _usage(message: str) -> int:
    print(f"hoctap documents: lỗi cú pháp: {message}", file=sys.stderr)
    return 2


def _copy(folder: Path) -> None:
    try:
        written, kept = copy_templates(folder)
    except OSError as exc:
        raise ProjectError(f"Không chép được mẫu vào {folder}: {exc.strerror or exc}.") from None
    print(f"Đã chép {len(written)} mẫu văn bản vào {folder}"
          + (f"; giữ nguyên {len(kept)} mẫu đã có (không ghi đè)." if kept else ".")
          + f" Sửa trong Word rồi dùng: hoctap documents --templates {folder} …")


def _templates_setting(project: Project) -> Path | None:
    """The setting `papers_templates`: a province's edited templates, used when `--templates` is not given."""
    return project.optional_path("papers_templates")


def year_input(project: Project, args: argparse.Namespace) -> tuple[YearInput, Rubric]:
    """Score the source as `hoctap score` does, and gather the year's settings."""
    intake = pipeline.collect(project, args.source, args.spreadsheet, offline=args.offline)
    registry = pipeline.registry(project)
    options = pipeline.scoring_options(project, registry)
    rubric = options.rubrics.for_year(args.year)
    if rubric is None:
        raise ProjectError(f"Không có bộ tiêu chí nào cho năm {args.year}.")
    report = pipeline.score_intake(intake, project, registry).for_year(args.year)
    inp = YearInput(
        year=args.year, report=report, registry=registry, authority=pipeline.authority(project, options)(args.year),
        cdht_target=project.settings.cdht_target(args.year), decisions=tuple(options.decisions),
        district_after_reform=project.settings.get("district_after_reform"),
        cdht_rule=project.settings.get("cdht_learners_rule"), sample=intake.sample,
    )
    return inp, rubric


def _prepare(year_dir: Path, papers: list[PlannedPaper], unit: str | None) -> None:
    """Make room for this run's papers without ever deleting a folder hoctap did not make."""
    if unit is None:
        if year_dir.exists():
            if not (year_dir / MARKER).is_file() and any(year_dir.iterdir()):
                raise ProjectError(f"Thư mục {year_dir} đã có tệp không do hoctap lập: hãy chọn thư mục --out khác.")
            shutil.rmtree(year_dir)
    else:
        stale = [year_dir / UNIT_DIR / unit]
        stale += list((year_dir / BODY_DIR).glob(f"*/*/{unit}.*")) if (year_dir / BODY_DIR).is_dir() else []
        for path in stale:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.is_file():
                path.unlink()
    year_dir.mkdir(parents=True, exist_ok=True)
    (year_dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def cmd_documents(args: argparse.Namespace, project: Project) -> int:
    if args.copy_templates is not None:
        _copy(args.copy_templates)
        if args.year is None:
            return 0
    if args.year is None or args.out is None:
        return _usage("cần --year YYYY và --out DIR (hoặc chỉ --copy-templates DIR)")
    templates_dir = getattr(args, "templates", None) or _templates_setting(project)
    if templates_dir is not None and not templates_dir.is_dir():
        raise ProjectError(f"Không tìm thấy thư mục mẫu {templates_dir}.")
    inp, rubric = year_input(project, args)
    if not inp.report.results:
        raise ProjectError(f"Năm {args.year} chưa có kết quả hợp lệ nào: không có văn bản để lập.")
    if args.unit is not None and not any(r.unit_id == args.unit for r in inp.report.results):
        refused = [r for r in inp.report.rejected if r.unit_id == args.unit]
        why = " (phiếu bị từ chối: " + refused[0].problems[0].detail + ")" if refused and refused[0].problems else ""
        raise ProjectError(f"Đơn vị «{args.unit}» không có kết quả hợp lệ năm {args.year}{why}.")
    papers = plan(inp, rubric, args.unit)
    year_dir = args.out / str(args.year)
    try:
        _prepare(year_dir, papers, args.unit)
    except OSError as exc:
        raise ProjectError(f"Không ghi được vào {year_dir}: {exc.strerror or exc}.") from None
    source = TemplateSource(templates_dir)
    written = []
    for paper in papers:
        target = year_dir / paper.path
        try:
            render(source, paper.template, paper.context, target)
        except PaperError as exc:
            raise ProjectError(str(exc)) from None
        written.append(target)
    kinds = Counter(p.path.parts[0] for p in papers)
    units = len({p.unit_id for p in papers if p.unit_id and p.path.parts[0] == UNIT_DIR})
    print(f"Đã lập {len(written)} văn bản năm {args.year} ({rubric.info.short_title}) vào {year_dir}: "
          f"hồ sơ của {units} đơn vị, {kinds.get(BODY_DIR, 0)} văn bản của cơ quan tiếp nhận, Hội đồng và dự thảo quyết định"
          + (", báo cáo tổng hợp năm." if args.unit is None else "."))
    if inp.sample:
        print("Lưu ý: lập từ dữ liệu mẫu; mỗi văn bản có dòng «DỮ LIỆU MẪU».")
    if not args.pdf:
        return 0
    if soffice() is None:
        print(NO_LIBREOFFICE, file=sys.stderr)
        return 0
    try:
        pdfs = to_pdf(written)
    except PaperError as exc:
        print(f"hoctap: lỗi: {exc}", file=sys.stderr)
        return 1
    print(f"Đã chuyển {len(pdfs)} văn bản sang PDF bằng LibreOffice.")
    return 0
