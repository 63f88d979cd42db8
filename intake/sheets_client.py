"""The one factory of gspread clients, and the translation of Sheets API failures.

Everything that reaches Google goes through `make_sheets_client`: it builds
gspread's `Client(auth=None, session=...)` around a `requests.Session` whose
transport adapter does two things gspread cannot be told to do:

* **routing**: gspread's URLs are constants, so `HOCTAP_SHEETS_ENDPOINT`
  (INTERFACES.md) is honoured by rewriting Google's hosts to that base URL in
  the adapter, never by patching gspread;
* **bounded retries**: gspread's `BackOffHTTPClient` retries 429/5xx forever
  (its wait caps at 128 s but the retries do not stop), keeps class-level
  counters and calls itself "not production ready". Our adapter retries 408,
  429, 5xx and connection errors with exponential backoff bounded in attempts
  *and* in total time, then hands the last answer to gspread, which raises.

`sheets_call` turns whatever gspread, requests or google-auth raised into one
`SheetsError` with a Vietnamese message. Credentials never reach a message:
only the service account's e-mail (which the administrator needs) is named.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import gspread
import requests
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2.service_account import Credentials
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest

from intake.errors import IntakeError, SheetsError
from intake.sheets_redaction import install_redaction

log = logging.getLogger(__name__)

ENV_ENDPOINT = "HOCTAP_SHEETS_ENDPOINT"
ENV_JSON = "GOOGLE_SERVICE_ACCOUNT_JSON"
ENV_FILE = "GOOGLE_APPLICATION_CREDENTIALS"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# Every Google API host gspread or google-auth may call (sheets, www for Drive, oauth2 for tokens,
# iamcredentials for google-auth's access-boundary lookup) is sent to the override, so a test
# run never leaves the machine.
GOOGLE_API_SUFFIX = ".googleapis.com"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
BAD_SHAPE = "phản hồi không đúng định dạng của Sheets API"
SERVICE_ACCOUNT_FALLBACK = "tài khoản dịch vụ"


@dataclass(frozen=True)
class RetryPolicy:
    """How long we insist before a pull is declared failed.

    Both bounds hold: at most `attempts` sends, and no new attempt once
    `total_seconds` have passed since the first. A `Retry-After` header is
    honoured within the same budget. `sleep`/`clock` are injectable so tests
    measure the schedule without waiting for it.
    """

    attempts: int = 5
    total_seconds: float = 60.0
    base_delay: float = 1.0
    max_delay: float = 20.0
    timeout: tuple[float, float] = (10.0, 60.0)  # connect, read: one request never hangs
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential with a little jitter (so parallel jobs do not retry in step)."""
        wait = float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1))) * (1 + random.random() / 10)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


