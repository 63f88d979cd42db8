"""The downloads folder `du-lieu/`: per year and for all years a CSV and an XLSX, the JSON, datapackage.json.

Only public columns (`scoring.publication`: one list for the CSV and the Excel
file, codes in the CSV and labels in Excel). Files that open right in Excel:
the CSV is UTF-8 with a byte-order mark (without it Excel on Windows reads
Vietnamese as mojibake); the XLSX has real numbers and dates (shown
dd/mm/yyyy), column widths, a frozen header and the sheet's dimension, so a
reader sees every row as long as the header. Every text cell that a
spreadsheet would take for a formula is prefixed with `'`. The XLSX is
byte-for-byte reproducible: fixed workbook dates and zip times.
"""

from __future__ import annotations

import csv
import hashlib
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
from openpyxl.utils import get_column_letter

from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.publication import Column, all_years_columns, frame, levels_columns, points_columns
from scoring.results import ResultRow
from scoring.results_folder import PublishedYear
from scoring.rubric import default_rubrics
from scoring.text import neutralise, slugify, strip_controls

from .build_cache import BuildCache, key_of
from .site_data import SiteData

FOLDER = "du-lieu"
ALL_YEARS = "ket-qua-tat-ca-cac-nam"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_time(data: SiteData) -> datetime:
    """The results' own day (pinned by SOURCE_DATE_EPOCH when they were written), at 00:00 UTC: never the clock.

    The day, not the minute: the files of a year whose results did not change stay the same bytes
    through the day's rebuilds, so an incremental build keeps them.
    """
    generated = data.results.generated
    day = generated.astimezone(UTC) if generated.tzinfo else generated
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


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
_SHEET = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


def _reproducible_zip(raw: bytes, when: datetime, dimensions: list[str]) -> bytes:
    """Rewrite a zip with fixed entry times and a fixed `modified` date (openpyxl stamps the clock on both), and
    give each sheet its `<dimension>` (openpyxl's write-only mode leaves it out, and readers then cut each row
    at its last filled cell)."""
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
            sheet = _SHEET.fullmatch(info.filename)
            if sheet and int(sheet.group(1)) <= len(dimensions) and b"<dimension " not in content:
                ref = f'<dimension ref="{dimensions[int(sheet.group(1)) - 1]}"/>'.encode()
                content = content.replace(b"</sheetPr>", b"</sheetPr>" + ref, 1)
            dst.writestr(fixed, content)
    return out.getvalue()


def _bold(ws: Any, text: str) -> Cell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = Font(bold=True)
    return cell


def _sheet(wb: Any, title: str, headers: list[str], widths: list[int], rows: list[list[Any]]) -> str:
    """A sheet with a bold frozen header and column widths; return its dimension (A1:X9)."""
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append([_bold(ws, h) for h in headers])
    for values in rows:
        ws.append([_cell(ws, v) for v in values])
    return f"A1:{get_column_letter(max(len(headers), 1))}{len(rows) + 1}"


def label_rows(rows: tuple[ResultRow, ...] | list[ResultRow], columns: list[Column]) -> list[list[Any]]:
    return [[(c.label_value or c.code)(r) for c in columns] for r in rows]


def write_xlsx(yr: PublishedYear | None, columns: list[Column], path: Path, when: datetime, *,
               title: str = "", rows: list[ResultRow] | None = None) -> list[list[Any]]:
    """The results sheet (labels, not codes) and, for one year, the rejections; return the results' values."""
    # Write-only: streams rows instead of holding a cell object per value (national scale).
    wb = Workbook(write_only=True)
    results = list(rows if rows is not None else (yr.results if yr else ()))
    values = label_rows(results, columns)
    dims = [_sheet(wb, title or f"Kết quả {yr.year if yr else ''}".strip(), [c.label for c in columns],
                   [c.width for c in columns], values)]
    if yr is not None:
        rejected = [[r.year, r.unit_id, r.where, ", ".join(r.codes), " ".join(r.reasons)] for r in yr.rejected]
        dims.append(_sheet(wb, "Bị từ chối", ["Năm", "Mã đơn vị", "Vị trí", "Mã lỗi", "Lý do"], [7, 18, 30, 24, 60],
                           rejected))
    naive = when.astimezone(UTC).replace(tzinfo=None)
    wb.properties.created = naive
    wb.properties.modified = naive
    wb.properties.creator = "hoctap"
    wb.properties.lastModifiedBy = "hoctap"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_reproducible_zip(buf.getvalue(), when, dims))
    return values


def write_csv(rows: tuple[ResultRow, ...] | list[ResultRow], columns: list[Column], path: Path) -> None:
    """The codes table, as the results folder has it, with a byte-order mark so that Excel reads it as UTF-8."""
    path.write_bytes(frame(rows, columns).to_csv(index=False).encode("utf-8-sig"))


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


def _value_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None and v != ""]
    if not present:
        return "string"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    if all(isinstance(v, date) for v in present):
        return "date"
    return "string"


def xlsx_schema(columns: list[Column], values: list[list[Any]]) -> dict[str, Any]:
    """The results sheet's fields: the Excel labels, typed from the values written."""
    return {"fields": [{"name": c.label, "type": _value_type([row[i] for row in values])}
                       for i, c in enumerate(columns)]}


def _csv_resource(name: str, path: Path, title: str) -> dict[str, Any]:
    return {"name": name, "path": path.name, "profile": "tabular-data-resource", "title": title, "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig", "bytes": path.stat().st_size, "schema": csv_schema(path)}


