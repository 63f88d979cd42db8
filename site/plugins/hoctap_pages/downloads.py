"""The downloads folder `du-lieu/`: per year and for all years a CSV and an XLSX, the JSON, datapackage.json.

Only public columns (`scoring.publication`: one list for the CSV and the Excel
file, codes in the CSV and labels in Excel). Files that open right in Excel:
the CSV is UTF-8 with a byte-order mark (without it Excel on Windows reads
Vietnamese as mojibake); the XLSX has real numbers and dates (shown
dd/mm/yyyy), column widths, a frozen header and the sheet's dimension, so a
reader sees every row as long as the header. Every text cell that a
spreadsheet would take for a formula is prefixed with `'`. The XLSX
(`xlsx_download`) is byte-for-byte reproducible: fixed workbook dates and zip
times. The all-years files are assembled from one block of rows per year,
kept between builds: a change in one year rewrites that year's block only.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scoring.publication import Column, all_years_columns, csv_lines, rubric_columns
from scoring.results import ResultRow
from scoring.rubric import default_rubrics
from scoring.text import neutralise, slugify

from .build_cache import BuildCache, key_of
from .sheet_rows import Rendered, date_columns, place, render
from .site_data import DownloadData, YearRows
from .xlsx_download import Block, BlockStore, Sheet, Table, field_type, write_blocks, write_sheets

FOLDER = "du-lieu"
ALL_YEARS = "ket-qua-tat-ca-cac-nam"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_time(data: DownloadData) -> datetime:
    """The results' own day (pinned by SOURCE_DATE_EPOCH when they were written), at 00:00 UTC: never the clock.

    The day, not the minute: the files of a year whose results did not change stay the same bytes
    through the day's rebuilds, so an incremental build keeps them.
    """
    generated = data.results.generated
    day = generated.astimezone(UTC) if generated.tzinfo else generated
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def label_rows(rows: Sequence[ResultRow], columns: list[Column]) -> list[list[Any]]:
    """The Excel values (labels, not codes) of every row."""
    reads = [c.label_value or c.code for c in columns]
    return [[read(r) for read in reads] for r in rows]


def _infer_type(values: list[str]) -> str:
    present = set(values) - {""}  # each distinct value is tried once: a column of "dat" and "khong-dat" is two
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
    types = csv_types(body, len(header))
    return {"fields": [{"name": name, "type": types[i] if types[i] != "" else "string"} for i, name in enumerate(header)]}


def csv_types(body: list[list[str]], width: int) -> tuple[str, ...]:
    """Each column's Table Schema type as `_infer_type` reads it, "" for a column with nothing in it."""
    columns = list(itertools.zip_longest(*body, fillvalue=""))
    return tuple(_infer_type(list(columns[i])) if i < len(columns) and any(columns[i]) else "" for i in range(width))


def merged_type(types: Iterable[str]) -> str:
    """The type `_infer_type` gives the values of several blocks, from the blocks' own types ("": empty): the
    first of integer, number and date that every value reads as, as for one block."""
    found = set(types) - {""}
    if not found:
        return "string"
    if found == {"integer"}:
        return "integer"
    if found <= {"integer", "number"}:
        return "number"
    return "date" if found == {"date"} else "string"


def xlsx_schema(columns: list[Column], found: Sequence[frozenset[str]]) -> dict[str, Any]:
    """The results sheet's fields: the Excel labels, typed from the kinds of value written."""
    return {"fields": [{"name": c.label, "type": field_type(k)} for c, k in zip(columns, found, strict=True)]}


def _csv_resource(name: str, path: Path, title: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "path": path.name, "profile": "tabular-data-resource", "title": title, "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig", "bytes": path.stat().st_size,
            "schema": csv_schema(path) if schema is None else schema}


def _xlsx_resource(name: str, path: Path, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "path": path.name, "profile": "tabular-data-resource", "title": title, "format": "xlsx",
            "mediatype": XLSX_TYPE, "bytes": path.stat().st_size, "schema": schema}


def _file(label: str, path: Path) -> dict[str, Any]:
    return {"label": label, "url": f"{FOLDER}/{path.name}", "bytes": path.stat().st_size}


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
    for f in files:  # not pages: their bytes need no digest (that is for the search index), nor a second read
        cache.record(f"{FOLDER}/{f}", key, content=False)
    cache.extra[name] = json.dumps({**doc, "key": key}, ensure_ascii=False)


