"""The downloads folder: CSV and XLSX that open right in Excel, per year and for all years, a valid datapackage.json.

Both shapes of a year: points columns (Thông tư 22/2020, 2023) and levels
columns (Thông tư 24/2023, 2024 and later), from `small_site` scored by the
real pipeline. The CSV is read as Excel reads it (a byte-order mark says
UTF-8), the XLSX with openpyxl (labels, dates, widths, frozen header), and
the whole package is validated with frictionless.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import HOSTILE_FORMULA, HOSTILE_NAME, HOSTILE_SCRIPT, SmallSite
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from support import ROOT_REPO

sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
from hoctap_pages.downloads import block_lines, csv_schema, csv_types, merged_type
from hoctap_pages.site_data import SiteData
from scoring.publication import Column, all_years_columns, csv_lines, rubric_columns
from scoring.published import load_results_folder
from scoring.results import ResultRow
from scoring.text import neutralise

YEARS = (2023, 2024, 2025)
PRIVATE_WORDS = ("email", "e-mail", "thư điện tử", "điện thoại", "phone", "người báo cáo", "reporter", "họ tên")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def folder(site: SmallSite) -> Path:
    return site.output / "du-lieu"


def sheet(site: SmallSite, year: int, name: str | None = None) -> tuple[tuple[Any, ...], list[dict[str, Any]]]:
    wb = load_workbook(folder(site) / f"ket-qua-{year}.xlsx")
    ws = wb[name or f"Kết quả {year}"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return header, [dict(zip(header, r, strict=True)) for r in rows[1:]]


def csv_rows(site: SmallSite, year: int) -> tuple[list[str], list[dict[str, str]]]:
    with (folder(site) / f"ket-qua-{year}.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("year", YEARS)
def test_csv_is_the_results_table_with_a_byte_order_mark_and_json_is_copied(small_site: SmallSite, year: int) -> None:
    results = small_site.project / ".hoctap" / "ket-qua"
    csv_bytes = (folder(small_site) / f"ket-qua-{year}.csv").read_bytes()
    assert csv_bytes.startswith(codecs.BOM_UTF8)  # Excel on Windows reads the file as UTF-8, not as cp1252
    assert csv_bytes[len(codecs.BOM_UTF8):] == (results / f"ket-qua-{year}.csv").read_bytes()
    name = f"ket-qua-{year}.json"
    assert (folder(small_site) / name).read_bytes() == (results / name).read_bytes()


def test_csv_reads_as_excel_reads_it(small_site: SmallSite) -> None:
    """Excel looks for the byte-order mark and then decodes UTF-8: the header and the Vietnamese come out whole."""
    raw = (folder(small_site) / "ket-qua-2023.csv").read_bytes()
    encoding = "utf-8" if raw.startswith(codecs.BOM_UTF8) else "cp1252"
    text = raw[len(codecs.BOM_UTF8):].decode(encoding)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["hang", "nam", "ma_don_vi", "ten_don_vi"]
    assert "Hội Liên hiệp Phụ nữ tỉnh" in [r[3] for r in rows[1:]]


def test_points_year_has_the_points_columns(small_site: SmallSite) -> None:
    header, body = sheet(small_site, 2023)
    assert header[:5] == ("Hạng", "Năm", "Mã đơn vị", "Tên đơn vị", "Khối")
    for label in ("Chỉ số 1.1", "Chỉ số 3.1", "Tiêu chí 1", "Tổng điểm", "Xếp loại", "Cơ sở kết quả"):
        assert label in header, label
    assert not [h for h in header if str(h).startswith(("Mức độ", "Chỉ tiêu"))]
    by_id = {r["Mã đơn vị"]: r for r in body}
    assert [r["Mã đơn vị"] for r in body] == ["so-gd-dt", "hoi-lhpn", "so-noi-vu", "ban-thu-nghiem"]
    assert [by_id[u]["Hạng"] for u in ("so-gd-dt", "so-noi-vu", "hoi-lhpn", "ban-thu-nghiem")] == [1, 2, 2, 4]
    assert by_id["so-noi-vu"]["Tổng điểm"] == 88.5  # a number, not text
    assert by_id["so-noi-vu"]["Chỉ số 1.1"] == 9.5
    assert by_id["so-noi-vu"]["Cơ sở kết quả"] == "Đã thẩm định"
    assert by_id["ban-thu-nghiem"]["Tên đơn vị"] == HOSTILE_NAME
    columns, rows = csv_rows(small_site, 2023)
    assert {"hang", "tong_diem", "xep_loai", "3.1"} <= set(columns)
    assert {r["ma_don_vi"]: r["tong_diem"] for r in rows}["so-noi-vu"] == "88.5"


def test_levels_years_have_the_levels_columns(small_site: SmallSite) -> None:
    for year in (2024, 2025):
        header, _body = sheet(small_site, year)
        assert header[:4] == ("Năm", "Mã đơn vị", "Tên đơn vị", "Khối")
        for label in ("Cấp", "Mức độ đề nghị", "Mức độ đạt", "Chỉ tiêu 1.1", "Chỉ tiêu 3.6", "Quyết định công nhận",
                      "Ngày quyết định", "Bảo lưu đến hết năm", "Cơ sở kết quả"):
            assert label in header, (year, label)
        assert not {"Hạng", "Tổng điểm", "Xếp loại"} & set(header), year
    _, body = sheet(small_site, 2024)
    by_id = {r["Mã đơn vị"]: r for r in body}
    gd = by_id["so-gd-dt"]
    assert gd["Mức độ đề nghị"] == 1 and gd["Mức độ đạt"] == 2
    assert gd["Quyết định công nhận"] == "324/QĐ-UBND" and gd["Bảo lưu đến hết năm"] == 2027
    assert gd["Cơ sở kết quả"] == "Đã thẩm định"
    assert by_id["so-noi-vu"]["Chỉ tiêu 2.4"] == "Không đạt"
    assert by_id["so-noi-vu"]["Mức độ đạt"] == 0
    assert by_id["hoi-lhpn"]["Chỉ tiêu 2.1"] == "Không đạt"
    assert by_id["so-gd-dt"]["Chỉ tiêu 3.4"] == "Không áp dụng"
    assert by_id["tn-thpt"]["Chỉ tiêu 3.4"] == "Đạt"
    columns, rows = csv_rows(small_site, 2024)
    assert {"muc_de_nghi", "muc_dat", "chi_tieu_2.4", "so_quyet_dinh", "bao_luu_den_nam"} <= set(columns)
    assert not {"hang", "tong_diem"} & set(columns)
    csv_by_id = {r["ma_don_vi"]: r for r in rows}
    assert csv_by_id["so-noi-vu"]["chi_tieu_2.4"] == "khong-dat"
    assert csv_by_id["so-gd-dt"]["chi_tieu_3.4"] == "khong-ap-dung"


def test_formulas_are_neutralised_in_csv_and_xlsx(small_site: SmallSite) -> None:
    _, body = sheet(small_site, 2023)
    note = {r["Mã đơn vị"]: r for r in body}["ban-thu-nghiem"]["Ghi chú của đơn vị"]
    assert note == f"'{HOSTILE_FORMULA} {HOSTILE_SCRIPT}"
    _, rows = csv_rows(small_site, 2023)
    assert {r["ma_don_vi"]: r for r in rows}["ban-thu-nghiem"]["ghi_chu"] == f"'{HOSTILE_FORMULA} {HOSTILE_SCRIPT}"
    for year in YEARS:
        wb = load_workbook(folder(small_site) / f"ket-qua-{year}.xlsx")
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (year, ws.title, cell.coordinate)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(FORMULA_STARTS), (year, ws.title, cell.coordinate)
        _, rows = csv_rows(small_site, year)
        for r in rows:
            assert not any(v.startswith(FORMULA_STARTS) for v in r.values() if v), (year, r["ma_don_vi"])


def test_rejections_have_their_own_sheet(small_site: SmallSite) -> None:
    header, body = sheet(small_site, 2023, "Bị từ chối")
    assert header == ("Năm", "Mã đơn vị", "Vị trí", "Mã lỗi", "Lý do")
    by_id = {r["Mã đơn vị"]: r for r in body}
    assert set(by_id) == {"vp-tinh-uy", "so-y-te"}
    assert "cột 1.1" in by_id["vp-tinh-uy"]["Vị trí"] and "ngoai-khoang" in by_id["vp-tinh-uy"]["Mã lỗi"]
    assert "không có trong danh mục" in by_id["so-y-te"]["Lý do"]
    _, body = sheet(small_site, 2024, "Bị từ chối")
    assert body == []


def test_no_private_column_in_any_download(small_site: SmallSite) -> None:
    headers: list[str] = []
    for xlsx in folder(small_site).glob("*.xlsx"):
        for ws in load_workbook(xlsx).worksheets:
            headers += [str(c.value) for c in ws[1]]
    for year in YEARS:
        headers += csv_rows(small_site, year)[0]
        data = json.loads((folder(small_site) / f"ket-qua-{year}.json").read_text(encoding="utf-8"))
        headers += [k for r in data["results"] for k in r]
    assert headers
    lowered = [h.lower() for h in headers]
    for word in PRIVATE_WORDS:
        assert not any(word in h for h in lowered), word


def test_xlsx_is_dated_by_the_results_not_the_clock(small_site: SmallSite) -> None:
    for year in YEARS:
        path = folder(small_site) / f"ket-qua-{year}.xlsx"
        with zipfile.ZipFile(path) as z:
            assert {i.date_time for i in z.infolist()} == {(2026, 11, 23, 0, 0, 0)}  # index.json's `generated`
        props = load_workbook(path).properties
        assert props.created == datetime(2026, 11, 23, 0, 0) and props.modified == datetime(2026, 11, 23, 0, 0)


def test_datapackage_describes_every_download(small_site: SmallSite) -> None:
    package = json.loads((folder(small_site) / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "data-package"
    assert package["name"] == "hoctap-tay-ninh"
    assert package["created"] == "2026-11-23T00:00:00+00:00"
    assert "MẪU" not in package["description"]
    assert "Thông tư 24/2023/TT-BGDĐT" in package["description"]
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names)) == 3 * len(YEARS) + 2  # CSV, XLSX, JSON per year; CSV, XLSX of all years
    for resource in package["resources"]:
        path = folder(small_site) / resource["path"]
        assert path.is_file(), resource["path"]
        assert resource["bytes"] == path.stat().st_size
        assert resource["name"] == resource["name"].lower()
    by_name = {r["name"]: r for r in package["resources"]}
    points = by_name["ket-qua-2023-csv"]
    assert points["profile"] == "tabular-data-resource" and points["mediatype"] == "text/csv"
    fields = {f["name"]: f["type"] for f in points["schema"]["fields"]}
    assert fields["tong_diem"] == "number" and fields["hang"] == "integer" and fields["ten_don_vi"] == "string"
    assert fields["ngay_gui"] == "date"
    assert points["encoding"] == "utf-8-sig"
    sheet_fields = {f["name"]: f["type"] for f in by_name["ket-qua-2023-xlsx"]["schema"]["fields"]}
    assert sheet_fields["Tổng điểm"] == "number" and sheet_fields["Hạng"] == "integer"
    assert sheet_fields["Ngày nộp"] == "date" and sheet_fields["Xếp loại"] == "string"
    levels = {f["name"]: f["type"] for f in by_name["ket-qua-2024-csv"]["schema"]["fields"]}
    assert levels["muc_dat"] == "integer" and levels["chi_tieu_1.1"] == "string" and levels["ngay_quyet_dinh"] == "date"
    assert [f["name"] for f in points["schema"]["fields"]] == csv_rows(small_site, 2023)[0]


def test_sample_datapackage_says_sample(sample_site: Path) -> None:
    package = json.loads((sample_site / "du-lieu" / "datapackage.json").read_text(encoding="utf-8"))
    assert "DỮ LIỆU MẪU" in package["description"]


def test_downloads_page_links_each_file(small_site: SmallSite) -> None:
    doc = BeautifulSoup((folder(small_site) / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {str(a["href"]).split("/du-lieu/")[-1] for a in doc.select("ul.tep a")}
    assert hrefs == ({f"ket-qua-{y}.{ext}" for y in YEARS for ext in ("csv", "json", "xlsx")}
                     | {f"ket-qua-tat-ca-cac-nam.{ext}" for ext in ("csv", "xlsx")})
    for href in hrefs:
        assert (folder(small_site) / href).is_file()
    years = [th.get_text(strip=True) for th in doc.select("tbody th[scope=row]")]
    assert years == ["2025", "2024", "2023"]
    text = doc.get_text(" ", strip=True)
    assert "Thông tư 24/2023/TT-BGDĐT" in text and "Thông tư 22/2020/TT-BGDĐT" in text


def test_dates_in_the_xlsx_are_dates(small_site: SmallSite) -> None:
    _, body = sheet(small_site, 2024)
    gd = {r["Mã đơn vị"]: r for r in body}["so-gd-dt"]
    assert gd["Ngày nộp"] in (datetime(2025, 1, 10), date(2025, 1, 10))
    assert gd["Ngày quyết định"] in (datetime(2025, 2, 10), date(2025, 2, 10))


def test_xlsx_opens_like_a_finished_sheet(small_site: SmallSite) -> None:
    """Labels and not codes, real dates shown dd/mm/yyyy, column widths, a frozen bold header, the CSV's columns."""
    for year in YEARS:
        wb = load_workbook(folder(small_site) / f"ket-qua-{year}.xlsx")
        ws = wb[f"Kết quả {year}"]
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        header = [c.value for c in ws[1]]
        columns, _ = csv_rows(small_site, year)
        assert len(header) == len(columns)  # the same columns as the CSV, in the same order
        assert ws.max_column == len(header)  # the dimension covers the whole header: no short rows
        widths = {ws.column_dimensions[get_column_letter(i + 1)].width for i in range(len(header))}
        assert min(widths) >= 7 and max(widths) >= 40  # the unit's name gets room
        for row in ws.iter_rows(min_row=2):
            assert len(row) == len(header)
    _, body = sheet(small_site, 2024)
    gd = {r["Mã đơn vị"]: r for r in body}["so-gd-dt"]
    assert gd["Cấp"] == "Cấp tỉnh" and gd["Tình trạng nộp"] in ("Đúng hạn", "Trễ hạn")
    assert gd["Chỉ tiêu 1.1"] == "Đạt"
    ws = load_workbook(folder(small_site) / "ket-qua-2024.xlsx")["Kết quả 2024"]
    col = [c.value for c in ws[1]].index("Ngày nộp") + 1
    cell = ws.cell(row=2, column=col)
    assert isinstance(cell.value, datetime) and cell.number_format.upper() == "DD/MM/YYYY"