@dataclass
class CallCounter:
    """Sheets API requests actually sent (retries included), so reports can state the API cost."""

    sent: int = 0
    retried: int = 0


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class SheetsTransport(HTTPAdapter):
    """A requests adapter that routes Google's hosts to an override and retries within bounds."""

    # requests copies adapters through __getstate__, which keeps only the names listed here.
    __attrs__ = [*HTTPAdapter.__attrs__, "policy", "endpoint", "counter"]  # noqa: RUF012 - requests' own name

    def __init__(self, policy: RetryPolicy, endpoint: str | None, counter: CallCounter) -> None:
        super().__init__()
        self.policy = policy
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.counter = counter

    def _route(self, request: PreparedRequest) -> PreparedRequest:
        if self.endpoint is None:
            return request
        parts = urlsplit(request.url or "")
        if parts.scheme != "https" or not (parts.hostname or "").endswith(GOOGLE_API_SUFFIX):
            return request
        routed = request.copy()
        routed.url = self.endpoint + urlunsplit(("", "", parts.path, parts.query, parts.fragment))
        return routed

    def send(  # type: ignore[override]  # requests' signature is untyped
        self, request: PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        routed = self._route(request)
        is_sheets = urlsplit(routed.url or "").path.startswith("/v4/spreadsheets")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.policy.timeout
        start = self.policy.clock()
        attempt = 0
        while True:
            attempt += 1
            self.counter.sent += is_sheets  # token and access-boundary requests are not Sheets API calls
            retry_after: float | None = None
            try:
                response = super().send(routed, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                failure: requests.Response | Exception = exc
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                failure = response
                retry_after = _retry_after(response)
            wait = self.policy.delay(attempt, retry_after)
            spent = self.policy.clock() - start
            if attempt >= self.policy.attempts or spent + wait > self.policy.total_seconds:
                if isinstance(failure, Exception):
                    raise failure
                return failure  # gspread turns it into an APIError; sheets_call translates that
            what = failure.status_code if isinstance(failure, requests.Response) else type(failure).__name__
            log.warning("Sheets API trả lời %s; thử lại lần %d sau %.1f giây.", what, attempt + 1, wait)
            if isinstance(failure, requests.Response):
                failure.close()
            self.counter.retried += 1
            self.policy.sleep(wait)


@dataclass
class SheetsClient:
    """gspread's client plus what we know about it: the identity to name in errors, the call count."""

    gc: gspread.Client
    service_email: str | None
    counter: CallCounter = field(default_factory=CallCounter)

    @property
    def http(self) -> gspread.http_client.HTTPClient:
        return self.gc.http_client


def _credentials_info() -> dict[str, Any] | None:
    """The service-account key from the environment; None when neither variable is set.

    Errors are raised `from None` and never quote the text: a half-pasted key
    must not end up in a CI log.
    """
    text = os.environ.get(ENV_JSON, "").strip()
    source = ENV_JSON
    if not text:
        path = os.environ.get(ENV_FILE, "").strip()
        if not path:
            return None
        source = f"{ENV_FILE} ({path})"
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            raise IntakeError(f"Không đọc được tệp khóa tài khoản dịch vụ ở {ENV_FILE}: {path}.") from None
    try:
        info = json.loads(text)
    except ValueError:
        raise IntakeError(f"Khóa tài khoản dịch vụ trong {source} không phải JSON hợp lệ.") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise IntakeError(
            f"Khóa trong {source} không phải khóa tài khoản dịch vụ (cần tệp JSON có \"type\": \"service_account\")."
        )
    return info


def _credentials(info: Mapping[str, Any]) -> Credentials:
    try:
        creds: Credentials = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            dict(info), scopes=list(SCOPES)
        )
        return creds
    except (ValueError, KeyError, TypeError) as exc:
        raise IntakeError(
            f"Khóa tài khoản dịch vụ không dùng được ({type(exc).__name__}): hãy tải lại tệp JSON từ Google Cloud."
        ) from None


def make_session(
    endpoint: str | None,
    info: Mapping[str, Any] | None,
    policy: RetryPolicy,
    counter: CallCounter,
) -> requests.Session:
    """The session gspread will use: routed, retrying, authorised when there is a key."""

    def routed_session() -> requests.Session:
        session = requests.Session()
        adapter = SheetsTransport(policy, endpoint, counter)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    if info is None:
        return routed_session()
    # Token requests go through the same transport, so an override reaches the
    # local server's token endpoint too and real JWT signing is exercised.
    authed = AuthorizedSession(_credentials(info), auth_request=Request(routed_session()))  # type: ignore[no-untyped-call]
    adapter = SheetsTransport(policy, endpoint, counter)
    authed.mount("https://", adapter)
    authed.mount("http://", adapter)
    return authed


def make_sheets_client(policy: RetryPolicy | None = None) -> SheetsClient:
    """gspread's client, routed by `HOCTAP_SHEETS_ENDPOINT` and authorised from the environment (never hoctap.toml)."""
    policy = policy or RetryPolicy()
    endpoint = os.environ.get(ENV_ENDPOINT, "").strip() or None
    info = _credentials_info()
    if info is None and endpoint is None:
        raise IntakeError(
            f"Chưa có khóa tài khoản dịch vụ Google: đặt biến môi trường {ENV_JSON} (nội dung tệp JSON của khóa) "
            f"hoặc {ENV_FILE} (đường dẫn tới tệp đó)."
        )
    install_redaction()
    counter = CallCounter()
    session = make_session(endpoint, info, policy, counter)
    gc = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]  # gspread types auth as required
    gc.set_timeout(policy.timeout)
    email = str(info["client_email"]) if info and info.get("client_email") else None
    return SheetsClient(gc, email, counter)


def make_client(policy: RetryPolicy | None = None) -> gspread.Client:
    """gspread's client alone, for callers that need nothing else."""
    return make_sheets_client(policy).gc


