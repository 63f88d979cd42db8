"""The downloads folder: copies of the results, a formula-safe XLSX, a valid datapackage.json, no private column."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from site_fixtures import HOSTILE_FORMULA, YEARS

PRIVATE_WORDS = ("email", "e-mail", "thư điện tử", "điện thoại", "phone", "người báo cáo", "reporter", "họ tên")


@pytest.mark.parametrize("year", YEARS)
def test_csv_and_json_are_copied_unchanged(built_site: Path, site_results: Path, year: int) -> None:
    for ext in ("csv", "json"):
        name = f"ket-qua-{year}.{ext}"
        assert (built_site / "du-lieu" / name).read_bytes() == (site_results / name).read_bytes()


def test_xlsx_holds_the_public_results_with_formulas_neutralised(built_site: Path) -> None:
    wb = load_workbook(built_site / "du-lieu" / "ket-qua-2025.xlsx")
    ws = wb["Kết quả 2025"]
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Năm", "Mã đơn vị", "Tên đơn vị", "Khối")
    assert "Chỉ số 3.1" in header and "Tổng điểm" in header and "Cơ sở điểm" in header
    assert [r[header.index("Mã đơn vị")] for r in body] == ["so-gd-dt", "so-noi-vu", "hoi-lhpn", "ban-thu-nghiem"]
    by_id = {r[header.index("Mã đơn vị")]: dict(zip(header, r, strict=True)) for r in body}
    assert by_id["so-noi-vu"]["Tổng điểm"] == 88.5  # a number, not text
    assert by_id["so-noi-vu"]["Cơ sở điểm"] == "đã thẩm định"
    assert [by_id[u]["Hạng"] for u in ("so-gd-dt", "so-noi-vu", "hoi-lhpn", "ban-thu-nghiem")] == [1, 2, 2, 4]
    note = by_id["ban-thu-nghiem"]["Ghi chú của đơn vị"]
    assert isinstance(note, str) and note.startswith("'" + HOSTILE_FORMULA)
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.coordinate
    rejected = list(wb["Bị từ chối"].iter_rows(values_only=True))
    assert rejected[1][1] == "so-y-te" and "ô D23" in rejected[1][4]


def test_no_private_column_in_any_download(built_site: Path) -> None:
    folder = built_site / "du-lieu"
    headers: list[str] = []
    for xlsx in folder.glob("*.xlsx"):
        for ws in load_workbook(xlsx).worksheets:
            headers += [str(c.value) for c in ws[1]]
    for csv_file in folder.glob("*.csv"):
        headers += csv_file.read_text(encoding="utf-8").splitlines()[0].split(",")
    for json_file in folder.glob("ket-qua-*.json"):
        data = json.loads(json_file.read_text(encoding="utf-8"))
        headers += [k for r in data["results"] for k in r]
    assert headers
    lowered = [h.lower() for h in headers]
    for word in PRIVATE_WORDS:
        assert not any(word in h for h in lowered), word


def test_xlsx_is_reproducible(built_site: Path) -> None:
    with zipfile.ZipFile(built_site / "du-lieu" / "ket-qua-2025.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 23, 8, 0, 0)}  # index.json's `generated`
    props = load_workbook(built_site / "du-lieu" / "ket-qua-2025.xlsx").properties
    assert props.created is not None and props.created.isoformat().startswith("2026-11-23T08:00")
    assert props.modified is not None and props.modified.isoformat().startswith("2026-11-23T08:00")  # not the clock


def test_datapackage_describes_every_download(built_site: Path) -> None:
    folder = built_site / "du-lieu"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "data-package"
    assert package["name"] == "hoctap-long-an"
    assert "DỮ LIỆU MẪU" in package["description"]
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names)) == 3 * len(YEARS)
    for resource in package["resources"]:
        path = folder / resource["path"]
        assert path.is_file(), resource["path"]
        assert resource["bytes"] == path.stat().st_size
        assert resource["name"] == resource["name"].lower()
    csv_2025 = next(r for r in package["resources"] if r["name"] == "ket-qua-2025-csv")
    assert csv_2025["profile"] == "tabular-data-resource" and csv_2025["mediatype"] == "text/csv"
    fields = {f["name"]: f["type"] for f in csv_2025["schema"]["fields"]}
    assert fields["tong_diem"] == "number" and fields["hang"] == "integer" and fields["ten_don_vi"] == "string"


def test_downloads_page_links_each_file(built_site: Path) -> None:
    from bs4 import BeautifulSoup

    doc = BeautifulSoup((built_site / "du-lieu" / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"].split("/du-lieu/")[-1] for a in doc.select("ul.tep a")}
    assert hrefs == {f"ket-qua-{y}.{ext}" for y in YEARS for ext in ("csv", "json", "xlsx")}
    for href in hrefs:
        assert (built_site / "du-lieu" / href).is_file()
