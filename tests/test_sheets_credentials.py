"""The credentialed path for real: a service-account key, a signed JWT, a token, bearer calls.

The key is generated here; the local server verifies the JWT's signature
with the public half and issues a token, which it then requires on every API
call. A secret planted in the key must never surface in logs, output,
exception messages or snapshots, on success or failure.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sheets_server import SheetsServer, set_up

from hoctap.project import Project
from intake.errors import IntakeError, SheetsError
from intake.sheets_client import make_sheets_client
from intake.sheets_pull import current_statuses, pull, submissions_from_snapshot
from intake.snapshots import SnapshotArchive
from intake.writeback import write_back

SID = "1CredentialTestSpreadsheet_0123456789abcdef"
EMAIL = "hoctap-sync@hoctap-long-an.iam.gserviceaccount.com"
SECRET = "SECRET-c0ffee-do-not-leak-7f3a9b"
WHEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
YEAR = 2026  # a Thông tư 24 year: Tây Ninh's units, levels tabs


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def key_json(private_pem: str) -> str:
    return json.dumps({
        "type": "service_account",
        "project_id": "hoctap-long-an",
        "private_key_id": SECRET,
        "private_key": private_pem,
        "client_email": EMAIL,
        "client_id": "104" + SECRET,
        "token_uri": "https://oauth2.googleapis.com/token",  # routed to the local server by the transport
    })


@pytest.fixture
def credentialed(
    sheets_server: SheetsServer, key_pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> SheetsServer:
    private, public = key_pair
    sheets_server.trust(EMAIL, public)
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", key_json(private))
    return sheets_server


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """DEBUG from everything, google-auth's own (non-propagating) logger included."""
    google = logging.getLogger("google")
    google.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    google.setLevel(logging.DEBUG)
    try:
        yield caplog
    finally:
        google.removeHandler(caplog.handler)
        google.setLevel(logging.NOTSET)


def secrets_of(server: SheetsServer, private_pem: str) -> list[str]:
    pem_line = private_pem.splitlines()[5]
    return [SECRET, pem_line, *server.tokens, *server.assertions]


def assert_nowhere(texts: list[str], secrets: list[str]) -> None:
    blob = "\n".join(texts)
    for secret in secrets:
        assert secret not in blob, f"a credential leaked: {secret[:12]}…"


def test_the_service_account_flow_runs_for_real_and_no_secret_surfaces(
    credentialed: SheetsServer, key_pair: tuple[str, str], sheets_project: Project,
    every_log: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    credentialed.create(SID)
    archive = SnapshotArchive(sheets_project.path("snapshot_dir"))
    texts: list[str] = []
    report, template = set_up(SID, sheets_project, YEAR, units=("tn-so-y-te", "tn-so-tu-phap"))
    texts.append(report.summary())
    layout = template.layout("tn-so-y-te")
    credentialed.type_values(SID, layout.title, layout.header_cell("so_thanh_vien"), [[100]])
    snapshot = pull(SID, archive, when=WHEN)
    assert [s.unit.value for s in submissions_from_snapshot(archive, snapshot)] == ["tn-so-y-te"]
    wb = write_back(SID, {layout.title: "Hợp lệ"}, current=current_statuses(archive, snapshot))
    texts.append(wb.summary())
    assert credentialed.calls["token"] == 3  # one token per client: set-up, pull, write-back
    assert len(credentialed.tokens) == 3 and credentialed.value(SID, layout.title, layout.status_cell) == "Hợp lệ"

    credentialed.forbidden.add(SID)
    with pytest.raises(SheetsError) as err:
        pull(SID, archive, when=WHEN)
    assert EMAIL in str(err.value) and "chia sẻ" in str(err.value)  # who to share the spreadsheet with
    texts += [str(err.value), repr(err.value), str(err.value.__cause__), str(err.value.__context__)]

    texts += [p.read_text(encoding="utf-8") for p in archive.root.iterdir()]
    texts += [r.getMessage() + repr(r.__dict__) for r in every_log.records]
    out = capsys.readouterr()
    texts += [out.out, out.err]
    assert_nowhere(texts, secrets_of(credentialed, key_pair[0]))


def test_a_refused_key_fails_with_a_message_that_quotes_nothing_of_it(
    sheets_server: SheetsServer, key_pair: tuple[str, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, every_log: pytest.LogCaptureFixture,
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sheets_server.trust(EMAIL, other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode())
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", key_json(key_pair[0]))
    sheets_server.create(SID)
    with pytest.raises(SheetsError) as err:
        pull(SID, SnapshotArchive(tmp_path / "snapshots"), when=WHEN)
    assert "mã truy cập" in str(err.value) and EMAIL in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__
    texts = [str(err.value)] + [r.getMessage() + repr(r.__dict__) for r in every_log.records]
    assert_nowhere(texts, secrets_of(sheets_server, key_pair[0]))


def test_a_key_file_named_by_google_application_credentials_works_too(
    sheets_server: SheetsServer, key_pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    sheets_server.trust(EMAIL, key_pair[1])
    path = tmp_path / "khoa.json"
    path.write_text(key_json(key_pair[0]), encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    sheets_server.create(SID)
    pull(SID, SnapshotArchive(tmp_path / "snapshots"), when=WHEN)
    assert sheets_server.calls["token"] == 1 and sheets_server.api_calls() == 2
    assert make_sheets_client().service_email == EMAIL


@pytest.mark.parametrize("text", ["{not json " + SECRET, json.dumps({"type": "authorized_user", "k": SECRET}),
                                  json.dumps({"type": "service_account", "private_key": SECRET})])
def test_a_broken_key_is_refused_without_quoting_it(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", text)
    with pytest.raises(IntakeError) as err:
        make_sheets_client()
    assert "GOOGLE_SERVICE_ACCOUNT_JSON" in str(err.value) or "tài khoản dịch vụ" in str(err.value)
    assert SECRET not in str(err.value) and err.value.__cause__ is None
    assert err.value.__context__ is None or err.value.__suppress_context__  # no chained traceback quotes it


def test_a_key_file_that_cannot_be_read_or_parsed_is_named_and_not_quoted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GOOGLE_SERVICE_ACCOUNT_JSON", raising=False)
    missing = tmp_path / "khong-co.json"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(missing))
    with pytest.raises(IntakeError) as err:
        make_sheets_client()
    assert "GOOGLE_APPLICATION_CREDENTIALS" in str(err.value) and str(missing) in str(err.value)
    broken = tmp_path / "hong.json"
    broken.write_text("{\"private_key\": \"" + SECRET, encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(broken))
    with pytest.raises(IntakeError) as err:
        make_sheets_client()
    assert str(broken) in str(err.value) and "JSON" in str(err.value)
    assert SECRET not in str(err.value) and err.value.__cause__ is None and err.value.__suppress_context__