def write_downloads(data: DownloadData, output_path: Path, cache: BuildCache | None = None,
                    base: str = "") -> dict[str, Any]:
    """Write `du-lieu/`; return the files for the downloads page: per year (newest first) and for all years.

    With a build cache, a year's files are taken from the previous build when that year's results (and
    everything `base` covers) are unchanged; the all-years files when no year changed, else they are made
    from the kept blocks of the years that did not change. A year whose files or block must be made has its
    rows rendered once, for both (`sheet_rows`).
    """
    folder = output_path / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    when = build_time(data)
    own = {year: rubric_columns(data.rubric(year)) for year in data.years}
    titles = {r.id: r.info.short_title for r in default_rubrics()}
    every = all_years_columns([own[y] for y in data.years], titles)
    keys = {y: key_of(base, "du-lieu", str(y), when.isoformat(), data.year(y).sha, data.year(y).csv_sha)
            for y in data.years}
    all_key = key_of(base, "du-lieu:all", *(keys[y] for y in sorted(data.years, reverse=True)))
    all_names = [f"{ALL_YEARS}.csv", f"{ALL_YEARS}.xlsx"]
    all_done = _reused(cache, "du-lieu:all", all_key, all_names) if data.years else None
    blocks = AllYearsBlocks(data, every, when, block_store(cache), base) if data.years and all_done is None else None
    resources: list[dict[str, Any]] = []
    listing: list[dict[str, Any]] = []
    for year in sorted(data.years, reverse=True):
        yr = data.year(year)
        names = [f"ket-qua-{year}.csv", f"ket-qua-{year}.xlsx", yr.json_path.name]
        done = _reused(cache, f"du-lieu:{year}", keys[year], names)
        rendered = None
        if done is None or (blocks is not None and not blocks.kept(year)):
            rendered = render(label_rows(yr.results, every), len(every))
        if done is None:
            assert rendered is not None
            done = _write_year(yr, own[year], every, rendered, folder, when)
            # The year's data, for the next build's downloads process to know early which year it will read.
            _remember(cache, f"du-lieu:{year}", keys[year], names, {**done, "data": [yr.sha, yr.csv_sha]})
        if blocks is not None and rendered is not None and not blocks.kept(year):
            blocks.make(year, rendered)
        resources += done["resources"]
        listing.append(done["listing"])
        del rendered
        data.release(year)
    all_files: list[dict[str, Any]] = []
    if data.years:
        if all_done is None:
            assert blocks is not None
            all_done = blocks.write(folder)
            _remember(cache, "du-lieu:all", all_key, all_names, all_done)
        resources[:0] = all_done["resources"]
        all_files = all_done["files"]
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


def block_store(cache: BuildCache | None) -> BlockStore:
    """The all-years sheet's blocks kept between builds: read only by an incremental build."""
    if cache is None:
        return BlockStore(None)
    return BlockStore(cache.parts, read=cache.previous is not None)


def _write_year(yr: YearRows, columns: list[Column], every: list[Column], rendered: Rendered, folder: Path,
                when: datetime) -> dict[str, Any]:
    """The year's CSV (the results folder's table, with a byte-order mark so that Excel reads it as UTF-8), its
    workbook (the rendered rows in the year's own columns, and its rejections) and its JSON."""
    year = yr.year
    what = f"Kết quả đánh giá Đơn vị học tập năm {year}"
    target = folder / f"ket-qua-{year}.csv"
    target.write_bytes(codecs.BOM_UTF8 + yr.csv_path.read_bytes())
    resources = [_csv_resource(f"ket-qua-{year}-csv", target, f"{what} (CSV)")]
    files = [_file("CSV", target)]
    xlsx = folder / f"ket-qua-{year}.xlsx"
    position = {c.name: i for i, c in enumerate(columns)}
    where = [position.get(c.name) for c in every]
    found = [frozenset[str]()] * len(columns)
    for i, at in enumerate(where):
        if at is not None:
            found[at] = rendered.kinds[i]
    results = Sheet(f"Kết quả {year}", [c.label for c in columns], [c.width for c in columns], date_columns(found),
                    place(rendered, 1, where), rendered.count)
    rejected = [[r.year, r.unit_id, r.where, ", ".join(r.codes), " ".join(r.reasons)] for r in yr.rejected]
    write_sheets(xlsx, [results, Table("Bị từ chối", ["Năm", "Mã đơn vị", "Vị trí", "Mã lỗi", "Lý do"],
                                       [7, 18, 30, 24, 60], rejected).sheet()], when)
    resources.append(_xlsx_resource(f"ket-qua-{year}-xlsx", xlsx, f"{what} (Excel)", xlsx_schema(columns, found)))
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


