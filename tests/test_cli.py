"""The `hoctap` command is a thin layer: its JSON equals the library call, exit codes follow INTERFACES.md,
and reading a source never writes into the project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import hoctap, levels_row, make_project, row, wide_csv

from hoctap import pipeline
from hoctap.cli import main
from hoctap.project import Project
from intake.csv_reader import read_csv
from scoring import score
from scoring.results_json import document


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with its own (empty) hoctap.toml; the command runs from inside it."""
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def source(workdir: Path) -> Path:
    path = workdir / "mau-2023.csv"
    path.write_bytes(wide_csv([row("so-y-te", 2023, **{"3_1": "12,5"}), row("so-gd-dt", 2023),
                               row("so-tu-phap", 2023, **{"1_2": "12"}), row("so-y-te", 2022)]))
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_score_json_equals_the_library_call(source: Path, workdir: Path) -> None:
    done = hoctap("score", "--source", str(source), "--json", "-", cwd=workdir)
    assert done.returncode == 0, done.stderr
    project = Project.open(workdir)
    options = pipeline.scoring_options(project, pipeline.registry(project))
    expected = document(score(read_csv(source.read_bytes(), source.name), pipeline.registry(project), options))
    assert json.loads(done.stdout) == json.loads(json.dumps(expected))


def test_score_json_has_exactly_the_documented_shape(source: Path, workdir: Path) -> None:
    doc = json.loads(hoctap("score", "--source", str(source), "--year", "2023", "--json", "-", cwd=workdir).stdout)
    assert doc["counts"] == {"read": 3, "scored": 2, "rejected": 1}
    first = doc["results"][0]
    assert set(first) == {"unit_id", "year", "name", "rubric", "method", "points", "total", "class", "basis", "rank"}
    assert first == {**first, "unit_id": "so-gd-dt", "method": "points", "total": 100, "class": "Tốt", "basis": "self",
                     "rank": 1}
    assert doc["results"][1]["total"] == 87.5 and doc["results"][1]["points"]["3.1"] == 12.5
    rejected = doc["rejected"][0]
    assert rejected["where"] == "mau-2023.csv, dòng 4, cột 1.2"
    assert rejected["reasons"] == [
        "Sở Tư pháp tỉnh Long An (so-tu-phap), năm 2023 — mau-2023.csv, dòng 4, cột 1.2: "
        "12 lớn hơn điểm tối đa 10 (chỉ số 1.2)."
    ]


def test_score_json_of_a_levels_year_has_the_documented_shape(workdir: Path) -> None:
    path = workdir / "mau-2025.csv"
    path.write_bytes(wide_csv([levels_row("tn-so-y-te", 2025, level=2, met=95, hd_2_1="đạt"),
                               levels_row("tn-xskt", 2025, loai="to-chuc-kinh-te", level=1, mc_1_1="")]))
    doc = json.loads(hoctap("score", "--source", str(path), "--json", "-", cwd=workdir).stdout)
    by_unit = {r["unit_id"]: r for r in doc["results"]}
    health = by_unit["tn-so-y-te"]
    assert set(health) == {"unit_id", "year", "name", "rubric", "method", "set", "level_requested", "level_met",
                           "checks", "basis"}
    assert health | {"checks": None} == {"unit_id": "tn-so-y-te", "year": 2025, "name": "Sở Y tế tỉnh Tây Ninh",
                                         "rubric": "tt24-2023", "method": "levels", "set": "cap-tinh",
                                         "level_requested": 2, "level_met": 2, "checks": None, "basis": "verified"}
    assert {k for k, v in health["checks"].items() if v == "khong-ap-dung"} == {"3.4", "3.5", "3.6"}  # school-only
    assert {v for k, v in health["checks"].items() if k not in {"3.4", "3.5", "3.6"}} == {"dat"}
    lottery = by_unit["tn-xskt"]  # an enterprise: 1.3 and 2.4 do not apply; 1.1 has no evidence
    assert lottery["checks"]["1.3"] == lottery["checks"]["2.4"] == "khong-ap-dung"
    assert lottery["checks"]["1.1"] == "khong-dat" and lottery["level_met"] == 0 and lottery["basis"] == "self"


def test_json_file_option_writes_the_same_document(source: Path, workdir: Path) -> None:
    assert main(["score", "--source", str(source), "--json", "ket-qua.json"]) == 0
    written = json.loads((workdir / "ket-qua.json").read_text(encoding="utf-8"))
    assert written["counts"] == {"read": 4, "scored": 3, "rejected": 1}


def test_rejections_are_data_not_failure_unless_strict(source: Path, workdir: Path) -> None:
    assert main(["check", "--source", str(source)]) == 0
    assert main(["check", "--source", str(source), "--strict"]) == 1