def test_all_years_in_one_csv_and_one_xlsx(small_site: SmallSite) -> None:
    with (folder(small_site) / "ket-qua-tat-ca-cac-nam.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns, rows = list(reader.fieldnames or []), list(reader)
    assert columns[:5] == ["nam", "ma_don_vi", "ten_don_vi", "khoi", "can_cu"]
    assert {"hang", "tong_diem", "xep_loai", "muc_dat", "chi_tieu_2.4", "so_quyet_dinh", "ngay_gui"} <= set(columns)
    assert len(columns) == len(set(columns))
    per_year = sum(len(csv_rows(small_site, y)[1]) for y in YEARS)
    assert len(rows) == per_year and sorted({r["nam"] for r in rows}) == [str(y) for y in YEARS]
    by_key = {(r["nam"], r["ma_don_vi"]): r for r in rows}
    assert by_key[("2023", "so-noi-vu")]["tong_diem"] == "88.5" and by_key[("2023", "so-noi-vu")]["muc_dat"] == ""
    assert by_key[("2024", "so-noi-vu")]["muc_dat"] == "0" and by_key[("2024", "so-noi-vu")]["tong_diem"] == ""
    assert by_key[("2024", "so-noi-vu")]["can_cu"] == "tt24-2023"
    wb = load_workbook(folder(small_site) / "ket-qua-tat-ca-cac-nam.xlsx")
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert len(header) == len(columns) and ws.max_row == per_year + 1
    values = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert values[(2024, "so-noi-vu")]["Căn cứ đánh giá"] == "Thông tư 24/2023/TT-BGDĐT"


def test_the_all_years_csv_schema_made_from_its_blocks_is_the_one_read_from_the_whole_file(small_site: SmallSite) -> None:
    package = json.loads((folder(small_site) / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "ket-qua-tat-ca-cac-nam-csv")
    assert resource["schema"] == csv_schema(folder(small_site) / "ket-qua-tat-ca-cac-nam.csv")
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    # Points in the Thông tư 22/2020 years and blanks in the others: typed by the years that have them.
    assert types["tong_diem"] == "number" and types["muc_dat"] == "integer" and types["ngay_gui"] == "date"


def test_an_all_years_block_taken_from_the_years_table_is_the_block_made_from_its_rows(small_site: SmallSite) -> None:
    """Hostile text (quotes, formulas, line breaks), blanks, points and levels years: the same bytes either way."""
    data = SiteData(load_results_folder(small_site.project / ".hoctap" / "ket-qua"))
    every = all_years_columns([rubric_columns(data.rubric(y)) for y in data.years], {})
    for year in data.years:
        yr = data.year(year)
        lines, rows = block_lines(yr, every)
        assert lines == csv_lines(yr.results, every, header=False), year
        assert rows == list(csv.reader(io.StringIO(lines.decode("utf-8"), newline=""))), year


def test_the_csv_tables_are_what_pandas_writes_for_the_same_cells(small_site: SmallSite) -> None:
    """`csv_lines` writes with the csv module what `DataFrame.to_csv` wrote before (object columns: 10 stays
    10 beside 9.5, None is an empty field, quotes and line breaks quoted): hostile text, blanks, both laws."""
    data = SiteData(load_results_folder(small_site.project / ".hoctap" / "ket-qua"))
    every = all_years_columns([rubric_columns(data.rubric(y)) for y in data.years], {})
    for year in data.years:
        for columns in (rubric_columns(data.rubric(year)), every):
            rows = data.year(year).results
            cells = {c.name: [neutralise(c.code(r)) for r in rows] for c in columns}
            expected = pd.DataFrame(cells, columns=[c.name for c in columns], dtype=object).to_csv(
                index=False, lineterminator="\n").encode("utf-8")
            assert csv_lines(rows, columns) == expected, year


def test_a_csv_field_is_written_as_pandas_wrote_it_whatever_its_value() -> None:
    """NaN (from a results file edited by hand) is an empty field; 10 stays 10 beside 9.5; text is quoted."""
    values: list[Any] = [None, float("nan"), Decimal("NaN"), 10, 9.5, Decimal("8.25"), True, date(2026, 1, 14),
                         "=1+1", 'a "b", c', "dòng\r\nmới", " lề ", ""]
    rows = cast(list[ResultRow], list(range(len(values))))
    columns = [Column("x", "X", lambda r: values[cast(int, r)]), Column("y", "Y", lambda r: "ổn")]
    expected = pd.DataFrame({"x": [neutralise(v) for v in values], "y": ["ổn"] * len(values)}, dtype=object).to_csv(
        index=False, lineterminator="\n").encode("utf-8")
    assert csv_lines(rows, columns) == expected


@pytest.mark.parametrize("seed", range(20))
def test_a_type_merged_from_blocks_is_the_type_of_their_values_together(seed: int) -> None:
    rng = random.Random(seed)
    values = ["", "", "7", "-3", "8.5", "1e3", "nan", "2025-01-14", "2025-13-40", "đạt", "0012"]
    blocks = [[rng.choice(values) for _ in range(rng.randint(0, 4))] for _ in range(rng.randint(1, 4))]
    expected = csv_types([[v] for block in blocks for v in block], 1)[0] or "string"
    assert merged_type(csv_types([[v] for v in block], 1)[0] for block in blocks) == expected


def test_frictionless_validates_the_package(small_site: SmallSite) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.Package(str(folder(small_site) / "datapackage.json")).validate()
    errors = [f"{task.name}: {e.type}: {e.note}" for task in report.tasks for e in task.errors]
    assert report.valid, errors[:10]
    assert {task.name for task in report.tasks} >= {"ket-qua-2023-xlsx", "ket-qua-tat-ca-cac-nam-csv"}
