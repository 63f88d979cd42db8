"""Shared fixtures. Each owner keeps its fixtures inside its own delimited block."""

from __future__ import annotations

from collections.abc import Iterator

# --- sheets fixtures ---
from pathlib import Path

import pytest
from sheets_server import SheetsServer

from intake.settings import Settings

SHEETS_REGISTRY = Path(__file__).resolve().parent.parent / "content" / "data" / "units.csv"
SHEETS_EDITORS = (
    "ma_don_vi,email,vai_tro\n"
    "so-y-te,nhaplieu@syt.longan.gov.vn,don-vi\n"
    "so-y-te,pho.phong@syt.longan.gov.vn,don-vi\n"
    "so-tu-phap,nhaplieu@stp.longan.gov.vn,don-vi\n"
    "*,thamdinh@sgddt.longan.gov.vn,tham-dinh\n"
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
def sheets_settings(tmp_path: Path) -> Settings:
    """Settings for a Google set-up: the real Long An registry, a private editors.csv, a fresh archive."""
    (tmp_path / "editors.csv").write_text(SHEETS_EDITORS, encoding="utf-8")
    return Settings(
        root=tmp_path,
        values={"registry": str(SHEETS_REGISTRY), "editors_file": "editors.csv", "snapshot_dir": "snapshots"},
        configured=True,
    )
# --- end sheets fixtures ---


# --- site fixtures ---
from pathlib import Path  # noqa: E402 - each block keeps its own imports

import site_fixtures  # noqa: E402


@pytest.fixture(scope="session")
def site_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture results folder (3 years, a tie, hostile strings), written once per session."""
    return site_fixtures.write_results(tmp_path_factory.mktemp("site-results") / "results")


@pytest.fixture(scope="session")
def built_site(site_results: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once with real Pelican (development settings) from `site_results`."""
    return site_fixtures.build(site_results, tmp_path_factory.mktemp("site-output") / "output")
# --- end site fixtures ---