class AllYearsBlocks:
    """The all-years files, from one block of rows per year: kept from the previous build when the year's
    results, the row it starts at and the columns are the same, else made from the year's rendered rows."""

    def __init__(self, data: DownloadData, columns: list[Column], when: datetime, store: BlockStore, base: str) -> None:
        self.data, self.columns, self.when, self.store = data, columns, when, store
        self.headers, self.widths = [c.label for c in columns], [c.width for c in columns]
        layout = key_of(base, "khoi-tat-ca", when.isoformat(),
                        json.dumps([[c.name for c in columns], self.headers, self.widths], ensure_ascii=False))
        self.first: dict[int, int] = {}
        self.keys: dict[int, str] = {}
        self.parts: dict[int, Block] = {}
        first = 1
        for year in data.years:  # a year's rows start after every earlier year's
            yr = data.year(year)
            self.first[year] = first
            self.keys[year] = key_of(layout, str(year), str(first), yr.sha, yr.csv_sha)  # a block reads both
            part = store.get(self.keys[year])
            if part is not None and part.count == len(yr.results):
                self.parts[year] = part
            first += len(yr.results)

    def kept(self, year: int) -> bool:
        return year in self.parts

    def make(self, year: int, rendered: Rendered) -> None:
        yr = self.data.year(year)
        lines, rows = block_lines(yr, self.columns)
        types = csv_types(rows, len(self.columns))
        part = Block.of(place(rendered, self.first[year]), self.first[year], rendered.count, rendered.kinds, lines, types)
        self.store.put(self.keys[year], part)
        self.parts[year] = part

    def write(self, folder: Path) -> dict[str, Any]:
        data = self.data
        parts = [self.parts[y] for y in data.years]
        self.store.prune()
        what = f"Kết quả đánh giá Đơn vị học tập các năm {data.years[0]}–{data.years[-1]}"
        # The same bytes as a year's table of every row (see `csv_lines`).
        target = folder / f"{ALL_YEARS}.csv"
        header = csv_lines([], self.columns)
        target.write_bytes(codecs.BOM_UTF8 + header + b"".join(p.csv for p in parts))
        # The CSV's schema from its blocks' column types, as `csv_schema` would read the whole file.
        names = next(csv.reader(io.StringIO(header.decode("utf-8"), newline="")))
        schema = {"fields": [{"name": name, "type": merged_type(p.csv_types[i] for p in parts)}
                             for i, name in enumerate(names)]}
        xlsx = folder / f"{ALL_YEARS}.xlsx"
        write_blocks(xlsx, "Tất cả các năm", self.headers, self.widths, parts, self.when)
        found = [frozenset().union(*(p.kinds[i] for p in parts)) for i in range(len(self.columns))]
        return {"resources": [_csv_resource(f"{ALL_YEARS}-csv", target, f"{what} (CSV)", schema),
                              _xlsx_resource(f"{ALL_YEARS}-xlsx", xlsx, f"{what} (Excel)",
                                             xlsx_schema(self.columns, found))],
                "files": [_file("CSV", target), _file("Excel (XLSX)", xlsx)]}


def block_lines(yr: YearRows, columns: list[Column]) -> tuple[bytes, list[list[str]]]:
    """The year's rows in the all-years `columns`: the bytes of `csv_lines(yr.results, columns, header=False)`,
    and their cells as a CSV reader reads them back (for the block's column types).

    Taken from the year's own table in the results folder (the same cells, written by the same `csv`
    writer as `csv_lines`), with the columns it lacks read from the rows: a national year's cells are not made
    again. The round trip is exact because no cell holds a bare carriage return (text is cleaned of line
    breaks when read). When a lacking column holds anything but text, or the table is not the rows' (their
    number, width, units and years), the cells are made.
    """
    with yr.csv_path.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    rows = _block_rows(yr, columns, table)
    if rows is None:
        made = csv_lines(yr.results, columns, header=False)
        return made, list(csv.reader(io.StringIO(made.decode("utf-8"), newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8"), rows


def _block_rows(yr: YearRows, columns: list[Column], table: list[list[str]]) -> list[list[str]] | None:
    if not table or len(table) - 1 != len(yr.results) or any(len(row) != len(table[0]) for row in table):
        return None
    at = {name: i for i, name in enumerate(table[0])}
    unit, year = at.get("ma_don_vi"), at.get("nam")
    if unit is None or year is None or any(row[unit] != r.unit_id or row[year] != str(r.year)
                                           for row, r in zip(table[1:], yr.results, strict=True)):
        return None
    lacking: dict[int, list[str]] = {}
    for j, col in enumerate(columns):
        if col.name not in at:
            values = [neutralise(col.code(r)) for r in yr.results]
            if not all(v is None or isinstance(v, str) for v in values):
                return None
            lacking[j] = ["" if v is None else str(v) for v in values]
    where = [at.get(c.name, -1) for c in columns]
    return [[row[i] if i >= 0 else lacking[j][k] for j, i in enumerate(where)] for k, row in enumerate(table[1:])]
