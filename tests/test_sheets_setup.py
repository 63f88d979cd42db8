"""`hoctap template --google`: the shared spreadsheet laid out like the .xlsx, protected, and safe to re-run.

Real gspread talks to the local Sheets server (`sheets_server` fixture) over a socket. 2023 is a
Thông tư 22/2020 year (points, Long An units), 2026 a Thông tư 24/2023 year (levels, Tây Ninh units).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sheets_server import OWNER, GoogleTemplate, SheetsServer, google_template, iter_requests, set_up

from hoctap import cli
from hoctap.project import Project
from intake.errors import IntakeError
from intake.layout import INSTRUCTIONS_TAB
from intake.layout_levels import COL_COUNCIL, COL_EVIDENCE, COL_SHARE, COL_VALUE, LEVEL_CELL, LEVELS_FAMILY
from intake.layout_points import POINTS_FAMILY
from intake.sheets_editors import load_editors
from intake.sheets_setup import MAX_BATCH_BYTES, desired_tabs
from intake.sheets_spec import Box, box
from intake.workbook import write_workbook
from scoring.registry import Registry

# The fills the instructions tell agencies about, as the Sheets API writes colours.
INPUT_UNIT = {"red": 1.0, "green": 0xF2 / 255, "blue": 0xCC / 255}
INPUT_REVIEWER = {"red": 0xDD / 255, "green": 0xEB / 255, "blue": 0xF7 / 255}

SID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-long"
POINTS_YEAR, LEVELS_YEAR = 2023, 2026
LONG_AN_EDITORS = (
    "ma_don_vi,email,vai_tro\n"
    "so-y-te,nhaplieu@syt.longan.gov.vn,don-vi\n"
    "so-y-te,pho.phong@syt.longan.gov.vn,don-vi\n"
    "so-tu-phap,nhaplieu@stp.longan.gov.vn,don-vi\n"
    "*,thamdinh@sgddt.longan.gov.vn,tham-dinh\n"
)
# The Tây Ninh editors of the `sheets_project` fixture (tests/conftest.py).
TN_UNIT = {"nhaplieu@syt.tayninh.gov.vn", "pho.phong@syt.tayninh.gov.vn"}
TN_REVIEWER = {"thamdinh@sgddt.tayninh.gov.vn"}


def entered(cell: dict[str, Any]) -> Any:
    value = cell.get("userEnteredValue")
    if not value:
        return None
    ((_, v),) = value.items()
    return v


def covers(rng: dict[str, Any], b: Box) -> bool:
    """A protected range's grid range contains the top-left cell of box `b`."""
    return bool(rng["startRowIndex"] <= b[0] < rng["endRowIndex"]
                and rng["startColumnIndex"] <= b[2] < rng["endColumnIndex"])


@pytest.fixture
def points_project(sheets_project: Project) -> Project:
    """The Google project with editors for Long An's units (the 2023 spreadsheet)."""
    sheets_project.path("editors_file").write_text(LONG_AN_EDITORS, encoding="utf-8")
    return sheets_project


@dataclass
class LaidOut:
    server: SheetsServer
    project: Project
    template: GoogleTemplate

    def title(self, unit_id: str) -> str:
        return self.template.layout(unit_id).title


def lay_out(server: SheetsServer, project: Project, year: int) -> LaidOut:
    server.create(SID)
    _, template = set_up(SID, project, year)
    server.reset_counts()
    return LaidOut(server, project, template)


@pytest.fixture
def points_sheet(sheets_server: SheetsServer, points_project: Project) -> LaidOut:
    return lay_out(sheets_server, points_project, POINTS_YEAR)


@pytest.fixture
def levels_sheet(sheets_server: SheetsServer, sheets_project: Project) -> LaidOut:
    return lay_out(sheets_server, sheets_project, LEVELS_YEAR)


@pytest.fixture(params=[POINTS_YEAR, LEVELS_YEAR], ids=["tt22-points", "tt24-levels"])
def either_sheet(request: pytest.FixtureRequest, sheets_server: SheetsServer,
                 points_project: Project) -> LaidOut:
    return lay_out(sheets_server, points_project, request.param)


# --- the first set-up ----------------------------------------------------------------------------------


