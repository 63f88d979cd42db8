"""The downloads folder `du-lieu/`: per year CSV and JSON (as the scorer wrote them), XLSX, datapackage.json.

Only public columns (`scoring.publication`, the same list for the CSV and the
Excel file). Every text cell that a spreadsheet would take for a formula is
prefixed with `'`. The XLSX is byte-for-byte reproducible: fixed workbook
dates and zip times.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.publication import Column, levels_columns, points_columns
from scoring.results_folder import PublishedYear
from scoring.text import neutralise, slugify, strip_controls

from .site_data import SiteData

FOLDER = "du-lieu"


def build_time(data: SiteData) -> datetime:
    """The results' own date (pinned by SOURCE_DATE_EPOCH when they were written): never the clock."""
    generated = data.results.generated
    return generated if generated.tzinfo else generated.replace(tzinfo=UTC)


def year_columns(data: SiteData, year: int) -> list[Column]:
    rubric = data.rubric(year)
    if isinstance(rubric, PointsRubric):
        return points_columns(rubric.indicator_ids, [c.id for c in rubric.criteria])
    if isinstance(rubric, LevelsRubric):
        ids = sorted({i for s in rubric.sets.values() for i in s.indicator_ids}, key=lambda i: tuple(map(int, i.split("."))))
        return levels_columns(ids)
    return points_columns([], [])


def _cell(ws: Any, value: Any) -> Any:
    """A value for the sheet: numbers stay numbers, dates are dates shown dd/mm/yyyy, text is neutralised."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float) or value is None:
        return value
    if isinstance(value, date):
        day = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        cell = WriteOnlyCell(ws, value=day)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return neutralise(strip_controls(str(value)))


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _reproducible_zip(raw: bytes, when: datetime) -> bytes:
    """Rewrite a zip with fixed entry times and a fixed `modified` date (openpyxl stamps the clock on both)."""
    stamp = max(when, datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    w3c = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + w3c + rb"\g<2>", content)
            dst.writestr(fixed, content)
    return out.getvalue()


def _bold(ws: Any, text: str) -> Cell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = Font(bold=True)
    return cell


def write_xlsx(yr: PublishedYear, columns: list[Column], path: Path, when: datetime) -> None:
    # Write-only: streams rows instead of holding a cell object per value (national scale).
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"Kết quả {yr.year}")
    ws.freeze_panes = "A2"
    ws.append([_bold(ws, c.label) for c in columns])
    for r in yr.results:
        ws.append([_cell(ws, (c.label_value or c.code)(r)) for c in columns])
    rej = wb.create_sheet("Bị từ chối")
    rej.append([_bold(rej, h) for h in ("Năm", "Mã đơn vị", "Vị trí", "Mã lỗi", "Lý do")])
    for rejection in yr.rejected:
        rej.append([_cell(rej, v) for v in (rejection.year, rejection.unit_id, rejection.where, ", ".join(rejection.codes),
                                       " ".join(rejection.reasons))])
    naive = when.astimezone(UTC).replace(tzinfo=None)
    wb.properties.created = naive
    wb.properties.modified = naive
    wb.properties.creator = "hoctap"
    wb.properties.lastModifiedBy = "hoctap"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_reproducible_zip(buf.getvalue(), when))


def _infer_type(values: list[str]) -> str:
    present = [v for v in values if v != ""]
    if not present:
        return "string"

    def all_match(check: Callable[[str], object]) -> bool:
        for v in present:
            try:
                check(v)
            except ValueError:
                return False
        return True

    if all_match(int):
        return "integer"
    if all_match(float):
        return "number"
    if all_match(lambda v: datetime.strptime(v, "%Y-%m-%d")):
        return "date"
    return "string"


def csv_schema(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return {"fields": []}
    header, body = rows[0], rows[1:]
    return {"fields": [{"name": name, "type": _infer_type([r[i] if i < len(r) else "" for r in body])}
                       for i, name in enumerate(header)]}


def write_downloads(data: SiteData, output_path: Path) -> list[dict[str, Any]]:
    """Write `du-lieu/` and return, per year (newest first), the files for the downloads page."""
    folder = output_path / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    when = build_time(data)
    resources: list[dict[str, Any]] = []
    listing: list[dict[str, Any]] = []
    for year in sorted(data.years, reverse=True):
        yr = data.year(year)
        files = []
        if yr.csv_path.is_file():
            target = folder / yr.csv_path.name
            shutil.copyfile(yr.csv_path, target)
            resources.append({
                "name": f"ket-qua-{year}-csv", "path": target.name, "profile": "tabular-data-resource",
                "title": f"Kết quả đánh giá Đơn vị học tập năm {year} (CSV)", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8", "bytes": target.stat().st_size,
                "schema": csv_schema(target),
            })
            files.append({"label": "CSV", "url": f"{FOLDER}/{target.name}", "bytes": target.stat().st_size})
        target = folder / yr.json_path.name
        shutil.copyfile(yr.json_path, target)
        resources.append({
            "name": f"ket-qua-{year}-json", "path": target.name, "profile": "data-resource",
            "title": f"Kết quả đánh giá Đơn vị học tập năm {year} (JSON, kèm danh sách bị từ chối và tình hình nộp)",
            "format": "json", "mediatype": "application/json", "encoding": "utf-8", "bytes": target.stat().st_size,
        })
        files.append({"label": "JSON", "url": f"{FOLDER}/{target.name}", "bytes": target.stat().st_size})
        xlsx = folder / f"ket-qua-{year}.xlsx"
        write_xlsx(yr, year_columns(data, year), xlsx, when)
        resources.append({
            "name": f"ket-qua-{year}-xlsx", "path": xlsx.name, "profile": "data-resource",
            "title": f"Kết quả đánh giá Đơn vị học tập năm {year} (Excel)", "format": "xlsx",
            "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "bytes": xlsx.stat().st_size,
        })
        files.append({"label": "Excel (XLSX)", "url": f"{FOLDER}/{xlsx.name}", "bytes": xlsx.stat().st_size})
        listing.append({"year": year, "files": files, "scored": len(yr.results), "rejected": len(yr.rejected),
                        "method": yr.method})
    province = data.results.province
    package = {
        "profile": "data-package",
        "name": "hoctap-" + slugify(province or "ket-qua"),
        "title": f"Đánh giá, công nhận Đơn vị học tập — {province}".strip(" —"),
        "description": ("Kết quả tự đánh giá, thẩm định và công nhận Đơn vị học tập: chấm điểm, xếp loại theo Thông tư "
                        "22/2020/TT-BGDĐT (đến năm 2023) và công nhận theo mức độ theo Thông tư 24/2023/TT-BGDĐT "
                        "(từ năm 2024)." + (" Đây là DỮ LIỆU MẪU, không phải số liệu thật." if data.results.sample else "")),
        "created": when.isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "keywords": ["Đơn vị học tập", "Công dân học tập", "Thông tư 22/2020/TT-BGDĐT", "Thông tư 24/2023/TT-BGDĐT"],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return listing
