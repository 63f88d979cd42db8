"""The agency workbook: one tab per active unit, by the law of its year, with checks, protection, and formulas that
LibreOffice computes to the same totals, classes and levels as hoctap."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from support import levels_rubric, make_project

from hoctap import pipeline
from hoctap.project import Project
from intake.layout import INSTRUCTIONS_TAB, TabLayout
from intake.layout_levels import COL_COUNCIL, COL_EVIDENCE, COL_L1, COL_L2, COL_RESULT, COL_SHARE, COL_VALUE, LEVEL_CELL
from intake.workbook import build_workbook, write_workbook
from intake.xlsx_reader import read_workbook
from scoring import score

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project.open(make_project(tmp_path_factory.mktemp("template")))


def tabs(project: Project, year: int) -> tuple[list[TabLayout], Sequence[str]]:
    _, layouts, instructions = pipeline.year_tabs(project, year)
    return layouts, instructions


def by_unit(layouts: list[TabLayout]) -> dict[str, TabLayout]:
    return {lay.unit_id: lay for lay in layouts}


def recalculate(path: Path, tmp_path: Path) -> Workbook:
    assert SOFFICE is not None
    out = tmp_path / "recalculated"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--calc",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    return load_workbook(out / path.name, data_only=True)


# --- Thông tư 22/2020 years ---------------------------------------------------------------------


def test_one_tab_per_unit_active_that_year_plus_instructions(project: Project, tmp_path: Path) -> None:
    registry = pipeline.registry(project)
    layouts, instructions = tabs(project, 2023)
    write_workbook(tmp_path / "phieu-2023.xlsx", 2023, layouts, instructions)
    wb = load_workbook(tmp_path / "phieu-2023.xlsx")
    assert wb.sheetnames[0] == INSTRUCTIONS_TAB
    assert len(wb.sheetnames) == 1 + len(registry.active(2023)) == 35
    assert "Sở GD&ĐT TN" not in wb.sheetnames  # the merged province's units start in 2025
    lines = [c.value for c in wb[INSTRUCTIONS_TAB]["A"] if c.value]
    assert any("- Tốt: từ 85 điểm" in line for line in lines)
    assert any("trước ngày 31/01/2024" in line for line in lines)  # Long An's letter of 2020


def test_points_tab_lays_out_header_indicators_and_status(project: Project, tmp_path: Path) -> None:
    layouts, instructions = tabs(project, 2023)
    layout = by_unit(layouts)["so-y-te"]
    wb = build_workbook(layouts, instructions)
    ws = wb[layout.title]
    assert ws[layout.header_cell("ma_don_vi")].value == "so-y-te"
    assert ws[layout.header_cell("nam")].value == 2023
    assert ws[layout.status_cell].value == "Chưa kiểm tra."
    r = layout.indicator_rows["3.1"]
    assert ws.cell(r, 1).value == "3.1"
    assert "điểm a khoản 3 Điều 5 Thông tư 22/2020/TT-BGDĐT" in ws.cell(r, 2).value
    assert ws.cell(r, 3).value == 25
    assert ws.cell(layout.named["total"], 4).value.startswith("=SUM(")


def test_only_input_cells_are_unlocked_and_points_are_checked_from_0_to_max(project: Project) -> None:
    layouts, instructions = tabs(project, 2023)
    layout = by_unit(layouts)["so-y-te"]
    ws = build_workbook(layouts, instructions)[layout.title]
    assert ws.protection.sheet is True
    r = layout.indicator_rows["2.2"]
    assert ws.cell(r, 4).protection.locked is False  # self points
    assert ws.cell(r, 5).protection.locked is False  # evidence link
    assert ws.cell(r, 3).protection.locked is True  # maximum
    assert ws.cell(layout.named["total"], 4).protection.locked is True
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    rule = rules[f"D{r}"]
    assert (rule.type, rule.operator, rule.formula1, rule.formula2) == ("decimal", "between", "0", "5")
    assert rule.showErrorMessage and "từ 0 đến 5" in rule.error
    assert rules[layout.header_cell("ban_khuyen_hoc")].formula1 == '"Có,Không"'


@needs_libreoffice
def test_libreoffice_recalculates_the_same_total_and_class_as_hoctap(project: Project, tmp_path: Path) -> None:
    layouts, instructions = tabs(project, 2023)
    lay = by_unit(layouts)
    path = tmp_path / "phieu-2023.xlsx"
    wb = build_workbook(layouts, instructions)
    filled = {
        "so-y-te": ("8.4", "8.5", "8.5", "7", "3.8", "6.8", "3.3", "24.9", "9", "4.8"),  # exactly 85, a float trap
        "so-gd-dt": ("10", "9.5", "10", "10", "5", "10", "5", "22.75", "10", "5"),
        "tinh-doan": ("5", "5", "5", "5", "2.5", "5", "2.5", "12", "5", "2.5"),
    }
    for unit_id, values in filled.items():
        ws = wb[lay[unit_id].title]
        for r, v in zip(lay[unit_id].indicator_rows.values(), values, strict=True):
            ws.cell(r, 4).value = float(v)
    verified = lay["tinh-doan"]
    for r in verified.indicator_rows.values():
        wb[verified.title].cell(r, 6).value = wb[verified.title].cell(r, 4).value
    wb.save(path)
    recalculated = recalculate(path, tmp_path)
    reg = pipeline.registry(project)
    report = score(read_workbook(path.read_bytes(), path.name), reg, pipeline.scoring_options(project, reg))
    assert report.rejected == []
    for result in report.results:
        layout = lay[result.unit_id]
        ws = recalculated[layout.title]
        assert result.points is not None
        assert Decimal(str(ws.cell(layout.named["total"], 4).value)) == result.points.self_total
        if result.basis == "self":
            assert ws.cell(layout.named["class"], 4).value == result.points.klass
    assert {r.unit_id: r.points.klass for r in report.results if r.points}["so-y-te"] == "Tốt"
    ws = recalculated[verified.title]
    assert ws.cell(verified.named["total"], 6).value == 49.5
    assert ws.cell(verified.named["class"], 6).value == "Chưa đạt"
    untouched = recalculated[lay["so-tu-phap"].title]
    assert untouched.cell(lay["so-tu-phap"].named["class"], 4).value == "Chưa đủ điểm"


# --- Thông tư 24/2023 years ---------------------------------------------------------------------


def test_levels_tab_holds_only_the_chi_tieu_that_apply_to_the_unit(project: Project) -> None:
    lay = by_unit(tabs(project, 2026)[0])
    assert set(lay["tn-so-y-te"].indicator_rows) == {"1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5",
                                                     "3.1", "3.2", "3.3"}
    assert "3.4" in lay["tn-gdtx"].indicator_rows and "3.6" not in lay["tn-gdtx"].indicator_rows
    assert "1.3" not in lay["tn-xskt"].indicator_rows and "2.4" not in lay["tn-xskt"].indicator_rows  # an enterprise
    assert "1.3" not in lay["tn-hoi-khuyen-hoc"].indicator_rows  # not a public body


def test_levels_tab_checks_and_protects_its_cells(project: Project) -> None:
    layouts, instructions = tabs(project, 2026)
    layout = by_unit(layouts)["thpt-chuyen-long-an"]
    ws = build_workbook(layouts, instructions)[layout.title]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    yes_no, share, digital = (layout.indicator_rows[i] for i in ("1.1", "2.1", "3.4"))
    assert rules[f"D{yes_no}"].formula1 == '"Đạt,Không đạt"'
    assert rules[f"D{digital}"].formula1 == '"Tốt,Cơ bản,Chưa đạt"'
    assert rules[f"D{share}"].type == "whole"
    assert rules[f"I{share}"].formula1 == '"Đạt,Không đạt"'
    assert rules[layout.header_cell("muc_de_nghi")].formula1 == '"1,2"'
    assert ws.cell(share, COL_VALUE).protection.locked is False and ws.cell(share, COL_EVIDENCE).protection.locked is False
    assert ws.cell(share, COL_L1).protection.locked is True and ws.cell(share, COL_SHARE).protection.locked is True
    assert layout.reviewer_ranges and all(r.startswith("I") for r in layout.reviewer_ranges[:-1] if ":" in r and r[0] != "D")
    assert "Sở Giáo dục và Đào tạo tỉnh Tây Ninh" in ws["A2"].value and "15/01/2027" in ws["A2"].value


@needs_libreoffice
def test_libreoffice_computes_the_same_levels_as_hoctap_at_the_thresholds(project: Project, tmp_path: Path) -> None:
    """90 of 100 members is 90% (đạt at level 1), 89 is not; evidence, council and digital levels decide as hoctap does."""
    layouts, instructions = tabs(project, 2026)
    lay = by_unit(layouts)
    wb = build_workbook(layouts, instructions)

    def fill(unit_id: str, level: int, members: int, values: dict[str, object], *, learners: tuple[int, int] | None = None,
             no_evidence: Sequence[str] = (), council: dict[str, str] | None = None) -> None:
        layout = lay[unit_id]
        ws = wb[layout.title]
        ws[layout.header_cell("muc_de_nghi")] = level
        ws[layout.header_cell("so_thanh_vien")] = members
        if learners:
            ws[layout.header_cell("so_nguoi_hoc")], ws[layout.header_cell("nguoi_hoc_cdht")] = learners
        kinds = {i.id: i.kind for i in levels_rubric().set_for_cap("tinh").indicators}  # type: ignore[union-attr]
        for ind_id, r in layout.indicator_rows.items():
            default: object = {"yes-no": "Đạt", "digital": "Tốt"}.get(kinds[ind_id], members)
            ws.cell(r, COL_VALUE).value = values.get(ind_id, default)
            ws.cell(r, COL_EVIDENCE).value = None if ind_id in no_evidence else f"https://vb.example/{unit_id}/{ind_id}"
            if council and ind_id in council:
                ws.cell(r, COL_COUNCIL).value = council[ind_id]

    fill("tn-so-y-te", 1, 100, {"2.1": 90})  # exactly 90%: level 1 met; not 95%: level 2 not met
    fill("tn-so-tu-phap", 1, 100, {"2.1": 89})  # 89%: not even level 1
    fill("tn-so-noi-vu", 2, 100, {}, no_evidence=["1.2"])  # no evidence for 1.2
    fill("tn-so-tai-chinh", 2, 100, {"2.4": 40}, council={"2.4": "Đạt"})  # the council overrides the share
    fill("thpt-chuyen-long-an", 2, 80, {"3.4": "Cơ bản"}, learners=(1000, 970))  # digital level 1 only
    path = tmp_path / "ho-so-2026.xlsx"
    wb.save(path)

    recalculated = recalculate(path, tmp_path)
    reg = pipeline.registry(project)
    report = score(read_workbook(path.read_bytes(), path.name), reg, pipeline.scoring_options(project, reg))
    assert report.rejected == []
    results = {r.unit_id: r for r in report.results}
    expected_level = {"tn-so-y-te": 1, "tn-so-tu-phap": 0, "tn-so-noi-vu": 0, "tn-so-tai-chinh": 2, "thpt-chuyen-long-an": 1}
    for unit_id, level in expected_level.items():
        levels = results[unit_id].levels
        assert levels is not None and levels.level_met == level, unit_id
        ws = recalculated[lay[unit_id].title]
        sheet_level = ws[LEVEL_CELL].value
        assert sheet_level == ("Mức độ 2" if level == 2 else "Mức độ 1" if level == 1 else "Chưa đạt mức độ 1"), unit_id
        for ind_id, r in lay[unit_id].indicator_rows.items():
            check = levels.checks[ind_id]
            labels = {"dat": "Đạt", "khong-dat": "Không đạt", "khong-ap-dung": "Không áp dụng"}
            assert ws.cell(r, COL_L1).value == labels[check.by_level[1]], (unit_id, ind_id, 1)
            assert ws.cell(r, COL_L2).value == labels[check.by_level[2]], (unit_id, ind_id, 2)
            assert ws.cell(r, COL_RESULT).value == labels[check.result], (unit_id, ind_id)
    share_row = lay["tn-so-y-te"].indicator_rows["2.1"]
    assert recalculated[lay["tn-so-y-te"].title].cell(share_row, COL_SHARE).value == pytest.approx(0.9)
    untouched = recalculated[lay["tn-so-xay-dung"].title]
    assert untouched[LEVEL_CELL].value == "Chưa nhập"
