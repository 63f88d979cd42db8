"""Shared fixtures: the local Sheets API, the sample site, and a small site scored from hostile sources.

Every site fixture is built by the real pipeline (`hoctap run` / `hoctap build`
in a real process), so the tests pin what users get.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sheets_server import SheetsServer
from support import PINNED_EPOCH, hoctap, levels_row, make_project, row, wide_csv

from hoctap import pipeline
from hoctap.project import Project
from scoring.registry import Registry
from scoring.results import ScoreReport

SHEETS_EDITORS = (
    "ma_don_vi,email,vai_tro\n"
    "tn-so-y-te,nhaplieu@syt.tayninh.gov.vn,don-vi\n"
    "tn-so-y-te,pho.phong@syt.tayninh.gov.vn,don-vi\n"
    "tn-so-tu-phap,nhaplieu@stp.tayninh.gov.vn,don-vi\n"
    "*,thamdinh@sgddt.tayninh.gov.vn,tham-dinh\n"
)


@pytest.fixture
def sheets_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsServer]:
    """A local Sheets API on 127.0.0.1; HOCTAP_SHEETS_ENDPOINT points real gspread at it.

    Credentials from the developer's environment are removed so no test can
    reach Google or depend on a real key.
    """
    server = SheetsServer().start()
    monkeypatch.setenv("HOCTAP_SHEETS_ENDPOINT", server.url)
    monkeypatch.delenv("GOOGLE_SERVICE_ACCOUNT_JSON", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sheets_project(tmp_path: Path) -> Project:
    """A project for a Google set-up: the bundled registry, a private editors.csv, its own archive."""
    (tmp_path / "editors.csv").write_text(SHEETS_EDITORS, encoding="utf-8")
    make_project(tmp_path, settings='snapshot_dir = "snapshots"\n')
    return Project.open(tmp_path)


@pytest.fixture(scope="session")
def bundled_registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """The registry shipped with hoctap (an empty project uses it)."""
    return pipeline.registry(Project.open(tmp_path_factory.mktemp("empty-project")))


# --- the sample site: the README's first command, as a user runs it ------------------------------


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("sample-site")
    done = hoctap("run", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "output"


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> ScoreReport:
    project = Project.open(tmp_path_factory.mktemp("no-config"))
    return pipeline.score_intake(pipeline.collect(project), project)


# --- a small site from hostile sources ---------------------------------------------------------------

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_NAME = "Ban Thử nghiệm <script>alert(1)</script>"
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_FORMULA = '=HYPERLINK("http://evil.example/","bấm vào đây")'

SMALL_UNITS = [
    {"id": "so-gd-dt", "name": "Sở Giáo dục và Đào tạo", "short_name": "Sở GD&ĐT", "last_year": 2024,
     "successor": "tn-so-gd-dt"},
    {"id": "so-noi-vu", "name": "Sở Nội vụ", "short_name": "Sở Nội vụ"},
    {"id": "hoi-lhpn", "name": "Hội Liên hiệp Phụ nữ tỉnh", "short_name": "Hội LHPN", "group": "Mặt trận và đoàn thể"},
    {"id": "ban-thu-nghiem", "name": HOSTILE_NAME, "short_name": "Ban Thử nghiệm", "group": "Đơn vị sự nghiệp",
     "loai": "su-nghiep"},
    {"id": "vp-tinh-uy", "name": "Văn phòng Tỉnh ủy", "short_name": "VP Tỉnh ủy", "group": "Khối Đảng"},
    {"id": "dh-thcs", "name": "Trường THCS Hậu Nghĩa (huyện Đức Hòa)", "short_name": "THCS Hậu Nghĩa",
     "group": "Cấp huyện: huyện Đức Hòa", "level": "Cấp huyện", "first_year": 2024, "last_year": 2024, "cap": "huyen",
     "loai": "thcs"},
    {"id": "tn-so-gd-dt", "name": "Sở Giáo dục và Đào tạo tỉnh Tây Ninh", "short_name": "Sở GD&ĐT TN",
     "first_year": 2025},
    {"id": "tn-thpt", "name": "Trường THPT chuyên Long An", "short_name": "THPT chuyên", "group": "Cơ sở giáo dục",
     "first_year": 2024, "loai": "thpt"},
]
SMALL_DECISIONS = (
    "so_quyet_dinh,ngay_ky,nguoi_ky,ma_don_vi,nam,cap,muc_do\n"
    "324/QĐ-UBND,2025-02-10,Chủ tịch UBND tỉnh Long An,so-gd-dt,2024,tinh,1\n"
    "325/QĐ-UBND,2026-02-10,Chủ tịch UBND tỉnh Tây Ninh,tn-so-gd-dt,2025,tinh,2\n"
)


@dataclass(frozen=True)
class SmallSite:
    project: Path
    output: Path


def small_sources(folder: Path) -> Path:
    """2023 by points (a tie, a verified score, hostile text), 2024–2025 by levels (council, refusal, a district unit)."""
    folder.mkdir(parents=True, exist_ok=True)
    y23 = [
        row("so-gd-dt", 2023, ngay_gui="20/01/2024"),  # 100
        row("so-noi-vu", 2023, **{"3_1": "13,5"}, **{f"td_{k.replace('.', '_')}": v for k, v in
                                                     {"1.1": "9,5", "1.2": "10", "1.3": "10", "2.1": "10", "2.2": "5",
                                                      "2.3": "10", "2.4": "5", "3.1": "14", "3.2": "10",
                                                      "3.3": "5"}.items()}, ngay_gui="25/01/2024",
            quyet_dinh="Đã thẩm định: điều chỉnh chỉ số 1.1 từ 10 xuống 9,5."),  # verified 88.5
        row("hoi-lhpn", 2023, **{"3_1": "13,5"}, ngay_gui="03/02/2024"),  # 88.5, tie, late
        row("ban-thu-nghiem", 2023, **{"3_1": "5"}, ghi_chu=f"{HOSTILE_FORMULA} {HOSTILE_SCRIPT}",
            link_ke_hoach=HOSTILE_URL, mc_1_1=HOSTILE_URL, mc_1_2="<img src=x onerror=alert(1)>",
            ngay_gui="10/01/2024"),  # 80
        row("vp-tinh-uy", 2023, **{"1_1": "12"}),  # rejected: above the maximum
        row("so-y-te", 2023),  # rejected: unknown id
    ]
    (folder / "ket-qua-2023.csv").write_bytes(wide_csv(y23))
    y24 = [
        levels_row("so-gd-dt", 2024, level=1, ngay_gui="10/01/2025", **{f"hd_{i}": "đạt" for i in ("1_1", "2_1")}),
        levels_row("so-noi-vu", 2024, level=2, met=96, ngay_gui="12/01/2025", hd_2_4="không đạt",
                   hd_ly_do="Chỉ tiêu 2.4: chứng chỉ ngoại ngữ chưa đủ."),
        levels_row("dh-thcs", 2024, cap="huyen", loai="thcs", level=1, ngay_gui="14/01/2025"),
        levels_row("tn-thpt", 2024, loai="thpt", level=2, met=95, learners=1200, ngay_gui="20/01/2025"),
        levels_row("hoi-lhpn", 2024, level=1, **{"2_1": "89"}, ngay_gui="09/01/2025"),  # 89% < 90%: not met
    ]
    (folder / "ket-qua-2024.csv").write_bytes(wide_csv(y24))
    y25 = [
        levels_row("tn-so-gd-dt", 2025, level=2, met=97, ngay_gui="08/01/2026",
                   **{f"hd_{i}": "đạt" for i in ("1_1", "1_2")}),
        levels_row("ban-thu-nghiem", 2025, loai="su-nghiep", level=1, mc_3_2="", ghi_chu=HOSTILE_SCRIPT,
                   ngay_gui="11/01/2026"),  # 3.2 without evidence: not met
        levels_row("so-gd-dt", 2025, level=1),  # rejected: the unit ended in 2024
    ]
    (folder / "ket-qua-2025.csv").write_bytes(wide_csv(y25))
    return folder


@pytest.fixture(scope="session")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> SmallSite:
    folder = tmp_path_factory.mktemp("small-site")
    project = make_project(folder, units=SMALL_UNITS, decisions=SMALL_DECISIONS)
    sources = small_sources(folder / "nguon")
    done = hoctap("build", "--source", str(sources), cwd=project, env={"SOURCE_DATE_EPOCH": PINNED_EPOCH})
    assert done.returncode == 0, done.stdout + done.stderr
    return SmallSite(project, project / "output")