def test_setup_adds_instructions_and_one_tab_per_active_unit_in_one_read_and_one_write(
    sheets_server: SheetsServer, points_project: Project, bundled_registry: Registry
) -> None:
    sheets_server.create(SID)
    report, template = set_up(SID, points_project, POINTS_YEAR)
    titles = [s.title for s in sheets_server.books[SID].sheets]
    active = bundled_registry.active(POINTS_YEAR)
    assert titles[0] == INSTRUCTIONS_TAB
    assert "Trang tính1" in titles  # Google's default tab is left alone: it may hold someone's notes
    assert len(report.added_tabs) == 1 + len(active) == 35
    assert "Sở Y tế" in titles and "Sở Y tế TN" not in titles  # Long An's units in 2023, not Tây Ninh's
    assert "VP Đoàn ĐBQH-HĐND-UBND" not in titles  # the unit ended in 2021
    assert sheets_server.calls == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    assert report.api_calls == 2 and report.batch_updates == 1
    assert "thêm 35 trang" in report.summary()
    assert all(template.layout(u.id).family is POINTS_FAMILY for u in active)


def test_a_levels_year_gets_levels_tabs_in_whole_tab_batches_under_the_size_limit(
    sheets_server: SheetsServer, sheets_project: Project, bundled_registry: Registry
) -> None:
    sheets_server.create(SID)
    report, template = set_up(SID, sheets_project, LEVELS_YEAR)
    book = sheets_server.books[SID]
    active = bundled_registry.active(LEVELS_YEAR)
    assert [s.title for s in book.sheets][:2] == [INSTRUCTIONS_TAB, "Trang tính1"]
    assert len(report.added_tabs) == 1 + len(active)
    assert "Sở Y tế TN" in report.added_tabs and "Sở Y tế" not in report.added_tabs  # Long An's Sở ended in 2024
    for unit in active:
        title = template.layout(unit.id).title
        assert sheets_server.value(SID, title, "A3") == LEVELS_FAMILY.marker, title
    instructions = [sheets_server.value(SID, INSTRUCTIONS_TAB, f"A{r}") for r in range(1, 4)]
    assert "Thông tư 24/2023" in instructions[1] and "15/01/2027" in instructions[1]
    # Levels tabs are heavier than points tabs: the write is split, never inside a tab, never over the limit.
    bodies = [e["body"] for e in iter_requests(sheets_server, "spreadsheets.batchUpdate")]
    assert len(bodies) == report.batch_updates and report.api_calls == 1 + report.batch_updates
    assert all(len(json.dumps(b, ensure_ascii=False).encode()) <= MAX_BATCH_BYTES for b in bodies)
    for body in bodies:
        added = {r["addSheet"]["properties"]["sheetId"] for r in body["requests"] if "addSheet" in r}
        for r in body["requests"]:
            if "addProtectedRange" in r:
                assert r["addProtectedRange"]["protectedRange"]["range"]["sheetId"] in added


@pytest.mark.parametrize("year", [POINTS_YEAR, LEVELS_YEAR])
def test_new_tabs_are_sized_to_the_layout_not_googles_1000_by_26(
    year: int, sheets_server: SheetsServer, points_project: Project
) -> None:
    sheets_server.create(SID)
    _, template = set_up(SID, points_project, year)
    for layout in template.layouts.values():
        sheet = sheets_server.books[SID].sheet(layout.title)
        assert (sheet.rows, sheet.cols) == (layout.n_rows, layout.n_cols), layout.title
    assert {layout.n_cols for layout in template.layouts.values()} == {7 if year == POINTS_YEAR else 10}


def test_google_tabs_hold_the_same_texts_formulas_and_merges_as_the_xlsx_template(
    either_sheet: LaidOut, tmp_path: Path
) -> None:
    template = either_sheet.template
    path = tmp_path / "phieu.xlsx"
    write_workbook(path, template.year, list(template.layouts.values()), template.instructions)
    wb = load_workbook(path)
    book = either_sheet.server.books[SID]
    assert [ws.title for ws in wb.worksheets] == [s.title for s in book.sheets if s.title != "Trang tính1"]
    for ws in wb.worksheets:
        sheet = book.sheet(ws.title)
        xlsx_cells = {(c.row - 1, c.column - 1): c.value for row in ws.iter_rows() for c in row if c.value is not None}
        google_cells = {pos: entered(c) for pos, c in sheet.cells.items() if entered(c) is not None}
        assert google_cells == xlsx_cells, ws.title
        assert {box(str(m)) for m in ws.merged_cells.ranges} == set(sheet.merges), ws.title


