"""The accepted/rejected report, as a terminal text, a Markdown job summary and GitHub annotations.

Administrators read this after every run without opening logs, so every
rejection names the unit, the place (file, tab, A1 cell or CSV line/column)
and the reason, in Vietnamese.
"""

from __future__ import annotations

from scoring.problems import Rejection
from scoring.results import BASIS_LABELS, CHECK_LABELS, ResultRow, ScoreReport
from scoring.vietnamese import vi_number


def text_report(report: ScoreReport, label: str) -> str:
    c = report.counts()
    lines = [
        f"Nguồn: {label}",
        f"Đã đọc {c['read']} phiếu: {c['scored']} hợp lệ, {c['rejected']} bị từ chối.",
    ]
    for rejection in report.rejected:
        lines.append("")
        lines.append(f"✗ {rejection.unit_label}" + (f", năm {rejection.year}" if rejection.year else ""))
        lines.extend(f"  - {p.place.describe()}: {p.detail} [{p.code}]" for p in rejection.problems)
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Markdown table cells: no pipes, no line breaks, no HTML from submitters."""
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def markdown_summary(report: ScoreReport, label: str) -> str:
    c = report.counts()
    out = [
        "## Kết quả kiểm tra phiếu tự đánh giá",
        "",
        f"Nguồn: {_cell(label)}",
        "",
        "| Đã đọc | Hợp lệ | Bị từ chối |",
        "|---:|---:|---:|",
        f"| {c['read']} | {c['scored']} | {c['rejected']} |",
        "",
    ]
    if report.rejected:
        out += ["### Phiếu bị từ chối", "", "| Đơn vị | Năm | Vị trí | Lý do | Mã |", "|---|---:|---|---|---|"]
        for r in report.rejected:
            for p in r.problems:
                out.append(
                    f"| {_cell(r.unit_label)} | {r.year or ''} | {_cell(p.place.describe())} | {_cell(p.detail)} | `{p.code}` |"
                )
        out.append("")
    points = [r for r in report.results if r.points]
    if points:
        out += ["### Phiếu hợp lệ — chấm điểm (Thông tư 22/2020)", "",
                "| Đơn vị | Năm | Tổng điểm | Xếp loại | Cơ sở | Hạng |", "|---|---:|---:|---|---|---:|"]
        for res in sorted(points, key=lambda x: (-x.year, x.points.rank if x.points else 0)):
            assert res.points is not None
            out.append(
                f"| {_cell(res.name)} | {res.year} | {vi_number(res.points.total)} | {res.points.klass} | "
                f"{BASIS_LABELS[res.basis]} | {res.points.rank} |"
            )
        out.append("")
    levels = [r for r in report.results if r.levels]
    if levels:
        out += ["### Phiếu hợp lệ — công nhận theo mức độ (Thông tư 24/2023)", "",
                "| Đơn vị | Năm | Mức đề nghị | Mức đạt | Cơ sở | Chỉ tiêu không đạt |", "|---|---:|---:|---:|---|---|"]
        for res in sorted(levels, key=lambda x: (-x.year, x.name)):
            out.append(f"| {_cell(res.name)} | {res.year} | {res.levels.level_requested if res.levels else ''} | "
                       f"{res.levels.level_met if res.levels else ''} | {BASIS_LABELS[res.basis]} | {_cell(_failing(res))} |")
        out.append("")
    return "\n".join(out)


def _failing(res: ResultRow) -> str:
    if res.levels is None:
        return ""
    failing = [c.id for c in res.levels.checks.values() if c.result == "khong-dat"]
    return ", ".join(failing) or CHECK_LABELS["dat"]


def _escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def warning_lines(rejections: list[Rejection]) -> list[str]:
    """GitHub workflow commands: one ::warning per rejected unit-year."""
    lines = []
    for r in rejections:
        title = f"{r.unit_label}" + (f", năm {r.year}" if r.year else "")
        body = "; ".join(f"{p.place.describe()}: {p.detail}" for p in r.problems)
        lines.append(
            f"::warning title={_escape_annotation(title).replace(',', '%2C').replace(':', '%3A')}::"
            f"{_escape_annotation(body)}"
        )
    return lines