def test_unreadable_source_exits_1_with_one_vietnamese_line(workdir: Path) -> None:
    done = hoctap("score", "--source", "khong-co.csv", cwd=workdir)
    assert done.returncode == 1
    assert done.stderr.strip() == "hoctap: lỗi: Không tìm thấy nguồn dữ liệu khong-co.csv."


def test_usage_errors_exit_2(workdir: Path) -> None:
    assert hoctap("score", "--khong-co-tuy-chon", cwd=workdir).returncode == 2
    assert hoctap("template", "--year", "2025", cwd=workdir).returncode == 2
    assert hoctap("serve", "--port", "99999", cwd=workdir).returncode == 2


def test_check_writes_the_job_summary_and_annotations(source: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    summary = workdir / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--source", str(source)]) == 0
    text = summary.read_text(encoding="utf-8")
    assert "| 4 | 3 | 1 |" in text
    assert ("| Sở Tư pháp tỉnh Long An (so-tu-phap) | 2023 | mau-2023.csv, dòng 4, cột 1.2 | "
            "12 lớn hơn điểm tối đa 10 (chỉ số 1.2) |") in text
    out = capsys.readouterr().out
    assert "::warning title=Sở Tư pháp tỉnh Long An (so-tu-phap)%2C năm 2023::mau-2023.csv, dòng 4, cột 1.2: 12 lớn hơn" in out


def test_template_command_writes_the_workbook_of_the_years_law(workdir: Path) -> None:
    assert main(["template", "--xlsx", "phieu-2023.xlsx", "--year", "2023"]) == 0
    assert main(["template", "--xlsx", "ho-so-2026.xlsx", "--year", "2026"]) == 0
    from openpyxl import load_workbook

    points = load_workbook(workdir / "phieu-2023.xlsx")
    levels = load_workbook(workdir / "ho-so-2026.xlsx")
    assert points.worksheets[1]["A3"].value == "Mẫu chấm điểm theo Thông tư 22/2020/TT-BGDĐT"
    assert levels.worksheets[1]["A3"].value == "Mẫu đánh giá, công nhận theo Thông tư 24/2023/TT-BGDĐT"
    assert "Long An" in points.worksheets[1]["D5"].value
    # The year's authority: 2026 dossiers go to the merged province's Sở (Long An until 30/6/2025, Tây Ninh after).
    assert "Sở Giáo dục và Đào tạo tỉnh Tây Ninh" in levels.worksheets[1]["A2"].value


def test_reading_a_source_never_writes_into_the_project(source: Path, workdir: Path) -> None:
    before = tree(workdir)
    assert hoctap("score", "--source", str(source), "--json", "-", cwd=workdir).returncode == 0
    assert hoctap("check", "--source", str(source), cwd=workdir).returncode == 0
    assert tree(workdir) == before


def test_the_sample_is_used_when_nothing_is_configured_and_nothing_is_archived(workdir: Path) -> None:
    done = hoctap("score", "--json", "-", cwd=workdir)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["counts"]
    assert counts["read"] == counts["scored"] + counts["rejected"] and counts["rejected"] >= 8
    assert sorted(p.name for p in workdir.iterdir()) == ["hoctap.toml"]


def test_the_project_is_found_from_a_subfolder(workdir: Path) -> None:
    (workdir / "hoctap.toml").write_text('cdht_learners_rule = "nguoi-hoc"\n', encoding="utf-8")
    sub = workdir / "a" / "b"
    sub.mkdir(parents=True)
    assert hoctap("score", "--json", "-", cwd=sub).returncode == 0
    assert Project.open(sub).root == workdir.resolve()


@pytest.mark.parametrize(("toml", "expected"), [
    ('periods = "Long An"', "khóa «periods»"),
    ("deadlines = { \"2025\" = \"mai\" }", "khóa «deadlines»: «mai» không phải ngày"),
    ("cdht_targets = { \"2025\" = 60 }", "khóa «cdht_targets»: tỷ lệ năm 2025 phải từ 0 đến 1"),
    ('site_url = "ftp://x"', "khóa «site_url»"),
    ('khong_co = 1', "khóa không được hỗ trợ: khong_co"),
    ("site_url = ", "cú pháp TOML không hợp lệ"),
])
def test_a_wrongly_typed_setting_is_named_in_one_line(workdir: Path, toml: str, expected: str) -> None:
    (workdir / "hoctap.toml").write_text(toml + "\n", encoding="utf-8")
    done = hoctap("score", "--json", "-", cwd=workdir)
    assert done.returncode == 1
    assert done.stderr.startswith("hoctap: lỗi: hoctap.toml") and expected in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