# --- what each cell accepts, and who may type where -------------------------------------------------


def test_input_cells_are_yellow_with_strict_checks_and_vietnamese_hints(points_sheet: LaidOut) -> None:
    server, tab = points_sheet.server, points_sheet.title("so-y-te")
    layout = points_sheet.template.layout("so-y-te")
    row = layout.indicator_rows["3.1"]
    points = server.cell(SID, tab, f"D{row}")
    assert points["userEnteredFormat"]["backgroundColor"] == INPUT_UNIT
    rule = points["dataValidation"]
    assert rule["strict"] is True
    assert rule["condition"] == {"type": "NUMBER_BETWEEN", "values": [{"userEnteredValue": "0"},
                                                                      {"userEnteredValue": "25"}]}
    assert rule["inputMessage"].startswith("Nhập một số từ 0 đến 25")
    verified = server.cell(SID, tab, f"F{row}")
    assert verified["dataValidation"]["condition"]["type"] == "NUMBER_BETWEEN"
    assert verified["userEnteredFormat"]["backgroundColor"] == INPUT_REVIEWER != INPUT_UNIT
    members = server.cell(SID, tab, layout.header_cell("so_thanh_vien"))["dataValidation"]
    assert members["condition"] == {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]}
    choice = server.cell(SID, tab, layout.header_cell("ban_khuyen_hoc"))["dataValidation"]
    assert choice["condition"]["type"] == "ONE_OF_LIST" and choice["showCustomUi"] is True
    assert [v["userEnteredValue"] for v in choice["condition"]["values"]] == ["Có", "Không"]
    when = server.cell(SID, tab, layout.header_cell("ngay_gui"))
    assert when["dataValidation"]["condition"] == {"type": "DATE_IS_VALID"}
    assert when["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    title = server.cell(SID, tab, "A1")["userEnteredFormat"]
    assert title["textFormat"]["bold"] is True and title["wrapStrategy"] == "WRAP"
    widths = server.books[SID].sheet(tab).widths
    assert widths[1] > widths[0]  # the indicator text column is the wide one
    heights = server.books[SID].sheet(tab).heights
    assert heights[row - 1] > 21 and heights[row - 1] == 20 * layout.row_lines[row]  # wrapped text shows


def test_levels_inputs_offer_dat_khong_dat_counts_and_digital_levels_with_strict_checks(levels_sheet: LaidOut) -> None:
    server = levels_sheet.server
    layout = levels_sheet.template.layout("tn-so-y-te")
    tab = layout.title

    def check(address: str, on: str = tab) -> dict[str, Any]:
        rule: dict[str, Any] = server.cell(SID, on, address)["dataValidation"]
        assert rule["strict"] is True, address
        return rule

    def choices(rule: dict[str, Any]) -> list[str]:
        assert rule["condition"]["type"] == "ONE_OF_LIST" and rule["showCustomUi"] is True
        return [v["userEnteredValue"] for v in rule["condition"]["values"]]

    yes_no, share = layout.indicator_rows["1.1"], layout.indicator_rows["2.1"]
    own = server.cell(SID, tab, f"D{yes_no}")
    assert own["userEnteredFormat"]["backgroundColor"] == INPUT_UNIT
    assert choices(check(f"D{yes_no}")) == ["Đạt", "Không đạt"]
    assert check(f"D{yes_no}")["inputMessage"] == "Chọn Đạt hoặc Không đạt."
    council = server.cell(SID, tab, f"I{yes_no}")
    assert COL_COUNCIL == 9 and council["userEnteredFormat"]["backgroundColor"] == INPUT_REVIEWER
    assert choices(check(f"I{yes_no}")) == ["Đạt", "Không đạt"] and "Hội đồng" in check(f"I{yes_no}")["inputMessage"]
    assert check(f"D{share}")["condition"] == {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]}
    ratio = server.cell(SID, tab, f"E{share}")
    assert COL_SHARE == 5 and ratio["userEnteredValue"]["formulaValue"].startswith("=IF(AND(ISNUMBER(D")
    assert ratio["userEnteredFormat"]["numberFormat"] == {"type": "PERCENT", "pattern": "0.0%"}
    assert "dataValidation" not in server.cell(SID, tab, f"F{share}")  # evidence: free text (a link, a số văn bản)
    assert choices(check(layout.header_cell("muc_de_nghi"))) == ["1", "2"]
    assert server.value(SID, tab, layout.header_cell("so_nguoi_hoc")).startswith("Không áp dụng")  # no learners
    assert "dataValidation" not in server.cell(SID, tab, layout.header_cell("so_nguoi_hoc"))
    assert server.cell(SID, tab, LEVEL_CELL)["userEnteredValue"]["formulaValue"].startswith("=IF(COUNTA(")
    # A unit with learners (a continuing-education centre) is also judged on its digital transformation.
    gdtx = levels_sheet.template.layout("tn-gdtx")
    digital = gdtx.indicator_rows["3.4"]
    assert choices(check(f"D{digital}", gdtx.title)) == ["Tốt", "Cơ bản", "Chưa đạt"]
    assert "3.4" not in layout.indicator_rows  # a state agency has no such chỉ tiêu
    learners = check(gdtx.header_cell("so_nguoi_hoc"), gdtx.title)
    assert learners["condition"]["type"] == "NUMBER_GREATER_THAN_EQ"