def service_account_email(gc: gspread.Client) -> str | None:
    creds = getattr(gc.http_client.session, "credentials", None)
    email = getattr(creds, "service_account_email", None)
    return email if isinstance(email, str) else None


def _api_message(exc: gspread.exceptions.APIError) -> str:
    error = exc.error if isinstance(exc.error, Mapping) else {}
    message = error.get("message")
    if not isinstance(message, str) or error.get("code") == -1:
        return ""
    return message.strip()[:300]


def translate(exc: BaseException, spreadsheet_id: str, service_email: str | None) -> SheetsError:
    """One readable Vietnamese line for each way gspread, requests or google-auth fail."""
    who = service_email or SERVICE_ACCOUNT_FALLBACK
    forbidden = (
        f"Không có quyền mở bảng tính {spreadsheet_id}: hãy chia sẻ bảng tính với {who} "
        "với quyền Người chỉnh sửa (Editor)."
    )
    not_found = (
        f"Không tìm thấy bảng tính {spreadsheet_id}: kiểm tra lại mã bảng tính "
        "(phần giữa /d/ và /edit trong đường liên kết)."
    )
    if isinstance(exc, SheetsError):
        return exc
    if isinstance(exc, PermissionError):
        return SheetsError(forbidden)
    if isinstance(exc, gspread.exceptions.SpreadsheetNotFound):
        return SheetsError(not_found)
    if isinstance(exc, gspread.exceptions.APIError):
        status = exc.response.status_code
        detail = _api_message(exc)
        if status == 403:
            return SheetsError(forbidden)
        if status == 404:
            return SheetsError(not_found)
        if status in RETRY_STATUSES:
            return SheetsError(
                f"Sheets API vẫn trả lỗi {status} sau nhiều lần thử lại (bảng tính {spreadsheet_id}); "
                "dữ liệu lần lấy thành công gần nhất được giữ nguyên. Hãy chạy lại sau."
                + (f" Chi tiết: {detail}" if detail else "")
            )
        if status == 401:
            return SheetsError(
                f"Sheets API từ chối xác thực (401): kiểm tra khóa tài khoản dịch vụ trong {ENV_JSON}."
            )
        return SheetsError(
            f"Sheets API trả lỗi {status} cho bảng tính {spreadsheet_id}" + (f": {detail}" if detail else "."),
            status,
        )
    if isinstance(exc, requests.exceptions.JSONDecodeError | json.JSONDecodeError):
        return SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE} (không phải JSON).")
    if isinstance(exc, requests.Timeout):
        return SheetsError(
            f"Sheets API không trả lời kịp sau nhiều lần thử (bảng tính {spreadsheet_id}); hãy chạy lại sau."
        )
    if isinstance(exc, requests.ConnectionError):
        return SheetsError(
            f"Không kết nối được tới Sheets API (bảng tính {spreadsheet_id}): kiểm tra mạng hoặc {ENV_ENDPOINT}."
        )
    if isinstance(exc, GoogleAuthError):
        # google-auth's text may quote the token server's answer: name the kind only.
        return SheetsError(
            f"Không lấy được mã truy cập Google cho {who} ({type(exc).__name__}): "
            f"kiểm tra khóa trong {ENV_JSON} và tài khoản dịch vụ còn hoạt động."
        )
    if isinstance(exc, KeyError | TypeError | ValueError | IndexError):
        return SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.")
    return SheetsError(f"Lỗi khi gọi Sheets API cho bảng tính {spreadsheet_id} ({type(exc).__name__}).")


@contextmanager
def sheets_call(spreadsheet_id: str, service_email: str | None) -> Iterator[None]:
    """Translate every failure inside the block; `from None` keeps secrets out of chained tracebacks."""
    try:
        yield
    except (
        gspread.exceptions.GSpreadException,
        PermissionError,
        requests.RequestException,
        GoogleAuthError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
    ) as exc:
        raise translate(exc, spreadsheet_id, service_email) from None


def expect_dict(value: Any, spreadsheet_id: str) -> dict[str, Any]:
    """The API documents an object here; anything else is a malformed answer."""
    if not isinstance(value, dict):
        raise SheetsError(f"Bảng tính {spreadsheet_id}: {BAD_SHAPE}.")
    return value
