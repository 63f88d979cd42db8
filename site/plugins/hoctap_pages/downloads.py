"""The downloads folder `du-lieu/`: per year CSV and JSON (copied), XLSX (written here), datapackage.json.

Only public columns: the results folder holds no reporter name, phone or
e-mail, and the XLSX is written from an explicit list of columns. Every text
cell that a spreadsheet would take for a formula is prefixed with `'`.
The XLSX is byte-for-byte reproducible: fixed workbook dates and zip times.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from scoring.publication import neutralise
from scoring.results import BASIS_LABELS

from .results import SiteData, YearResults
from .rubrics import rubric_of
from .safety import slugify

FOLDER = "du-lieu"
def build_time(data: SiteData) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the results' own date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    if data.generated is not None:
        return data.generated if data.generated.tzinfo else data.generated.replace(tzinfo=UTC)
    return datetime(2020, 1, 1, tzinfo=UTC)


def _yes_no(value: Any) -> str | None:
    if value is None:
        return None
    return "có" if value else "không"


def result_columns(yr: YearResults) -> list[tuple[str, Callable[[dict[str, Any]], Any]]]:
    """The public columns of the XLSX, in order: header and how to read it from a result."""
    rubric = rubric_of(yr.rubric_id, yr.year)
    indicator_ids = list(rubric.indicator_ids) if rubric else sorted(
        {k for r in yr.results for k in (r.get("points") or {})})
    criterion_ids = [c.id for c in rubric.criteria] if rubric else sorted(
        {k for r in yr.results for k in (r.get("criteria") or {})})

    def points(i: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: (r.get("points") or {}).get(i)

    def criterion(c: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: (r.get("criteria") or {}).get(c)

    return [
        ("Năm", lambda r: r.get("year")),
        ("Mã đơn vị", lambda r: r.get("unit_id")),
        ("Tên đơn vị", lambda r: r.get("name")),
        ("Khối", lambda r: r.get("group")),
        *((f"Chỉ số {i}", points(i)) for i in indicator_ids),
        *((f"Tiêu chí {c}", criterion(c)) for c in criterion_ids),
        ("Tổng điểm", lambda r: r.get("total")),
        ("Xếp loại", lambda r: r.get("class")),
        ("Cơ sở điểm", lambda r: BASIS_LABELS.get(str(r.get("basis")))),
        ("Hạng", lambda r: r.get("rank")),
        ("Hạng trong khối", lambda r: r.get("rank_in_group")),
        ("Điểm năm trước", lambda r: r.get("previous_total")),
        ("Thay đổi", lambda r: r.get("change")),
        ("Số thành viên", lambda r: r.get("members")),
        ("Số Công dân học tập", lambda r: r.get("cdht")),
        ("Tỷ lệ Công dân học tập", lambda r: r.get("cdht_share")),
        ("Đạt mục tiêu", lambda r: _yes_no(r.get("cdht_meets_target"))),
        ("Ban Khuyến học", lambda r: _yes_no(r.get("ban_khuyen_hoc"))),
        ("Kế hoạch của đơn vị", lambda r: r.get("plan_url")),
        ("Ngày nộp", lambda r: r.get("submitted")),
        ("Tình trạng nộp", lambda r: r.get("submission_status")),
        ("Ghi chú của đơn vị", lambda r: r.get("note")),
        ("Kết luận thẩm định", lambda r: r.get("decision")),
    ]


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float) or value is None:
        return value
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(str(value))


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


def write_xlsx(yr: YearResults, path: Path, when: datetime) -> None:
    # Write-only: streams rows instead of holding a cell object per value (national scale).
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"Kết quả {yr.year}")
    ws.freeze_panes = "C2"
    columns = result_columns(yr)
    ws.append([_bold(ws, name) for name, _ in columns])
    for r in yr.results:
        ws.append([_cell(read(r)) for _, read in columns])
    rej = wb.create_sheet("Bị từ chối")
    rej.append([_bold(rej, h) for h in ("Năm", "Mã đơn vị", "Vị trí", "Mã lỗi", "Lý do")])
    for r in yr.rejected:
        rej.append([_cell(v) for v in (r.get("year"), r.get("unit_id"), r.get("where"),
                                       ", ".join(str(x) for x in r.get("codes") or []),
                                       " ".join(str(x) for x in r.get("reasons") or []))])
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
    fields = []
    for i, name in enumerate(header):
        fields.append({"name": name, "type": _infer_type([r[i] if i < len(r) else "" for r in body])})
    return {"fields": fields}


def write_downloads(data: SiteData, output_path: Path) -> list[dict[str, Any]]:
    """Write `du-lieu/` and return, per year (newest first), the files for the downloads page."""
    folder = output_path / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    when = build_time(data)
    resources: list[dict[str, Any]] = []
    listing: list[dict[str, Any]] = []
    for year in sorted(data.years, reverse=True):
        yr = data.by_year[year]
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
        write_xlsx(yr, xlsx, when)
        resources.append({
            "name": f"ket-qua-{year}-xlsx", "path": xlsx.name, "profile": "data-resource",
            "title": f"Kết quả đánh giá Đơn vị học tập năm {year} (Excel)", "format": "xlsx",
            "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "bytes": xlsx.stat().st_size,
        })
        files.append({"label": "Excel (XLSX)", "url": f"{FOLDER}/{xlsx.name}", "bytes": xlsx.stat().st_size})
        listing.append({"year": year, "files": files, "scored": len(yr.results), "rejected": len(yr.rejected)})
    package = {
        "profile": "data-package",
        "name": "hoctap-" + slugify(data.province or "ket-qua"),
        "title": f"Đánh giá, xếp loại Đơn vị học tập — {data.province}".strip(" —"),
        "description": ("Kết quả tự đánh giá và thẩm định của các cơ quan, đơn vị theo Thông tư 22/2020/TT-BGDĐT."
                        + (" Đây là DỮ LIỆU MẪU, không phải số liệu thật." if data.sample else "")),
        "created": when.isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "keywords": ["Đơn vị học tập", "Công dân học tập", "Thông tư 22/2020/TT-BGDĐT"],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
    return listing