def test_unit_inputs_are_editable_by_that_units_editors_reviewer_cells_by_the_reviewers_rest_by_owner(
    points_sheet: LaidOut,
) -> None:
    book = points_sheet.server.books[SID]
    sheet = book.sheet("Sở Y tế")
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
    status = box(POINTS_FAMILY.status_cell)
    assert not any(covers(p["range"], status) for p in ranges)
    other = [p for p in book.sheet("Sở Tư pháp").protected if "ô nhập của đơn vị" in p["description"]]
    assert other and all("nhaplieu@syt.longan.gov.vn" not in p["editors"]["users"] for p in other)


def test_the_councils_column_is_for_the_reviewers_only_and_the_units_inputs_for_its_editors(
    levels_sheet: LaidOut,
) -> None:
    layout = levels_sheet.template.layout("tn-so-y-te")
    book = levels_sheet.server.books[SID]
    sheet = book.sheet(layout.title)
    whole = [p for p in sheet.protected if set(p["range"]) == {"sheetId"}]
    assert len(whole) == 1 and whole[0]["editors"]["users"] == [OWNER] and whole[0]["warningOnly"] is False
    ranges = [p for p in sheet.protected if p is not whole[0]]
    unit_ranges = [p for p in ranges if "ô nhập của đơn vị" in p["description"]]
    reviewer_ranges = [p for p in ranges if "thẩm định" in p["description"]]
    assert (COL_VALUE, COL_EVIDENCE, COL_COUNCIL) == (4, 6, 9)  # columns D, F, I
    assert len(unit_ranges) == len(layout.unit_ranges) and len(reviewer_ranges) == len(layout.reviewer_ranges)
    for p in unit_ranges:
        assert set(p["editors"]["users"]) == TN_UNIT | {OWNER} and p["warningOnly"] is False
    for p in reviewer_ranges:
        assert set(p["editors"]["users"]) == TN_REVIEWER | {OWNER} and p["warningOnly"] is False
    excepted = {tuple(sorted(u.items())) for u in whole[0]["unprotectedRanges"]}
    assert excepted == {tuple(sorted(p["range"].items())) for p in ranges}
    for ind, row in layout.indicator_rows.items():
        council, own, evidence = (box(f"{c}{row}") for c in "IDF")
        assert any(covers(p["range"], council) for p in reviewer_ranges), ind
        assert not any(covers(p["range"], council) for p in unit_ranges), ind  # the unit cannot judge itself
        assert any(covers(p["range"], own) for p in unit_ranges), ind
        assert any(covers(p["range"], evidence) for p in unit_ranges), ind
        assert not any(covers(p["range"], own) for p in reviewer_ranges), ind
    reason = box(layout.header_cell("hd_ly_do"))
    assert any(covers(p["range"], reason) for p in reviewer_ranges)
    for computed in (layout.status_cell, LEVEL_CELL, f"G{layout.indicator_rows['1.1']}",
                     f"H{layout.indicator_rows['1.1']}", f"J{layout.indicator_rows['1.1']}"):
        assert not any(covers(p["range"], box(computed)) for p in ranges), computed
    other = book.sheet(levels_sheet.title("tn-so-tu-phap")).protected
    other_units = [p for p in other if "ô nhập của đơn vị" in p["description"]]
    assert other_units and all(set(p["editors"]["users"]) == {"nhaplieu@stp.tayninh.gov.vn", OWNER}
                               for p in other_units)


