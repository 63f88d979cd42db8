"""The agency workbook: one tab per active unit, input checks, protection, and formulas LibreOffice agrees with."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from intake.layout import INSTRUCTIONS_TAB, STATUS_CELL, header_cell
from intake.workbook import write_template
from intake.xlsx_reader import read_workbook
from scoring import score
from scoring.registry import load_registry

REGISTRY = load_registry()
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def template(tmp_path: Path):
    path = tmp_path / "phieu-2025.xlsx"
    layouts = write_template(path, 2025, REGISTRY, date(2026, 1, 31))
    return path, layouts


def test_one_tab_per_unit_active_that_year_plus_instructions(template) -> None:
    path, _ = template
    wb = load_workbook(path)
    assert wb.sheetnames[0] == INSTRUCTIONS_TAB
    assert len(wb.sheetnames) == 1 + len(REGISTRY.active(2025)) == 35
    assert "TX Kiến Tường" not in wb.sheetnames  # district units ended in 2024
    write_template(path, 2024, REGISTRY, date(2025, 1, 31))
    assert "TX Kiến Tường" in load_workbook(path).sheetnames
    instructions = [c.value for c in load_workbook(path)[INSTRUCTIONS_TAB]["A"] if c.value]
    assert any("- Tốt: từ 85 điểm" in line for line in instructions)
    assert any("31/01/2025" in line for line in instructions)


def test_tab_lays_out_header_indicators_and_status(template) -> None:
    path, layouts = template
    layout = layouts["so-y-te"]
    ws = load_workbook(path)[layout.title]
    assert ws[header_cell("ma_don_vi")].value == "so-y-te"
    assert ws[header_cell("nam")].value == 2025
    assert ws[STATUS_CELL].value == "Chưa kiểm tra."
    r = layout.indicator_rows["3.1"]
    assert ws.cell(r, 1).value == "3.1"
    assert "Khoản 3 Điều 5 Thông tư 22/2020/TT-BGDĐT" in ws.cell(r, 2).value
    assert ws.cell(r, 3).value == 25
    assert ws.cell(layout.total_row, 4).value.startswith("=SUM(")


def test_only_input_cells_are_unlocked_and_checked_from_0_to_max(template) -> None:
    path, layouts = template
    layout = layouts["so-y-te"]
    ws = load_workbook(path)[layout.title]
    assert ws.protection.sheet is True
    r = layout.indicator_rows["2.2"]
    assert ws.cell(r, 4).protection.locked is False  # self points
    assert ws.cell(r, 5).protection.locked is False  # evidence link
    assert ws.cell(r, 3).protection.locked is True  # maximum
    assert ws.cell(layout.total_row, 4).protection.locked is True
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    rule = rules[f"D{r}"]
    assert (rule.type, rule.operator, rule.formula1, rule.formula2) == ("decimal", "between", "0", "5")
    assert rule.showErrorMessage and "từ 0 đến 5" in rule.error
    assert rules[header_cell("ban_khuyen_hoc")].formula1 == '"Có,Không"'


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed")
def test_libreoffice_recalculates_the_same_total_and_class_as_hoctap(template, tmp_path: Path) -> None:
    path, layouts = template
    wb = load_workbook(path)
    filled = {
        "so-y-te": ("8.4", "8.5", "8.5", "7", "3.8", "6.8", "3.3", "24.9", "9", "4.8"),  # exactly 85, a float trap
        "so-gd-dt": ("10", "9.5", "10", "10", "5", "10", "5", "22.75", "10", "5"),
        "tinh-doan": ("5", "5", "5", "5", "2.5", "5", "2.5", "12", "5", "2.5"),
    }
    for unit_id, values in filled.items():
        layout = layouts[unit_id]
        ws = wb[layout.title]
        for r, v in zip(layout.indicator_rows.values(), values, strict=True):
            ws.cell(r, 4).value = float(v)
    verified = layouts["tinh-doan"]
    for r in verified.indicator_rows.values():
        wb[verified.title].cell(r, 6).value = wb[verified.title].cell(r, 4).value
    wb.save(path)

    out = tmp_path / "recalculated"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--calc",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    recalculated = load_workbook(out / path.name, data_only=True)
    report = score(read_workbook(path.read_bytes(), path.name), REGISTRY)
    assert report.rejected == []
    for result in report.results:
        layout = layouts[result.unit_id]
        ws = recalculated[layout.title]
        assert Decimal(str(ws.cell(layout.total_row, 4).value)) == result.self_total
        assert ws.cell(layout.class_row, 4).value == result.klass
    assert {r.unit_id: r.klass for r in report.results}["so-y-te"] == "Tốt"
    ws = recalculated[verified.title]
    assert ws.cell(verified.total_row, 6).value == 49.5
    assert ws.cell(verified.class_row, 6).value == "Chưa đạt"
    untouched = recalculated[layouts["so-tu-phap"].title]
    assert untouched.cell(layouts["so-tu-phap"].class_row, 4).value == "Chưa đủ điểm"