def _xlsx_resource(name: str, path: Path, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "path": path.name, "profile": "tabular-data-resource", "title": title, "format": "xlsx",
            "mediatype": XLSX_TYPE, "bytes": path.stat().st_size, "schema": schema}


def _file(label: str, path: Path) -> dict[str, Any]:
    return {"label": label, "url": f"{FOLDER}/{path.name}", "bytes": path.stat().st_size}


def _sha(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()


def _reused(cache: BuildCache | None, name: str, key: str, files: list[str]) -> dict[str, Any] | None:
    """The previous build's files of one download group, linked in, with what the listing said of them."""
    if cache is None:
        return None
    meta = cache.old_extra.get(name)
    try:
        doc = json.loads(meta) if meta else None
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("key") != key:
        return None
    if not cache.reuse_all([f"{FOLDER}/{f}" for f in files], key):
        return None
    cache.extra[name] = str(meta)
    return doc


def _remember(cache: BuildCache | None, name: str, key: str, files: list[str], doc: dict[str, Any]) -> None:
    if cache is None:
        return
    for f in files:
        cache.record(f"{FOLDER}/{f}", key)
    cache.extra[name] = json.dumps({**doc, "key": key}, ensure_ascii=False)


def write_downloads(data: SiteData, output_path: Path, cache: BuildCache | None = None,
                    base: str = "") -> dict[str, Any]:
    """Write `du-lieu/`; return the files for the downloads page: per year (newest first) and for all years.

    With a build cache, a year's files are taken from the previous build when that year's results (and
    everything `base` covers) are unchanged; the all-years files when no year changed.
    """
    folder = output_path / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    when = build_time(data)
    resources: list[dict[str, Any]] = []
    listing: list[dict[str, Any]] = []
    every_year: list[list[Column]] = []
    year_keys: list[str] = []
    for year in sorted(data.years, reverse=True):
        yr = data.year(year)
        columns = year_columns(data, year)
        every_year.append(columns)
        key = key_of(base, "du-lieu", str(year), when.isoformat(), _sha(yr.json_path))
        year_keys.append(key)
        names = [f"ket-qua-{year}.csv", f"ket-qua-{year}.xlsx", yr.json_path.name]
        done = _reused(cache, f"du-lieu:{year}", key, names)
        if done is None:
            done = _write_year(data, yr, columns, folder, when)
            _remember(cache, f"du-lieu:{year}", key, names, done)
        resources += done["resources"]
        listing.append(done["listing"])
    all_files: list[dict[str, Any]] = []
    if data.years:
        key = key_of(base, "du-lieu:all", *year_keys)
        names = [f"{ALL_YEARS}.csv", f"{ALL_YEARS}.xlsx"]
        done = _reused(cache, "du-lieu:all", key, names)
        if done is None:
            titles = {r.id: r.info.short_title for r in default_rubrics()}
            done = _write_all_years(data, all_years_columns(list(reversed(every_year)), titles), folder, when)
            _remember(cache, "du-lieu:all", key, names, done)
        resources[:0] = done["resources"]
        all_files = done["files"]
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
    return {"years": listing, "all_years": all_files}


def _write_year(data: SiteData, yr: PublishedYear, columns: list[Column], folder: Path, when: datetime) -> dict[str, Any]:
    year = yr.year
    what = f"Kết quả đánh giá Đơn vị học tập năm {year}"
    target = folder / f"ket-qua-{year}.csv"
    write_csv(yr.results, columns, target)
    resources = [_csv_resource(f"ket-qua-{year}-csv", target, f"{what} (CSV)")]
    files = [_file("CSV", target)]
    xlsx = folder / f"ket-qua-{year}.xlsx"
    values = write_xlsx(yr, columns, xlsx, when)
    resources.append(_xlsx_resource(f"ket-qua-{year}-xlsx", xlsx, f"{what} (Excel)", xlsx_schema(columns, values)))
    files.append(_file("Excel (XLSX)", xlsx))
    target = folder / yr.json_path.name
    shutil.copyfile(yr.json_path, target)
    resources.append({
        "name": f"ket-qua-{year}-json", "path": target.name, "profile": "data-resource",
        "title": f"{what} (JSON, kèm danh sách bị từ chối và tình hình nộp)",
        "format": "json", "mediatype": "application/json", "encoding": "utf-8", "bytes": target.stat().st_size,
    })
    files.append(_file("JSON", target))
    listing = {"year": year, "files": files, "scored": len(yr.results), "rejected": len(yr.rejected), "method": yr.method}
    return {"resources": resources, "listing": listing}


def _write_all_years(data: SiteData, columns: list[Column], folder: Path, when: datetime) -> dict[str, Any]:
    rows = [r for y in data.years for r in data.year(y).results]
    what = f"Kết quả đánh giá Đơn vị học tập các năm {data.years[0]}–{data.years[-1]}"
    target = folder / f"{ALL_YEARS}.csv"
    write_csv(rows, columns, target)
    xlsx = folder / f"{ALL_YEARS}.xlsx"
    values = write_xlsx(None, columns, xlsx, when, title="Tất cả các năm", rows=rows)
    return {"resources": [_csv_resource(f"{ALL_YEARS}-csv", target, f"{what} (CSV)"),
                          _xlsx_resource(f"{ALL_YEARS}-xlsx", xlsx, f"{what} (Excel)", xlsx_schema(columns, values))],
            "files": [_file("CSV", target), _file("Excel (XLSX)", xlsx)]}