def test_the_share_formula_between_a_units_figure_and_its_evidence_is_not_editable(levels_sheet: LaidOut) -> None:
    layout = levels_sheet.template.layout("tn-so-y-te")
    share = box(f"E{layout.indicator_rows['2.1']}")
    protected = levels_sheet.server.books[SID].sheet(layout.title).protected
    assert not any(covers(p["range"], share) for p in protected if "ô nhập của đơn vị" in p["description"])


# --- running it again -------------------------------------------------------------------------------


def test_second_setup_sends_no_batch_update_and_keeps_typed_values(either_sheet: LaidOut) -> None:
    server, template = either_sheet.server, either_sheet.template
    layout = template.layout("so-y-te" if template.year == POINTS_YEAR else "tn-so-y-te")
    first = layout.indicator_rows["1.2"]
    server.type_values(SID, layout.title, layout.header_cell("so_thanh_vien"), [[120]])
    server.type_values(SID, layout.title, f"D{first}", [["9,5" if template.year == POINTS_YEAR else "Đạt"]])
    if template.year == LEVELS_YEAR:
        server.type_values(SID, layout.title, f"I{first}", [["Không đạt"]])
    report, _ = set_up(SID, either_sheet.project, template.year)
    assert server.calls == {"spreadsheets.get": 1}
    assert report.added_tabs == [] and report.repaired_tabs == [] and report.api_calls == 1
    assert report.batch_updates == 0 and report.requests == 0
    assert "không cần sửa" in report.summary()
    assert server.value(SID, layout.title, layout.header_cell("so_thanh_vien")) == 120
    assert server.value(SID, layout.title, f"D{first}") == ("9,5" if template.year == POINTS_YEAR else "Đạt")
    if template.year == LEVELS_YEAR:
        assert server.value(SID, layout.title, f"I{first}") == "Không đạt"


def test_setup_repairs_a_tampered_tab_in_one_call_without_touching_typed_values(points_sheet: LaidOut) -> None:
    server, project = points_sheet.server, points_sheet.project
    layout = points_sheet.template.layout("so-y-te")
    d20 = layout.indicator_rows["1.1"]
    assert d20 == 20  # D20: the points of indicator 1.1
    sheet = server.books[SID].sheet("Sở Y tế")
    server.type_values(SID, "Sở Y tế", layout.header_cell("so_cdht"), [[80]])
    server.type_values(SID, "Sở Y tế", f"D{d20}", [[7.5]])
    server.type_values(SID, "Sở Y tế", layout.status_cell, [["Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"]])
    server.type_values(SID, "Sở Y tế", "B4", [["nhãn bị sửa"]])  # a label overwritten
    del sheet.cells[(d20 - 1, 3)]["dataValidation"]  # a check removed from D20
    sheet.cells[(d20 - 1, 3)]["userEnteredFormat"] = {}  # its yellow removed
    sheet.merges.pop()  # a merge undone
    sheet.protected = [p for p in sheet.protected if "thẩm định" not in p["description"]]  # reviewer locks gone
    sheet.protected.append({"protectedRangeId": 1, "range": {"sheetId": sheet.sheet_id, "startRowIndex": 0,
                            "endRowIndex": 1}, "description": "khóa của chủ bảng tính", "warningOnly": True})
    untouched = {s.title: (dict(s.cells), list(s.protected)) for s in server.books[SID].sheets if s is not sheet}

    report, _ = set_up(SID, project, POINTS_YEAR)
    assert report.repaired_tabs == ["Sở Y tế"] and report.added_tabs == []
    assert server.calls == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    sheet = server.books[SID].sheet("Sở Y tế")
    assert server.value(SID, "Sở Y tế", "B4") != "nhãn bị sửa"
    assert server.value(SID, "Sở Y tế", layout.header_cell("so_cdht")) == 80
    assert server.value(SID, "Sở Y tế", f"D{d20}") == 7.5
    assert server.value(SID, "Sở Y tế", layout.status_cell) == "Hợp lệ — 87,5 điểm, Tốt (tự đánh giá)"
    assert sheet.cells[(d20 - 1, 3)]["dataValidation"]["strict"] is True
    assert sheet.cells[(d20 - 1, 3)]["userEnteredFormat"]["backgroundColor"] == INPUT_UNIT
    assert any(p["description"] == "khóa của chủ bảng tính" for p in sheet.protected)  # not ours: kept
    assert sum("thẩm định" in p["description"] for p in sheet.protected) >= 2
    for s in server.books[SID].sheets:
        if s.title in untouched:
            assert (s.cells, s.protected) == untouched[s.title], s.title

    server.reset_counts()
    set_up(SID, project, POINTS_YEAR)
    assert server.calls == {"spreadsheets.get": 1}


