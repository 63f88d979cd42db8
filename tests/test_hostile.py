"""Hostile and careless input: every case ends in a documented exit status with one Vietnamese line, no traceback,
counts that reconcile, no private value in any output.

The corpus is generated into each test's folder from the table `CASES` below:
each case names its files, the command, the exit status, words the message
must hold, and — for data cases — the counts `hoctap score --json` must report.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support import ROOT_REPO, hoctap, levels_row, make_project, row, wide_csv

from hoctap import pipeline
from hoctap.project import Project

Files = Callable[[Path], None]
EMAIL = "lien.he.rieng@gmail.com"
PHONE = "0912 345 678"


@dataclass(frozen=True)
class Case:
    name: str
    files: Files
    args: tuple[str, ...]
    exit: int
    message: tuple[str, ...] = ()  # words the one stderr line (exit 1/2) or stdout (exit 0) must hold
    counts: tuple[int, int, int] | None = None  # read, scored, rejected of `score --json` on the same source
    codes: tuple[str, ...] = ()  # rejection codes that must appear
    private: tuple[str, ...] = (EMAIL, PHONE)  # values that must appear in no output
    settings: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def csv_rows(n: int, year: int = 2023) -> list[dict[str, str]]:
    units = ["so-noi-vu", "so-tu-phap", "so-kh-dt", "so-tai-chinh", "so-cong-thuong", "so-nn-ptnt", "so-gtvt",
             "so-xay-dung", "so-tn-mt", "so-tt-tt", "so-ld-tb-xh", "so-vh-tt-dl", "so-kh-cn", "so-gd-dt", "so-y-te"]
    return [row(units[i % len(units)], year - i // len(units)) for i in range(n)]


def stray_quote(folder: Path) -> None:
    """A stray opening quote in row 2's note swallows the rest of a 49-row file."""
    text = wide_csv(csv_rows(49)).decode("utf-8").splitlines()
    head, second = text[0], text[2]
    text[2] = second + ',"ghi chú bị cắt'
    write(folder / "nguon.csv", "\n".join([head + ",ghi_chu", *text[1:]]) + "\n")


def duplicated_column(folder: Path) -> None:
    data = wide_csv([row("so-y-te", 2023), row("so-gd-dt", 2023)]).decode("utf-8").splitlines()
    data[0] += ",1.1"
    data[1:] = [line + ",0" for line in data[1:]]
    write(folder / "nguon.csv", "\n".join(data) + "\n")


def huge_field(folder: Path) -> None:
    write(folder / "nguon.csv", wide_csv([row("so-y-te", 2023, ghi_chu="x" * 200_000)]))


def private_values(folder: Path) -> None:
    write(folder / "nguon.csv", wide_csv([row("so-y-te", 2023, **{"1_1": EMAIL, "1_2": PHONE}),
                                          row("so-gd-dt", 2023, ngay_gui=PHONE), row("so-tu-phap", 2023)]))


def future_year(folder: Path) -> None:
    write(folder / "nguon.csv", wide_csv([row("so-y-te", 2042), row("so-gd-dt", 2019), row("so-tu-phap", 2023)]))


def unreadable_year(folder: Path) -> None:
    write(folder / "nguon.csv", wide_csv([row("so-y-te", "năm ngoái"), row("so-gd-dt", 2023)]))


def hostile_ids(folder: Path) -> None:
    ids = ["Sở Y tế tỉnh Long An", "../x", "???", "—", "a" * 300, "SO-Y-TE\x00", "so y te"]
    write(folder / "nguon.csv", wide_csv([row(i, 2023) for i in ids] + [row("so-gd-dt", 2023)]))


def control_characters(folder: Path) -> None:
    write(folder / "nguon.csv", wide_csv([row("so-y-te", 2023, ghi_chu="đã gửi\x00\x1b[31m bản giấy\x07"),
                                          row("so-gd-dt", 2023, **{"1_1": "8\x00"})]))


def many_duplicates(folder: Path) -> None:
    write(folder / "nguon.csv", wide_csv([row("so-y-te", 2023)] * 2_000))


def levels_bad_values(folder: Path) -> None:
    write(folder / "nguon.csv", wide_csv([
        levels_row("tn-so-y-te", 2025, level=3),
        levels_row("tn-so-tu-phap", 2025, **{"2_1": "101", "1_1": "có"}),
        levels_row("thpt-chuyen-long-an", 2025, loai="thpt", **{"3_4": "khá"}),
        levels_row("tn-so-noi-vu", 2025, so_thanh_vien=""),
    ]))


