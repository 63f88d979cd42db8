"""The `hoctap` command is a thin layer: its JSON equals the library call, and exit codes follow INTERFACES.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builders import row, wide_csv
from intake.cli import main
from intake.csv_reader import read_csv
from scoring import score
from scoring.registry import load_registry


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with its own hoctap.toml, so snapshots never land in the repository."""
    (tmp_path / "hoctap.toml").write_text('snapshot_dir = "snapshots"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def source(workdir: Path) -> Path:
    path = workdir / "mau-2024.csv"
    path.write_bytes(
        wide_csv([row("so-y-te", 2024, **{"3_1": "12,5"}), row("so-gd-dt", 2024),
                  row("so-tu-phap", 2024, **{"1_2": "12"}), row("so-y-te", 2023)])
    )
    return path


def hoctap(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "intake.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)


def test_score_json_equals_the_library_call(source: Path, workdir: Path) -> None:
    done = hoctap("score", "--source", str(source), "--json", "-", cwd=workdir)
    assert done.returncode == 0, done.stderr
    expected = score(read_csv(source.read_bytes(), source.name), load_registry()).document()
    assert json.loads(done.stdout) == json.loads(json.dumps(expected))


def test_score_json_has_exactly_the_documented_shape(source: Path, workdir: Path) -> None:
    document = json.loads(hoctap("score", "--source", str(source), "--year", "2024", "--json", "-", cwd=workdir).stdout)
    assert document["counts"] == {"read": 3, "scored": 2, "rejected": 1}
    first = document["results"][0]
    assert set(first) == {"unit_id", "year", "name", "rubric", "points", "total", "class", "basis", "rank"}
    assert first == {**first, "unit_id": "so-gd-dt", "total": 100, "class": "Tốt", "basis": "self", "rank": 1}
    assert document["results"][1]["total"] == 87.5 and document["results"][1]["points"]["3.1"] == 12.5
    rejected = document["rejected"][0]
    assert rejected["where"] == "mau-2024.csv, dòng 4, cột 1.2"
    assert rejected["reasons"] == [
        "Sở Tư pháp (so-tu-phap), năm 2024 — mau-2024.csv, dòng 4, cột 1.2: 12 lớn hơn điểm tối đa 10 (chỉ số 1.2)."
    ]


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


def test_usage_error_exits_2(workdir: Path) -> None:
    assert hoctap("score", "--khong-co-tuy-chon", cwd=workdir).returncode == 2
    assert hoctap("template", "--year", "2025", cwd=workdir).returncode == 2


def test_check_writes_the_job_summary_and_annotations(source: Path, workdir: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    summary = workdir / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--source", str(source)]) == 0
    text = summary.read_text(encoding="utf-8")
    assert "| 4 | 3 | 1 |" in text
    assert "| Sở Tư pháp (so-tu-phap) | 2024 | mau-2024.csv, dòng 4, cột 1.2 | 12 lớn hơn điểm tối đa 10 (chỉ số 1.2) |" in text
    out = capsys.readouterr().out
    assert "::warning title=Sở Tư pháp (so-tu-phap)%2C năm 2024::mau-2024.csv, dòng 4, cột 1.2: 12 lớn hơn" in out


def test_template_command_writes_the_workbook(workdir: Path) -> None:
    assert main(["template", "--xlsx", "phieu.xlsx", "--year", "2025"]) == 0
    assert (workdir / "phieu.xlsx").stat().st_size > 10_000


def test_sample_is_used_and_archived_when_nothing_is_configured(workdir: Path) -> None:
    done = hoctap("score", "--json", "-", cwd=workdir)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["counts"]
    assert counts["read"] == counts["scored"] + counts["rejected"] and counts["rejected"] >= 5
    index = (workdir / "snapshots" / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(index) == 4
    hoctap("score", "--json", "-", cwd=workdir)
    assert (workdir / "snapshots" / "index.jsonl").read_text(encoding="utf-8").splitlines() == index
