"""`hoctap template --google`: the shared spreadsheet laid out like the .xlsx, protected, and safe to re-run.

Real gspread talks to the local Sheets server (`sheets_server` fixture) over a socket.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sheets_server import OWNER, SheetsServer

from intake.errors import IntakeError
from intake.layout import INSTRUCTIONS_TAB, N_COLS, STATUS_CELL, TabLayout, build_layout, header_cell
from intake.settings import Settings
from intake.sheets_setup import box, setup_spreadsheet
from intake.workbook import write_template
from scoring.registry import load_registry
from scoring.rubric import rubric_for_year

# The yellow (#FFF2CC) the instructions tell agencies to type into, as the Sheets API writes colours.
INPUT_UNIT = {"red": 1.0, "green": 0xF2 / 255, "blue": 0xCC / 255}

SID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-long"
REGISTRY = load_registry()
YEAR = 2025


def layout_of(unit_id: str) -> TabLayout:
    unit = REGISTRY.get(unit_id)
    assert unit is not None
    return build_layout(rubric_for_year(YEAR), unit, YEAR, "ngày 31/01/2026")


def entered(cell: dict[str, Any]) -> Any:
    value = cell.get("userEnteredValue")
    if not value:
        return None
    ((_, v),) = value.items()
    return v


@pytest.fixture
def laid_out(sheets_server: SheetsServer, sheets_settings: Settings) -> SheetsServer:
    sheets_server.create(SID)
    setup_spreadsheet(SID, YEAR, sheets_settings)
    sheets_server.reset_counts()
    return sheets_server


def test_setup_adds_instructions_and_one_tab_per_active_unit_in_one_read_and_one_write(
    sheets_server: SheetsServer, sheets_settings: Settings
) -> None:
    sheets_server.create(SID)
    report = setup_spreadsheet(SID, YEAR, sheets_settings)
    titles = [s.title for s in sheets_server.books[SID].sheets]
    active = REGISTRY.active(YEAR)
    assert titles[0] == INSTRUCTIONS_TAB
    assert "Trang tính1" in titles  # Google's default tab is left alone: it may hold someone's notes
    assert len(report.added_tabs) == 1 + len(active) == 35
    assert "TX Kiến Tường" not in titles  # district units ended in 2024
    assert sheets_server.calls == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    assert report.api_calls == 2 and report.batch_updates == 1
    assert "thêm 35 trang" in report.summary()


def test_new_tabs_are_sized_to_the_layout_not_googles_1000_by_26(laid_out: SheetsServer) -> None:
    sheet = laid_out.books[SID].sheet("Sở Y tế")
    assert (sheet.rows, sheet.cols) == (layout_of("so-y-te").n_rows, N_COLS)


def test_google_tabs_hold_the_same_texts_formulas_and_merges_as_the_xlsx_template(
    laid_out: SheetsServer, tmp_path: Path
) -> None:
    path = tmp_path / "phieu.xlsx"
    write_template(path, YEAR, REGISTRY, date(2026, 1, 31))
    wb = load_workbook(path)
    book = laid_out.books[SID]
    assert [ws.title for ws in wb.worksheets] == [s.title for s in book.sheets if s.title != "Trang tính1"]
    for ws in wb.worksheets:
        sheet = book.sheet(ws.title)
        xlsx_cells = {(c.row - 1, c.column - 1): c.value for row in ws.iter_rows() for c in row if c.value is not None}
        google_cells = {pos: entered(c) for pos, c in sheet.cells.items() if entered(c) is not None}
        assert google_cells == xlsx_cells, ws.title
        assert {box(str(m)) for m in ws.merged_cells.ranges} == set(sheet.merges), ws.title


def test_input_cells_are_yellow_with_strict_checks_and_vietnamese_hints(laid_out: SheetsServer) -> None:
    row = layout_of("so-y-te").indicator_rows["3.1"]
    points = laid_out.cell(SID, "Sở Y tế", f"D{row}")
    assert points["userEnteredFormat"]["backgroundColor"] == INPUT_UNIT
    rule = points["dataValidation"]
    assert rule["strict"] is True
    assert rule["condition"] == {"type": "NUMBER_BETWEEN", "values": [{"userEnteredValue": "0"},
                                                                      {"userEnteredValue": "25"}]}
    assert rule["inputMessage"].startswith("Nhập một số từ 0 đến 25")
    verified = laid_out.cell(SID, "Sở Y tế", f"F{row}")
    assert verified["dataValidation"]["condition"]["type"] == "NUMBER_BETWEEN"
    assert "backgroundColor" in verified["userEnteredFormat"] and verified["userEnteredFormat"]["backgroundColor"] != INPUT_UNIT
    members = laid_out.cell(SID, "Sở Y tế", header_cell("so_thanh_vien"))["dataValidation"]
    assert members["condition"] == {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]}
    choice = laid_out.cell(SID, "Sở Y tế", header_cell("ban_khuyen_hoc"))["dataValidation"]
    assert choice["condition"]["type"] == "ONE_OF_LIST" and choice["showCustomUi"] is True
    assert [v["userEnteredValue"] for v in choice["condition"]["values"]] == ["Có", "Không"]
    when = laid_out.cell(SID, "Sở Y tế", header_cell("ngay_gui"))
    assert when["dataValidation"]["condition"] == {"type": "DATE_IS_VALID"}
    assert when["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    title = laid_out.cell(SID, "Sở Y tế", "A1")["userEnteredFormat"]
    assert title["textFormat"]["bold"] is True and title["wrapStrategy"] == "WRAP"
    widths = laid_out.books[SID].sheet("Sở Y tế").widths
    assert widths[1] > widths[0]  # the indicator text column is the wide one
    heights = laid_out.books[SID].sheet("Sở Y tế").heights
    assert heights[row - 1] > 21 and heights[row - 1] == 20 * layout_of("so-y-te").row_lines[row]  # wrapped text shows


def test_unit_inputs_are_editable_by_that_units_editors_reviewer_cells_by_the_reviewers_rest_by_owner(
    laid_out: SheetsServer,
) -> None:
    sheet = laid_out.books[SID].sheet("Sở Y tế")
    whole = [p for p in sheet.protected if set(p["range"]) == {"sheetId"}]
    assert len(whole) == 1 and whole[0]["warningOnly"] is False
    assert whole[0]["editors"]["users"] == [OWNER]  # nobody but the owner (and the service account)
    ranges = [p for p in sheet.protected if p is not whole[0]]
    unit_ranges = [p for p in ranges if "ô nhập của đơn vị" in p["description"]]
    reviewer_ranges = [p for p in ranges if "thẩm định" in p["description"]]
    assert unit_ranges and reviewer_ranges and len(unit_ranges) + len(reviewer_ranges) == len(ranges)
    for p in unit_ranges:
        assert set(p["editors"]["users"]) == {"nhaplieu@syt.longan.gov.vn", "pho.phong@syt.longan.gov.vn", OWNER}
        assert p["warningOnly"] is False
    for p in reviewer_ranges:
        assert set(p["editors"]["users"]) == {"thamdinh@sgddt.longan.gov.vn", OWNER}
    # Every protected input range is excepted from the sheet protection, or nobody could type there.
    excepted = {tuple(sorted(u.items())) for u in whole[0]["unprotectedRanges"]}
    assert excepted == {tuple(sorted(p["range"].items())) for p in ranges}
    # The status cell is not an input: write-back owns it.
    status = box(STATUS_CELL)
    for p in ranges:
        r = p["range"]
        assert not (r["startRowIndex"] <= status[0] < r["endRowIndex"]
                    and r["startColumnIndex"] <= status[2] < r["endColumnIndex"])
    other = [p for p in laid_out.books[SID].sheet("Sở Tư pháp").protected if "ô nhập của đơn vị" in p["description"]]
    assert all("nhaplieu@syt.longan.gov.vn" not in p["editors"]["users"] for p in other)


def test_second_setup_sends_no_batch_update_and_keeps_typed_values(
    laid_out: SheetsServer, sheets_settings: Settings
) -> None:
    laid_out.type_values(SID, "Sở Y tế", header_cell("so_thanh_vien"), [[120]])
    laid_out.type_values(SID, "Sở Y tế", "D20", [["9,5"]])
    report = setup_spreadsheet(SID, YEAR, sheets_settings)
    assert laid_out.calls == {"spreadsheets.get": 1}
    assert report.added_tabs == [] and report.repaired_tabs == [] and report.api_calls == 1
    assert "không cần sửa" in report.summary()
    assert laid_out.value(SID, "Sở Y tế", header_cell("so_thanh_vien")) == 120
    assert laid_out.value(SID, "Sở Y tế", "D20") == "9,5"


def test_setup_repairs_a_tampered_tab_in_one_call_without_touching_typed_values(
    laid_out: SheetsServer, sheets_settings: Settings
) -> None:
    sheet = laid_out.books[SID].sheet("Sở Y tế")
    laid_out.type_values(SID, "Sở Y tế", header_cell("so_cdht"), [[80]])
    laid_out.type_values(SID, "Sở Y tế", "D20", [[7.5]])
    laid_out.type_values(SID, "Sở Y tế", STATUS_CELL, [["Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"]])
    laid_out.type_values(SID, "Sở Y tế", "B4", [["nhãn bị sửa"]])  # a label overwritten
    del sheet.cells[(19, 3)]["dataValidation"]  # a check removed from D20
    sheet.cells[(19, 3)]["userEnteredFormat"] = {}  # its yellow removed
    sheet.merges.pop()  # a merge undone
    sheet.protected = [p for p in sheet.protected if "thẩm định" not in p["description"]]  # reviewer locks gone
    sheet.protected.append({"protectedRangeId": 1, "range": {"sheetId": sheet.sheet_id, "startRowIndex": 0,
                            "endRowIndex": 1}, "description": "khóa của chủ bảng tính", "warningOnly": True})
    untouched = {s.title: (dict(s.cells), list(s.protected)) for s in laid_out.books[SID].sheets if s is not sheet}

    report = setup_spreadsheet(SID, YEAR, sheets_settings)
    assert report.repaired_tabs == ["Sở Y tế"] and report.added_tabs == []
    assert laid_out.calls == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    sheet = laid_out.books[SID].sheet("Sở Y tế")
    assert laid_out.value(SID, "Sở Y tế", "B4") != "nhãn bị sửa"
    assert laid_out.value(SID, "Sở Y tế", header_cell("so_cdht")) == 80
    assert laid_out.value(SID, "Sở Y tế", "D20") == 7.5
    assert laid_out.value(SID, "Sở Y tế", STATUS_CELL) == "Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"
    assert sheet.cells[(19, 3)]["dataValidation"]["strict"] is True
    assert sheet.cells[(19, 3)]["userEnteredFormat"]["backgroundColor"] == INPUT_UNIT
    assert any(p["description"] == "khóa của chủ bảng tính" for p in sheet.protected)  # not ours: kept
    assert sum("thẩm định" in p["description"] for p in sheet.protected) >= 2
    for s in laid_out.books[SID].sheets:
        if s.title in untouched:
            assert (s.cells, s.protected) == untouched[s.title], s.title

    laid_out.reset_counts()
    setup_spreadsheet(SID, YEAR, sheets_settings)
    assert laid_out.calls == {"spreadsheets.get": 1}


def test_changed_editors_update_the_protected_ranges_in_place(
    laid_out: SheetsServer, sheets_settings: Settings
) -> None:
    before = {p["protectedRangeId"] for p in laid_out.books[SID].sheet("Sở Y tế").protected}
    editors = sheets_settings.path("editors_file")
    editors.write_text(editors.read_text(encoding="utf-8").replace("pho.phong@", "moi@"), encoding="utf-8")
    report = setup_spreadsheet(SID, YEAR, sheets_settings)
    assert report.repaired_tabs == ["Sở Y tế"]
    (body,) = [e["body"] for e in laid_out.log if e["kind"] == "spreadsheets.batchUpdate"]
    assert {next(iter(r)) for r in body["requests"]} == {"updateProtectedRange"}
    sheet = laid_out.books[SID].sheet("Sở Y tế")
    assert {p["protectedRangeId"] for p in sheet.protected} == before
    users = {u for p in sheet.protected for u in p["editors"]["users"]}
    assert "moi@syt.longan.gov.vn" in users and "pho.phong@syt.longan.gov.vn" not in users


def test_an_existing_tab_too_small_for_the_layout_is_grown_before_it_is_written(
    sheets_server: SheetsServer, sheets_settings: Settings
) -> None:
    sheets_server.create(SID)
    sheets_server.add_tab(SID, "Sở Y tế", rows=10, cols=3)
    report = setup_spreadsheet(SID, YEAR, sheets_settings)
    sheet = sheets_server.books[SID].sheet("Sở Y tế")
    assert "Sở Y tế" in report.repaired_tabs
    assert (sheet.rows, sheet.cols) == (layout_of("so-y-te").n_rows, N_COLS)
    (body,) = [e["body"] for e in sheets_server.log if e["kind"] == "spreadsheets.batchUpdate"]
    mine = [r for r in body["requests"] if f'"sheetId": {sheet.sheet_id},' in json.dumps(r)
            or f'"sheetId": {sheet.sheet_id}}}' in json.dumps(r)]
    kinds = [next(iter(r)) for r in mine]
    grow = kinds.index("updateSheetProperties")
    first_write = min(i for i, k in enumerate(kinds) if k in ("updateCells", "repeatCell", "mergeCells"))
    assert grow < first_write


def test_the_local_server_rejects_writes_outside_the_grid_like_google(sheets_server: SheetsServer) -> None:
    import gspread

    sheets_server.create(SID)
    gc = gspread.Client(auth=None, session=__import__("requests").Session())  # type: ignore[arg-type]
    url = sheets_server.url + f"/v4/spreadsheets/{SID}:batchUpdate"
    body = {"requests": [{"updateCells": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1,
                                                     "startColumnIndex": 26, "endColumnIndex": 27},
                                           "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                                           "fields": "userEnteredValue"}}]}
    with pytest.raises(gspread.exceptions.APIError) as err:
        gc.http_client.request("post", url, json=body)
    assert err.value.code == 400 and "exceeds grid limits" in str(err.value)


def test_missing_editors_file_says_what_it_must_hold(sheets_server: SheetsServer, sheets_settings: Settings) -> None:
    sheets_settings.path("editors_file").unlink()
    sheets_server.create(SID)
    with pytest.raises(IntakeError) as err:
        setup_spreadsheet(SID, YEAR, sheets_settings)
    message = str(err.value)
    assert "editors.csv" in message and "ma_don_vi,email,vai_tro" in message
    assert "don-vi" in message and "tham-dinh" in message and "riêng tư" in message
    assert sheets_server.api_calls() == 0  # refused before touching the spreadsheet


def test_bad_editor_lines_are_all_named(sheets_server: SheetsServer, sheets_settings: Settings) -> None:
    sheets_settings.path("editors_file").write_text(
        "ma_don_vi,email,vai_tro\nso-y-te,khong-phai-email,don-vi\nso-y-te,a@b.vn,quan-tri\n*,c@d.vn,don-vi\n",
        encoding="utf-8",
    )
    with pytest.raises(IntakeError) as err:
        setup_spreadsheet(SID, YEAR, sheets_settings)
    assert "dòng 2" in str(err.value) and "dòng 3" in str(err.value) and "dòng 4" in str(err.value)


def test_units_without_editors_are_reported(laid_out: SheetsServer, sheets_settings: Settings) -> None:
    report = setup_spreadsheet(SID, YEAR, sheets_settings)
    assert "chưa có người nhập liệu" in report.summary() and "so-cong-thuong" in report.summary()