def xlsm_in_folder(folder: Path) -> None:
    write(folder / "nguon" / "a.csv", wide_csv([row("so-y-te", 2023)]))
    write(folder / "nguon" / "b.xlsm", b"PK\x03\x04 macro workbook")


def not_a_workbook(folder: Path) -> None:
    write(folder / "nguon.xlsx", b"this is not a zip")


def _template(folder: Path, year: int = 2023) -> Path:
    project = Project.open(folder)
    _, layouts, instructions = pipeline.year_tabs(project, year)
    from intake.workbook import build_workbook

    wb = build_workbook(layouts[:3], instructions)
    for layout in layouts[:3]:
        ws = wb[layout.title]
        for r in layout.indicator_rows.values():
            ws.cell(r, 4).value = 5
    path = folder / "nguon.xlsx"
    wb.save(path)
    return path


def _rewrite_zip(path: Path, member: str, edit: Callable[[bytes], bytes | None]) -> None:
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                new = edit(data)
                if new is None:
                    continue
                data = new
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())


def missing_sheet_part(folder: Path) -> None:
    _rewrite_zip(_template(folder), "xl/worksheets/sheet3.xml", lambda data: None)


def malformed_sheet_xml(folder: Path) -> None:
    _rewrite_zip(_template(folder), "xl/worksheets/sheet2.xml", lambda data: data[: len(data) // 2])


def entity_bomb(folder: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
            b'</sheetData></worksheet>')
    _rewrite_zip(_template(folder), "xl/worksheets/sheet2.xml", lambda data: bomb)


def far_cell(folder: Path) -> None:
    path = _template(folder)
    wb = load_workbook(path)
    wb.worksheets[1]["XFD1048576"] = "xa"
    wb.save(path)


def repeated_indicator_row(folder: Path) -> None:
    path = _template(folder)
    wb = load_workbook(path)
    ws = wb.worksheets[1]
    ws.cell(ws.max_row + 3, 1, "1.1")
    ws.cell(ws.max_row, 4, 0)
    wb.save(path)


def hidden_tab(folder: Path) -> None:
    path = _template(folder)
    wb = load_workbook(path)
    wb.worksheets[2].sheet_state = "hidden"
    wb.save(path)


def tab_naming_another_unit(folder: Path) -> None:
    path = _template(folder)
    wb = load_workbook(path)
    ws = wb.worksheets[1]
    ws["D4"] = wb.worksheets[2]["D4"].value  # the unit-id cell of tab 1 names tab 2's unit
    wb.save(path)


def damaged_archive_index(folder: Path) -> None:
    write(folder / "nguon.csv", wide_csv([row("so-y-te", 2023)]))
    write(folder / "content" / "data" / "snapshots" / "index.jsonl", '{"sha256": "x"}\nkhông phải json\n')


def weak_registry(folder: Path) -> None:
    write(folder / "units.csv", "id,name,short_name,group,level,reviewing_body,first_year,last_year\n"
                                "So-Y-Te,,Sở Y tế,Khối chính quyền,Cấp tỉnh,Sở GD&ĐT,2020,\nngan\n")
    write(folder / "nguon.csv", wide_csv([row("so-y-te", 2023)]))


def registry_not_utf8(folder: Path) -> None:
    write(folder / "units.csv", "id,name,short_name,group,level,reviewing_body,first_year,last_year\n"
                                "so-y-te,Sở Y tế,Sở Y tế,Khối,Cấp tỉnh,Sở,2020,\n".encode("utf-16"))
    write(folder / "nguon.csv", wide_csv([row("so-y-te", 2023)]))


CSV = ("score", "--source", "nguon.csv")
XLSX = ("score", "--source", "nguon.xlsx")
CASES = [
    Case("dấu ngoặc kép lạc nuốt các dòng sau", stray_quote, CSV, 1, ("nguon.csv", "dòng 3", "ngoặc kép")),
    Case("cột 1.1 lặp hai lần", duplicated_column, CSV, 1, ("nguon.csv", "cột «1.1» có hai lần")),
    Case("ô CSV quá dài", huge_field, CSV, 1, ("nguon.csv", "dòng 2", "quá dài")),
    Case("e-mail và số điện thoại trong ô số", private_values, CSV, 0, counts=(3, 1, 2),
         codes=("khong-phai-so", "ngay-khong-hop-le")),
    Case("năm gõ nhầm 2042 và năm trước bộ tiêu chí", future_year, CSV, 0, counts=(3, 1, 2), codes=("nam-khong-hop-le",)),
    Case("năm không đọc được chỉ tính một lần", unreadable_year, CSV, 0, counts=(2, 1, 1), codes=("nam-khong-hop-le",)),
    Case("mã đơn vị lạ, trùng slug, quá dài", hostile_ids, CSV, 0, counts=(8, 2, 6), codes=("ma-don-vi-khong-ro",)),
    Case("ký tự điều khiển trong ô", control_characters, CSV, 0, counts=(2, 2, 0)),  # stripped, then read
    Case("2.000 bản sao cùng đơn vị, cùng năm", many_duplicates, CSV, 0, counts=(2000, 0, 2000), codes=("trung-lap",)),
    Case("giá trị sai của Thông tư 24/2023", levels_bad_values, CSV, 0, counts=(4, 0, 4),
         codes=("muc-khong-hop-le", "vuot-so-thanh-vien", "khong-phai-dat", "muc-cds-khong-hop-le", "thieu-thong-tin")),
    Case("tệp .xlsm trong thư mục nguồn", xlsm_in_folder, ("score", "--source", "nguon"), 1, ("b.xlsm", ".xlsx")),
    Case("tệp .xlsx không phải zip", not_a_workbook, XLSX, 1, ("nguon.xlsx", "không mở được")),
    Case("tệp Excel thiếu một trang tính", missing_sheet_part, XLSX, 1, ("nguon.xlsx", "thiếu")),
    Case("XML của trang tính hỏng", malformed_sheet_xml, XLSX, 1, ("nguon.xlsx",)),
    Case("bom thực thể XML", entity_bomb, XLSX, 1, ("nguon.xlsx",)),
    Case("một ô ở XFD1048576", far_cell, XLSX, 0, counts=(3, 2, 1), codes=("vung-qua-lon",)),
    Case("dòng chỉ số 1.1 lặp dưới bảng", repeated_indicator_row, XLSX, 0, counts=(3, 2, 1), codes=("dong-trung",)),
    Case("trang tính bị ẩn", hidden_tab, XLSX, 0, counts=(3, 2, 1), codes=("trang-an",)),
    Case("ô mã đơn vị ghi đơn vị của trang khác", tab_naming_another_unit, XLSX, 0, counts=(3, 1, 2),
         codes=("trang-sai-don-vi",)),
    Case("index.jsonl của kho bản lưu hỏng một dòng", damaged_archive_index, CSV, 0, counts=(1, 1, 0)),
    Case("danh mục có dòng thiếu tên và dòng ngắn", weak_registry, CSV, 1, ("units.csv", "dòng 2", "dòng 3"),
         settings='registry = "units.csv"\n'),
    Case("danh mục không phải UTF-8", registry_not_utf8, CSV, 1, ("units.csv", "UTF-8"), settings='registry = "units.csv"\n'),
    Case("--json vào thư mục không có", lambda folder: write(folder / "nguon.csv", wide_csv([row("so-y-te", 2023)])),
         ("score", "--source", "nguon.csv", "--json", "khong-co/ket-qua.json"), 1, ("khong-co",)),
    Case("cổng không hợp lệ", lambda folder: None, ("serve", "--port", "0"), 2, ("cổng",)),
]


def outputs(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*")
                     if p.is_file() and p.suffix in {".json", ".csv", ".html", ".txt"} and "nguon" not in p.name)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_ends_in_a_message_not_a_traceback(case: Case, tmp_path: Path) -> None:
    project = make_project(tmp_path, settings=case.settings)
    case.files(project)
    done = hoctap(*case.args, cwd=project, env=case.extra)
    assert done.returncode == case.exit, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr.replace("lỗi:", "")
    if case.exit:
        lines = done.stderr.strip().splitlines()
        assert lines and re.match(r"hoctap( \S+)?: lỗi", lines[-1]), done.stderr
        for word in case.message:
            assert word in lines[-1], (word, lines[-1])
    else:
        for word in case.message:
            assert word in done.stdout, (word, done.stdout[-2000:])
    for value in case.private:
        assert value not in done.stdout + done.stderr
    if case.counts is not None:
        scored = hoctap(*case.args, "--json", "-", cwd=project)
        doc = json.loads(scored.stdout)
        c = doc["counts"]
        assert (c["read"], c["scored"], c["rejected"]) == case.counts
        assert c["read"] == c["scored"] + c["rejected"]
        codes = {code for r in doc["rejected"] for code in r["codes"]}
        assert set(case.codes) <= codes, codes
        for value in case.private:
            assert value not in scored.stdout


PUBLISHED_CASES = [c for c in CASES if c.exit == 0 and c.files in (private_values, hostile_ids, control_characters,
                                                                 future_year)]


@pytest.mark.parametrize("case", PUBLISHED_CASES, ids=[c.name for c in PUBLISHED_CASES])
def test_hostile_rows_build_a_site_that_leaks_nothing_and_makes_no_page_for_them(case: Case, tmp_path: Path) -> None:
    project = make_project(tmp_path, settings=case.settings)
    case.files(project)
    done = hoctap("build", "--source", "nguon.csv", cwd=project)
    assert done.returncode == 0, done.stderr
    site = project / "output"
    text = outputs(site)
    for value in case.private:
        assert value not in text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    units = {p.parent.name for p in (site / "don-vi").glob("*/index.html")}
    registry = {line.split(",", 1)[0] for line in (ROOT_REPO / "content" / "data" / "units.csv").read_text().splitlines()[1:]}
    assert units <= registry  # a rejected row is data, never a page
    assert not (site / "xep-hang" / "2042").exists() and not (site / "ket-qua" / "2042").exists()


def test_a_tab_naming_a_unit_without_a_tab_is_rejected_by_build_as_by_score(tmp_path: Path) -> None:
    """`hoctap build` reads each year's key from the wide table before it scores: the tab check must come first,
    or the row, clean but for its tab, would be scored as the unit it names."""
    project = make_project(tmp_path)
    path = _template(project)
    fourth = pipeline.year_tabs(Project.open(project), 2023)[1][3].unit_id  # a unit with no tab in the workbook
    wb = load_workbook(path)
    wb.worksheets[1]["D4"] = fourth
    wb.save(path)
    scored = hoctap("score", "--source", "nguon.xlsx", "--json", "-", cwd=project)
    assert json.loads(scored.stdout)["counts"] == {"read": 3, "scored": 2, "rejected": 1}
    done = hoctap("build", "--source", "nguon.xlsx", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "2 phiếu hợp lệ, 1 bị từ chối" in done.stdout.splitlines()[-1]
    results = (project / ".hoctap" / "ket-qua").glob("ket-qua-*.json")
    assert any("trang-sai-don-vi" in path.read_text(encoding="utf-8") for path in results)


def test_a_tab_naming_another_unit_in_a_workbook_a_rebuild_reads_late_is_rejected_once(tmp_path: Path) -> None:
    """A rebuild reads a workbook its record of the sources knows only once a year the workbook holds is scored
    again (here because another file of that year changed): its tabs are checked then, as the others were, once."""
    project = make_project(tmp_path)
    path = _template(project)
    fourth, fifth = (layout.unit_id for layout in pipeline.year_tabs(Project.open(project), 2023)[1][3:5])
    wb = load_workbook(path)
    wb.worksheets[1]["D4"] = fourth
    wb.save(path)
    (project / "nguon").mkdir()
    path.rename(project / "nguon" / "ho-so.xlsx")
    write(project / "nguon" / "them.csv", wide_csv([row(fifth, 2023)]))
    first = hoctap("build", "--source", "nguon", cwd=project)
    assert first.returncode == 0, first.stderr
    results = project / ".hoctap" / "ket-qua" / "ket-qua-2023.json"
    rejected = json.loads(results.read_text(encoding="utf-8"))["rejected"]
    assert [c for r in rejected for c in r["codes"]] == ["trang-sai-don-vi"]
    # The same row with a line ending more: the same rows in other bytes, so 2023 is scored again.
    write(project / "nguon" / "them.csv", wide_csv([row(fifth, 2023)]) + b"\n")
    intake = pipeline.collect(Project.open(project), project / "nguon", defer=True)
    assert intake.unread is not None and [intake.collected.sources[i].origin for i in intake.unread.files] == ["ho-so.xlsx"]
    again = hoctap("build", "--source", "nguon", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "3 phiếu hợp lệ, 1 bị từ chối" in again.stdout.splitlines()[-1]
    assert json.loads(results.read_text(encoding="utf-8"))["rejected"] == rejected