def test_a_tampered_levels_tab_gets_its_formulas_and_council_check_back_and_keeps_the_councils_word(
    levels_sheet: LaidOut,
) -> None:
    server = levels_sheet.server
    layout = levels_sheet.template.layout("tn-so-y-te")
    tab, row = layout.title, layout.indicator_rows["1.1"]
    level_formula = server.cell(SID, tab, LEVEL_CELL)["userEnteredValue"]
    l1_formula = server.cell(SID, tab, f"G{row}")["userEnteredValue"]
    sheet = server.books[SID].sheet(tab)
    server.type_values(SID, tab, layout.status_cell, [["Hợp lệ — đạt mức độ 1 (đề nghị mức độ 1; tự đánh giá)."]])
    server.type_values(SID, tab, f"I{row}", [["Không đạt"]])  # the council's judgement
    server.type_values(SID, tab, f"D{row}", [["Đạt"]])
    server.type_values(SID, tab, LEVEL_CELL, [["Mức độ 2"]])  # the computed level overwritten by hand
    server.type_values(SID, tab, f"G{row}", [["Đạt"]])  # and a provisional result
    del sheet.cells[(row - 1, COL_COUNCIL - 1)]["dataValidation"]

    report, _ = set_up(SID, levels_sheet.project, LEVELS_YEAR)
    assert report.repaired_tabs == [tab] and report.added_tabs == []
    assert server.calls == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    assert server.cell(SID, tab, LEVEL_CELL)["userEnteredValue"] == level_formula
    assert server.cell(SID, tab, f"G{row}")["userEnteredValue"] == l1_formula
    assert server.cell(SID, tab, f"I{row}")["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert server.value(SID, tab, f"I{row}") == "Không đạt" and server.value(SID, tab, f"D{row}") == "Đạt"
    assert server.value(SID, tab, layout.status_cell) == "Hợp lệ — đạt mức độ 1 (đề nghị mức độ 1; tự đánh giá)."

    server.reset_counts()
    again, _ = set_up(SID, levels_sheet.project, LEVELS_YEAR)
    assert server.calls == {"spreadsheets.get": 1} and again.repaired_tabs == []


def test_changed_editors_update_the_protected_ranges_in_place(levels_sheet: LaidOut) -> None:
    server, project = levels_sheet.server, levels_sheet.project
    tab = levels_sheet.title("tn-so-y-te")
    before = {p["protectedRangeId"] for p in server.books[SID].sheet(tab).protected}
    editors = project.path("editors_file")
    editors.write_text(editors.read_text(encoding="utf-8").replace("pho.phong@", "moi@"), encoding="utf-8")
    report, _ = set_up(SID, project, LEVELS_YEAR)
    assert report.repaired_tabs == [tab]
    (entry,) = iter_requests(server, "spreadsheets.batchUpdate")
    assert {next(iter(r)) for r in entry["body"]["requests"]} == {"updateProtectedRange"}
    sheet = server.books[SID].sheet(tab)
    assert {p["protectedRangeId"] for p in sheet.protected} == before
    users = {u for p in sheet.protected for u in p["editors"]["users"]}
    assert "moi@syt.tayninh.gov.vn" in users and "pho.phong@syt.tayninh.gov.vn" not in users


def test_an_existing_tab_too_small_for_the_layout_is_grown_before_it_is_written(
    sheets_server: SheetsServer, points_project: Project
) -> None:
    sheets_server.create(SID)
    sheets_server.add_tab(SID, "Sở Y tế", rows=10, cols=3)
    report, template = set_up(SID, points_project, POINTS_YEAR)
    sheet = sheets_server.books[SID].sheet("Sở Y tế")
    layout = template.layout("so-y-te")
    assert "Sở Y tế" in report.repaired_tabs
    assert (sheet.rows, sheet.cols) == (layout.n_rows, layout.n_cols)
    (entry,) = iter_requests(sheets_server, "spreadsheets.batchUpdate")
    mine = [r for r in entry["body"]["requests"] if f'"sheetId": {sheet.sheet_id},' in json.dumps(r)
            or f'"sheetId": {sheet.sheet_id}}}' in json.dumps(r)]
    kinds = [next(iter(r)) for r in mine]
    grow = kinds.index("updateSheetProperties")
    first_write = min(i for i, k in enumerate(kinds) if k in ("updateCells", "repeatCell", "mergeCells"))
    assert grow < first_write


def test_the_local_server_rejects_writes_outside_the_grid_like_google(sheets_server: SheetsServer) -> None:
    import gspread
    import requests

    sheets_server.create(SID)
    gc = gspread.Client(auth=None, session=requests.Session())  # type: ignore[arg-type]
    url = sheets_server.url + f"/v4/spreadsheets/{SID}:batchUpdate"
    body = {"requests": [{"updateCells": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1,
                                                     "startColumnIndex": 26, "endColumnIndex": 27},
                                           "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                                           "fields": "userEnteredValue"}}]}
    with pytest.raises(gspread.exceptions.APIError) as err:
        gc.http_client.request("post", url, json=body)
    assert err.value.code == 400 and "exceeds grid limits" in str(err.value)


def test_the_command_lays_out_what_these_tests_lay_out(
    sheets_server: SheetsServer, sheets_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hoctap template --google` itself, in process: the helper above builds the same tabs."""
    sheets_server.create(SID)
    code = cli.main(["--project", str(sheets_project.root), "template", "--google", SID, "--year", str(LEVELS_YEAR)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "thêm 33 trang" in out and "chưa có người nhập liệu" in out
    sheets_server.reset_counts()
    report, template = set_up(SID, sheets_project, LEVELS_YEAR)
    assert report.repaired_tabs == [], [e["body"] for e in iter_requests(sheets_server, "spreadsheets.batchUpdate")]
    assert sheets_server.calls == {"spreadsheets.get": 1}
    assert len(template.specs) == 33


# --- the editors file ---------------------------------------------------------------------------------


def test_missing_editors_file_says_what_it_must_hold(sheets_server: SheetsServer, sheets_project: Project) -> None:
    sheets_project.path("editors_file").unlink()
    sheets_server.create(SID)
    with pytest.raises(IntakeError) as err:
        set_up(SID, sheets_project, LEVELS_YEAR)
    message = str(err.value)
    assert "editors.csv" in message and "ma_don_vi,email,vai_tro" in message
    assert "don-vi" in message and "tham-dinh" in message and "riêng tư" in message
    assert sheets_server.api_calls() == 0  # refused before touching the spreadsheet


def test_bad_editor_lines_are_all_named(sheets_server: SheetsServer, sheets_project: Project) -> None:
    sheets_project.path("editors_file").write_text(
        "ma_don_vi,email,vai_tro\ntn-so-y-te,khong-phai-email,don-vi\ntn-so-y-te,a@b.vn,quan-tri\n*,c@d.vn,don-vi\n",
        encoding="utf-8",
    )
    sheets_server.create(SID)
    with pytest.raises(IntakeError) as err:
        set_up(SID, sheets_project, LEVELS_YEAR)
    assert "dòng 2" in str(err.value) and "dòng 3" in str(err.value) and "dòng 4" in str(err.value)
    assert sheets_server.api_calls() == 0


def test_units_without_editors_are_reported(levels_sheet: LaidOut) -> None:
    report, _ = set_up(SID, levels_sheet.project, LEVELS_YEAR)
    assert "chưa có người nhập liệu" in report.summary() and "tn-so-cong-thuong" in report.summary()
    assert "tn-so-y-te," not in report.summary() and "tn-so-tu-phap," not in report.summary()


def test_editors_of_units_without_a_tab_that_year_are_reported(sheets_project: Project) -> None:
    """Tây Ninh's editors against a 2023 (Long An) spreadsheet: set-up says which ids have no tab."""
    template = google_template(sheets_project, POINTS_YEAR)
    (unknown,) = [w for w in template.warnings if "không có trang" in w]
    assert "tn-so-tu-phap, tn-so-y-te" in unknown


def test_two_units_with_one_tab_title_are_refused(sheets_project: Project) -> None:
    template = google_template(sheets_project, LEVELS_YEAR)
    layout = template.layout("tn-so-y-te")
    with pytest.raises(IntakeError, match="cùng tên trang «Sở Y tế TN»"):
        desired_tabs([layout, layout], template.instructions, load_editors(sheets_project.path("editors_file")))
