"""The accepted/rejected report, as a terminal text, a Markdown job summary and GitHub annotations.

Administrators read this after every run without opening logs, so every
rejection names the unit, the place (file, tab, A1 cell or CSV line/column)
and the reason, in Vietnamese.
"""

from __future__ import annotations

from scoring.problems import Rejection
from scoring.results import BASIS_LABELS, ScoreReport, vi_number


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
    if report.results:
        out += ["### Phiếu hợp lệ", "", "| Đơn vị | Năm | Tổng điểm | Xếp loại | Cơ sở | Hạng |", "|---|---:|---:|---|---|---:|"]
        for res in sorted(report.results, key=lambda x: (-x.year, x.rank)):
            out.append(
                f"| {_cell(res.name)} | {res.year} | {vi_number(res.total)} | {res.klass} | "
                f"{BASIS_LABELS[res.basis]} | {res.rank} |"
            )
        out.append("")
    return "\n".join(out)


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
