"""A local Google Sheets API v4 server for the tests: real HTTP on 127.0.0.1, the JSON Google documents.

It keeps spreadsheets in memory the way the API stores them (each cell a
`CellData`: `userEnteredValue`, `userEnteredFormat`, `dataValidation`),
answers the endpoints hoctap uses through real gspread, counts requests per
endpoint and injects faults. It is strict where the real API is strict and
where hoctap could go wrong: writes outside a tab's grid fail with 400
"exceeds grid limits", a batchUpdate is atomic, merges may not overlap,
ranges must name an existing tab, and (when tokens are required) every API
request must carry a bearer token the server issued for a JWT signed by a
key it trusts, so google-auth's real service-account flow runs end to end.

Not a Sheets engine: formulas are stored as given and only `=SUM(...)` is
evaluated for `values:batchGet` (hoctap never reads formula cells).

At the end, `google_template` and `set_up`: what `hoctap template --google`
asks of it, built the way the command builds it, for the tests to drive.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

if TYPE_CHECKING:
    from hoctap.project import Project
    from intake.layout import TabLayout
    from intake.sheets_client import RetryPolicy, SheetsClient
    from intake.sheets_setup import SetupReport
    from intake.sheets_spec import TabSpec

OWNER = "chu-bang-tinh@example.com"
TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
EPOCH = date(1899, 12, 30)

Box = tuple[int, int, int, int]  # 0-based half-open rows, cols


class ApiError(Exception):
    def __init__(self, code: int, message: str, status: str) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def bad_request(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    cols: int = 26
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # 0-based
    merges: list[Box] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)  # 0-based column → px
    heights: dict[int, int] = field(default_factory=dict)  # 0-based row → px
    hidden: bool = False

    def quoted(self) -> str:
        return self.title if re.fullmatch(r"[A-Za-z0-9_]+", self.title) else "'" + self.title.replace("'", "''") + "'"

    def check(self, b: Box) -> None:
        if b[1] > self.rows or b[3] > self.cols or b[0] < 0 or b[2] < 0:
            corner = f"{get_column_letter(max(b[3], 1))}{max(b[1], 1)}"
            raise bad_request(
                f"Range ({self.quoted()}!{corner}) exceeds grid limits. Max rows: {self.rows}, max columns: {self.cols}"
            )

    def properties(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sheetId": self.sheet_id, "title": self.title, "index": self.index, "sheetType": "GRID",
            "gridProperties": {"rowCount": self.rows, "columnCount": self.cols},
        }
        if self.hidden:
            out["hidden"] = True  # the API omits false booleans
        return out


@dataclass
class Book:
    spreadsheet_id: str
    title: str
    locale: str = "vi_VN"
    sheets: list[Sheet] = field(default_factory=list)
    next_protected_id: int = 1000

    def sheet(self, title: str) -> Sheet:
        """Sheet names are matched case-insensitively, as Google does."""
        for s in self.sheets:
            if s.title.casefold() == title.casefold():
                return s
        raise bad_request(f"Unable to parse range: {title}")

    def by_id(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise bad_request(f"No grid with id: {sheet_id}")

    def reindex(self) -> None:
        for i, s in enumerate(sorted(self.sheets, key=lambda s: s.index)):
            s.index = i
        self.sheets.sort(key=lambda s: s.index)


@dataclass
class Fault:
    """What to do to the next matching requests: an error status, a non-JSON body, or a delay."""

    kind: Literal["status", "malformed", "slow"] = "status"
    status: int = 500
    times: int | None = 1  # None: forever
    endpoint: str | None = None  # e.g. "values.batchGet"; None: every API endpoint
    delay: float = 0.0
    body: bytes | None = None  # for "malformed": a 200 with this JSON instead of an HTML page


def parse_a1(a1: str) -> tuple[str | None, Box | None]:
    """'Tab'!A1:G10 → (tab, box); a bare tab name → (tab, None). A quoted name may hold `!` and doubled `'`."""
    if a1.startswith("'"):
        i, name = 1, []
        while i < len(a1):
            if a1[i] == "'":
                if a1[i + 1:i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(a1[i])
            i += 1
        rest = a1[i + 1:]
        if rest and not rest.startswith("!"):
            raise bad_request(f"Unable to parse range: {a1}")
        tab, cells = "".join(name), rest[1:]
    elif re.fullmatch(r"[A-Z]{1,3}\d+(:[A-Z]{1,3}\d+)?", a1):
        tab, cells = "", a1
    elif "!" in a1:
        tab, _, cells = a1.partition("!")
    else:
        tab, cells = a1, ""
    if not cells:
        return tab or None, None
    first, _, last = cells.partition(":")
    c1, r1 = coordinate_from_string(first)
    c2, r2 = coordinate_from_string(last or first)
    return tab or None, (r1 - 1, r2, column_index_from_string(c1) - 1, column_index_from_string(c2))


def a1_of(b: Box) -> str:
    return f"{get_column_letter(b[2] + 1)}{b[0] + 1}:{get_column_letter(b[3])}{b[1]}"


def to_serial(d: date) -> float:
    if isinstance(d, datetime):
        delta = d - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return float((d - EPOCH).days)


def typed(value: Any) -> dict[str, Any]:
    """A Python value as a user would type it → CellData (dates are numbers with a date format)."""
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, date):
        return {"userEnteredValue": {"numberValue": to_serial(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    text = str(value)
    if text.startswith("="):
        return {"userEnteredValue": {"formulaValue": text}}
    return {"userEnteredValue": {"stringValue": text}}


def _json_number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


class QuietServer(ThreadingHTTPServer):
    """A client that gave up (a read timeout the tests provoke) is not a server error worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class SheetsServer:
    """The fake API; `url` is what HOCTAP_SHEETS_ENDPOINT points at."""

    def __init__(self) -> None:
        self.books: dict[str, Book] = {}
        self.calls: Counter[str] = Counter()
        self.log: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.forbidden: set[str] = set()
        self.require_token = False
        self.trusted_keys: dict[str, str] = {}  # client_email → public key PEM
        self.tokens: dict[str, str] = {}  # issued access token → client_email
        self.assertions: list[str] = []  # signed JWTs received: credentials a test can look for in logs
        self.lock = threading.RLock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---
    def start(self) -> SheetsServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self, "GET")

            def do_POST(self) -> None:
                server._handle(self, "POST")

        self._httpd = QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- test helpers ---
    def create(self, spreadsheet_id: str, title: str = "Đánh giá Đơn vị học tập", *,
               tabs: Sequence[str] = ("Trang tính1",), locale: str = "vi_VN") -> Book:
        """A spreadsheet as Google creates it: one 1000×26 tab."""
        book = Book(spreadsheet_id, title, locale)
        for i, t in enumerate(tabs):
            book.sheets.append(Sheet(sheet_id=i if i else 0, title=t, index=i))
        self.books[spreadsheet_id] = book
        return book

    def add_tab(self, spreadsheet_id: str, title: str, grid: Sequence[Sequence[Any]] = (),
                rows: int = 1000, cols: int = 26) -> Sheet:
        book = self.books[spreadsheet_id]
        sheet = Sheet(sheet_id=max((s.sheet_id for s in book.sheets), default=0) + 1, title=title,
                      index=len(book.sheets), rows=rows, cols=cols)
        book.sheets.append(sheet)
        for r, line in enumerate(grid):
            for c, v in enumerate(line):
                if v is not None and v != "":
                    sheet.cells[(r, c)] = typed(v)
        return sheet

    def type_values(self, spreadsheet_id: str, tab: str, a1: str, rows: Sequence[Sequence[Any]]) -> None:
        """Values typed by a person into the sheet (bypasses input checks, as a paste can)."""
        with self.lock:
            sheet = self.books[spreadsheet_id].sheet(tab)
            _, b = parse_a1(a1)
            assert b is not None
            for i, line in enumerate(rows):
                for j, v in enumerate(line):
                    pos = (b[0] + i, b[2] + j)
                    sheet.check((pos[0], pos[0] + 1, pos[1], pos[1] + 1))
                    cell = sheet.cells.setdefault(pos, {})
                    cell.pop("userEnteredValue", None)
                    if v is not None:
                        new = typed(v)
                        cell["userEnteredValue"] = new["userEnteredValue"]
                        if "userEnteredFormat" in new:
                            cell.setdefault("userEnteredFormat", {}).update(new["userEnteredFormat"])

    def cell(self, spreadsheet_id: str, tab: str, a1: str) -> dict[str, Any]:
        _, b = parse_a1(a1)
        assert b is not None
        return self.books[spreadsheet_id].sheet(tab).cells.get((b[0], b[2]), {})

    def value(self, spreadsheet_id: str, tab: str, a1: str) -> Any:
        sheet = self.books[spreadsheet_id].sheet(tab)
        _, b = parse_a1(a1)
        assert b is not None
        return self._unformatted(sheet, b[0], b[2], "UNFORMATTED_VALUE")

    def inject(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def trust(self, client_email: str, public_pem: str) -> None:
        self.trusted_keys[client_email] = public_pem
        self.require_token = True

    def reset_counts(self) -> None:
        with self.lock:
            self.calls.clear()
            self.log.clear()

    def api_calls(self) -> int:
        return sum(n for k, n in self.calls.items() if k not in ("token", "other"))

    # --- HTTP ---
    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        path = unquote(parts.path)
        if path == "/token" and method == "POST":
            with self.lock:
                self.calls["token"] += 1
            self._token(h, body)
            return
        kind, sid = self._route(method, path)
        if kind == "unknown" and not path.startswith("/v4/"):
            # google-auth's own calls (e.g. its access-boundary lookup): not the Sheets API.
            with self.lock:
                self.calls["other"] += 1
            self._error(h, ApiError(404, "Not found", "NOT_FOUND"))
            return
        with self.lock:
            self.calls[kind] += 1
            self.log.append({"method": method, "kind": kind, "query": query,
                             "body": json.loads(body) if body else None, "path": path, "bytes": len(body)})
            fault = self._take_fault(kind)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        elif fault is not None and fault.kind == "malformed" and fault.body is not None:
            self._send(h, 200, fault.body)
            return
        elif fault is not None and fault.kind == "malformed":
            self._send(h, 200, b"<html><body>Service temporarily unavailable</body></html>", "text/html")
            return
        elif fault is not None:
            self._error(h, ApiError(fault.status, f"Injected fault {fault.status}", "UNAVAILABLE"))
            return
        try:
            if self.require_token:
                self._authorise(h)
            with self.lock:
                result = self._dispatch(kind, sid, query, json.loads(body) if body else {})
        except ApiError as exc:
            self._error(h, exc)
            return
        self._send(h, 200, json.dumps(result, ensure_ascii=False).encode("utf-8"))

    def _route(self, method: str, path: str) -> tuple[str, str]:
        m = re.fullmatch(r"/v4/spreadsheets/([A-Za-z0-9_-]+)(/values:batchGet|/values:batchUpdate|:batchUpdate)?", path)
        if m is None:
            return "unknown", ""
        suffix = m.group(2) or ""
        kind = {
            ("GET", ""): "spreadsheets.get",
            ("GET", "/values:batchGet"): "values.batchGet",
            ("POST", "/values:batchUpdate"): "values.batchUpdate",
            ("POST", ":batchUpdate"): "spreadsheets.batchUpdate",
        }.get((method, suffix), "unknown")
        return kind, m.group(1)

    def _take_fault(self, kind: str) -> Fault | None:
        for fault in self.faults:
            if fault.endpoint in (None, kind) and (fault.times is None or fault.times > 0):
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    def _send(self, h: BaseHTTPRequestHandler, status: int, payload: bytes,
              content_type: str = "application/json; charset=UTF-8") -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)

    def _error(self, h: BaseHTTPRequestHandler, exc: ApiError) -> None:
        body = {"error": {"code": exc.code, "message": exc.message, "status": exc.status}}
        self._send(h, exc.code, json.dumps(body).encode())

    def _authorise(self, h: BaseHTTPRequestHandler) -> None:
        auth = h.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[len("Bearer "):] not in self.tokens:
            raise ApiError(401, "Request is missing required authentication credential.", "UNAUTHENTICATED")

    def _token(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        from google.auth import jwt  # the server checks the signature the way Google would

        form = parse_qs(body.decode())
        assertion = (form.get("assertion") or [""])[0]
        with self.lock:
            self.assertions.append(assertion)
        try:
            claims = jwt.decode(assertion, verify=False)  # type: ignore[no-untyped-call]
            email = claims["iss"]
            jwt.decode(assertion, certs=self.trusted_keys[email], audience=TOKEN_AUDIENCE)  # type: ignore[no-untyped-call]
        except Exception:
            self._send(h, 400, json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT"}).encode())
            return
        token = "ya29.local-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = email
        self._send(h, 200, json.dumps({"access_token": token, "expires_in": 3600, "token_type": "Bearer"}).encode())

    # --- API ---
    def _book(self, sid: str) -> Book:
        if sid in self.forbidden:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        book = self.books.get(sid)
        if book is None:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        return book

    def _dispatch(self, kind: str, sid: str, query: dict[str, list[str]], body: Any) -> Any:
        if kind == "unknown":
            raise ApiError(404, "Not found", "NOT_FOUND")
        book = self._book(sid)
        if kind == "spreadsheets.get":
            return self._get(book, query)
        if kind == "values.batchGet":
            return self._batch_get(book, query)
        if kind == "values.batchUpdate":
            return self._values_batch_update(book, body)
        return self._batch_update(book, body)

    def _get(self, book: Book, query: dict[str, list[str]]) -> dict[str, Any]:
        fields = (query.get("fields") or [""])[0]
        grid = (query.get("includeGridData") or ["false"])[0] == "true" or "data" in fields.replace("gridProperties", "")

        def wanted(name: str) -> bool:
            return not fields or name in fields

        sheets = []
        for s in book.sheets:
            out: dict[str, Any] = {"properties": s.properties()}
            if wanted("merges") and s.merges:
                out["merges"] = [self._grid_range(s, b) for b in s.merges]
            if wanted("protectedRanges") and s.protected:
                out["protectedRanges"] = copy.deepcopy(s.protected)
            if grid:
                out["data"] = [self._grid_data(s)]
            sheets.append(out)
        return {
            "spreadsheetId": book.spreadsheet_id,
            "properties": {"title": book.title, "locale": book.locale, "timeZone": "Asia/Ho_Chi_Minh"},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
        }

    @staticmethod
    def _grid_range(s: Sheet, b: Box) -> dict[str, int]:
        return {"sheetId": s.sheet_id, "startRowIndex": b[0], "endRowIndex": b[1],
                "startColumnIndex": b[2], "endColumnIndex": b[3]}

    def _grid_data(self, s: Sheet) -> dict[str, Any]:
        filled = [pos for pos, cell in s.cells.items() if cell]
        n_rows = max((r for r, _ in filled), default=-1) + 1
        row_data = []
        for r in range(n_rows):
            last = max((c for rr, c in filled if rr == r), default=-1)
            row_data.append({"values": [copy.deepcopy(s.cells.get((r, c), {})) for c in range(last + 1)]}
                            if last >= 0 else {})
        return {
            "rowData": row_data,
            "columnMetadata": [{"pixelSize": s.widths.get(c, 100)} for c in range(s.cols)],
            "rowMetadata": [{"pixelSize": s.heights.get(r, 21)} for r in range(s.rows)],
        }

    def _unformatted(self, s: Sheet, r: int, c: int, render: str) -> Any:
        value = s.cells.get((r, c), {}).get("userEnteredValue")
        if not value:
            return None
        ((kind, v),) = value.items()
        if kind == "formulaValue":
            if render == "FORMULA":
                return v
            return self._formula(s, v)
        if kind == "numberValue":
            if render == "FORMATTED_VALUE":
                fmt = s.cells[(r, c)].get("userEnteredFormat", {}).get("numberFormat", {})
                if fmt.get("type") == "DATE":
                    return date.fromordinal(EPOCH.toordinal() + int(v)).strftime("%d/%m/%Y")
                return str(_json_number(v)).replace(".", ",")  # shown the vi_VN way: why hoctap never reads it
            return _json_number(v)
        return v

    def _formula(self, s: Sheet, formula: str) -> Any:
        m = re.fullmatch(r"=SUM\(([A-Z0-9:,]+)\)", formula)
        if m is None:
            return None
        total = 0.0
        for part in m.group(1).split(","):
            _, b = parse_a1(part)
            assert b is not None
            for r in range(b[0], b[1]):
                for c in range(b[2], b[3]):
                    v = self._unformatted(s, r, c, "UNFORMATTED_VALUE")
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        total += v
        return _json_number(total)

    def _batch_get(self, book: Book, query: dict[str, list[str]]) -> dict[str, Any]:
        render = (query.get("valueRenderOption") or ["FORMATTED_VALUE"])[0]
        out = []
        for a1 in query.get("ranges", []):
            tab, b = parse_a1(a1)
            sheet = book.sheet(tab or book.sheets[0].title)
            b = b or (0, sheet.rows, 0, sheet.cols)
            sheet.check(b)
            rows: list[list[Any]] = []
            for r in range(b[0], b[1]):
                line = [self._unformatted(sheet, r, c, render) for c in range(b[2], b[3])]
                while line and line[-1] is None:
                    line.pop()
                rows.append(["" if v is None else v for v in line])
            while rows and not rows[-1]:
                rows.pop()
            vr: dict[str, Any] = {"range": f"{sheet.quoted()}!{a1_of(b)}", "majorDimension": "ROWS"}
            if rows:
                vr["values"] = rows
            out.append(vr)
        return {"spreadsheetId": book.spreadsheet_id, "valueRanges": out}

    def _values_batch_update(self, book: Book, body: dict[str, Any]) -> dict[str, Any]:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise bad_request("Invalid valueInputOption")
        work = copy.deepcopy(book)
        responses: list[dict[str, Any]] = []
        for item in body.get("data", []):
            tab, b = parse_a1(item["range"])
            sheet = work.sheet(tab or work.sheets[0].title)
            assert b is not None
            values = item.get("values", [])
            height, width = len(values), max((len(v) for v in values), default=0)
            sheet.check((b[0], b[0] + height, b[2], b[2] + width))
            for i, line in enumerate(values):
                for j, v in enumerate(line):
                    if v is None:
                        continue
                    cell = sheet.cells.setdefault((b[0] + i, b[2] + j), {})
                    if option == "RAW" or not isinstance(v, str):
                        cell["userEnteredValue"] = (
                            {"stringValue": v} if isinstance(v, str) else typed(v)["userEnteredValue"]
                        )
                    else:
                        cell["userEnteredValue"] = typed(v)["userEnteredValue"]
            responses.append({"spreadsheetId": book.spreadsheet_id,
                              "updatedRange": f"{sheet.quoted()}!{a1_of((b[0], b[0] + height, b[2], b[2] + width))}",
                              "updatedRows": height, "updatedColumns": width, "updatedCells": height * width})
        self.books[book.spreadsheet_id] = work
        return {"spreadsheetId": book.spreadsheet_id, "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in responses}),
                "responses": responses}

    # --- spreadsheets:batchUpdate ---
    def _batch_update(self, book: Book, body: dict[str, Any]) -> dict[str, Any]:
        work = copy.deepcopy(book)  # atomic, like the API: all requests apply or none
        replies = []
        for i, request in enumerate(body.get("requests", [])):
            ((name, args),) = request.items()
            handler = getattr(self, f"_r_{name}", None)
            if handler is None:
                raise bad_request(f'Invalid JSON payload received. Unknown name "{name}" at \'requests[{i}]\'')
            try:
                replies.append(handler(work, args))
            except ApiError as exc:
                raise bad_request(f"Invalid requests[{i}].{name}: {exc.message}") from None
        self.books[book.spreadsheet_id] = work
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    def _box(self, work: Book, rng: dict[str, Any]) -> tuple[Sheet, Box]:
        sheet = work.by_id(int(rng.get("sheetId", 0)))
        b = (int(rng.get("startRowIndex", 0)), int(rng.get("endRowIndex", sheet.rows)),
             int(rng.get("startColumnIndex", 0)), int(rng.get("endColumnIndex", sheet.cols)))
        sheet.check(b)
        return sheet, b

    def _r_addSheet(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        props = args.get("properties", {})
        title = props.get("title") or f"Trang tính{len(work.sheets) + 1}"
        if any(s.title.casefold() == title.casefold() for s in work.sheets):
            raise bad_request(f'A sheet with the name "{title}" already exists. Please enter another name.')
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = secrets.randbelow(2**31 - 1) + 1
        if any(s.sheet_id == sheet_id for s in work.sheets):
            raise bad_request(f"Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        index = props.get("index", len(work.sheets))
        if not 0 <= index <= len(work.sheets):
            raise bad_request(f"Invalid index {index}")
        for s in work.sheets:
            if s.index >= index:
                s.index += 1
        sheet = Sheet(int(sheet_id), title, index, int(grid.get("rowCount", 1000)), int(grid.get("columnCount", 26)))
        work.sheets.append(sheet)
        work.reindex()
        return {"addSheet": {"properties": sheet.properties()}}

    def _r_updateSheetProperties(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        props, fields = args["properties"], args.get("fields", "")
        sheet = work.by_id(int(props.get("sheetId", 0)))
        for f in fields.split(","):
            f = f.strip()
            if f == "title":
                sheet.title = props["title"]
            elif f == "gridProperties.rowCount":
                sheet.rows = int(props["gridProperties"]["rowCount"])
            elif f == "gridProperties.columnCount":
                sheet.cols = int(props["gridProperties"]["columnCount"])
            elif f:
                raise bad_request(f"Unsupported field mask {f}")
        sheet.cells = {p: c for p, c in sheet.cells.items() if p[0] < sheet.rows and p[1] < sheet.cols}
        return {}

    @staticmethod
    def _apply_fields(cell: dict[str, Any], data: dict[str, Any], fields: str) -> None:
        for f in (x.strip() for x in fields.split(",")):
            if f == "*":
                cell.clear()
                cell.update(copy.deepcopy(data))
                continue
            path = f.split(".")
            src: Any = data
            for p in path:
                src = src.get(p) if isinstance(src, dict) else None
            dst = cell
            for p in path[:-1]:
                dst = dst.setdefault(p, {})
            if src is None:
                dst.pop(path[-1], None)
            else:
                dst[path[-1]] = copy.deepcopy(src)

    def _r_updateCells(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        fields = args["fields"]
        rows = args.get("rows", [])
        if "range" in args:
            sheet, b = self._box(work, args["range"])
        else:
            start = args["start"]
            sheet = work.by_id(int(start.get("sheetId", 0)))
            r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
            b = (r0, r0 + len(rows), c0, c0 + max((len(r.get("values", [])) for r in rows), default=0))
            sheet.check(b)
        for r in range(b[0], b[1]):
            line = rows[r - b[0]].get("values", []) if r - b[0] < len(rows) else []
            for c in range(b[2], b[3]):
                data = line[c - b[2]] if c - b[2] < len(line) else {}
                cell = sheet.cells.setdefault((r, c), {})
                self._apply_fields(cell, data, fields)
        return {}

    def _r_repeatCell(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        sheet, b = self._box(work, args["range"])
        for r in range(b[0], b[1]):
            for c in range(b[2], b[3]):
                self._apply_fields(sheet.cells.setdefault((r, c), {}), args.get("cell", {}), args["fields"])
        return {}

    @staticmethod
    def _overlap(a: Box, b: Box) -> bool:
        return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]

    def _r_mergeCells(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        sheet, b = self._box(work, args["range"])
        if args.get("mergeType", "MERGE_ALL") != "MERGE_ALL":
            raise bad_request("Only MERGE_ALL is supported here")
        if any(self._overlap(b, m) for m in sheet.merges):
            raise bad_request("You can't merge cells that intersect with existing merged cells.")
        for r in range(b[0], b[1]):
            for c in range(b[2], b[3]):
                if (r, c) != (b[0], b[2]) and (r, c) in sheet.cells:
                    sheet.cells[(r, c)].pop("userEnteredValue", None)  # a merge keeps the top-left value only
        sheet.merges.append(b)
        return {}

    def _r_unmergeCells(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        sheet, b = self._box(work, args["range"])
        sheet.merges = [m for m in sheet.merges if not self._overlap(b, m)]
        return {}

    def _r_setDataValidation(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        sheet, b = self._box(work, args["range"])
        rule = args.get("rule")
        for r in range(b[0], b[1]):
            for c in range(b[2], b[3]):
                cell = sheet.cells.setdefault((r, c), {})
                if rule is None:
                    cell.pop("dataValidation", None)
                else:
                    cell["dataValidation"] = copy.deepcopy(rule)
        return {}

    def _r_updateDimensionProperties(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        rng = args["range"]
        sheet = work.by_id(int(rng.get("sheetId", 0)))
        columns = rng.get("dimension") == "COLUMNS"
        start = int(rng.get("startIndex", 0))
        end = int(rng.get("endIndex", sheet.cols if columns else sheet.rows))
        sheet.check((0, 1, start, end) if columns else (start, end, 0, 1))
        sizes = sheet.widths if columns else sheet.heights
        for i in range(start, end):
            sizes[i] = int(args["properties"]["pixelSize"])
        return {}

    def _protected(self, work: Book, pr: dict[str, Any]) -> dict[str, Any]:
        """Store as Google does: the owner is always an editor, ranges checked against the grid."""
        out = copy.deepcopy(pr)
        rng = out.get("range", {})
        sheet = work.by_id(int(rng.get("sheetId", 0)))
        if set(rng) - {"sheetId"}:
            self._box(work, rng)
        for u in out.get("unprotectedRanges", []):
            self._box(work, u)
        if out.get("warningOnly") and out.get("editors", {}).get("users"):
            raise bad_request("Editors are not supported with warningOnly protection.")
        users = out.setdefault("editors", {}).setdefault("users", [])
        if OWNER not in users:
            users.append(OWNER)
        out["requestingUserCanEdit"] = True
        del sheet  # only checked for existence
        return out

    def _r_addProtectedRange(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        pr = self._protected(work, args["protectedRange"])
        pr["protectedRangeId"] = work.next_protected_id
        work.next_protected_id += 1
        work.by_id(int(pr["range"].get("sheetId", 0))).protected.append(pr)
        return {"addProtectedRange": {"protectedRange": copy.deepcopy(pr)}}

    def _find_protected(self, work: Book, pid: int) -> tuple[Sheet, int]:
        for s in work.sheets:
            for i, pr in enumerate(s.protected):
                if pr["protectedRangeId"] == pid:
                    return s, i
        raise bad_request(f"No protected range with id: {pid}")

    def _r_updateProtectedRange(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        new = args["protectedRange"]
        sheet, i = self._find_protected(work, int(new["protectedRangeId"]))
        current = copy.deepcopy(sheet.protected[i])
        for f in (x.strip() for x in args["fields"].split(",")):
            if f in new:
                current[f] = copy.deepcopy(new[f])
            else:
                current.pop(f, None)
        sheet.protected[i] = self._protected(work, current)
        return {}

    def _r_deleteProtectedRange(self, work: Book, args: dict[str, Any]) -> dict[str, Any]:
        sheet, i = self._find_protected(work, int(args["protectedRangeId"]))
        del sheet.protected[i]
        return {}


def iter_requests(server: SheetsServer, kind: str) -> Iterator[dict[str, Any]]:
    """Bodies of the logged requests of one kind, oldest first."""
    for entry in server.log:
        if entry["kind"] == kind:
            yield entry


# --- what `hoctap template --google` sends it ----------------------------------------------------


@dataclass(frozen=True)
class GoogleTemplate:
    """The tabs `hoctap template --google ID --year YYYY` lays out."""

    year: int
    layouts: dict[str, TabLayout]  # by unit id, in the registry's order
    instructions: tuple[str, ...]
    specs: list[TabSpec]
    warnings: list[str]

    def layout(self, unit_id: str) -> TabLayout:
        return self.layouts[unit_id]


def google_template(project: Project, year: int) -> GoogleTemplate:
    """The year's tabs (`hoctap.pipeline.year_tabs`, as the command) and the project's editors: what set-up is given."""
    from hoctap import pipeline
    from intake.sheets_editors import load_editors
    from intake.sheets_setup import desired_tabs

    _, layouts, instructions = pipeline.year_tabs(project, year)
    specs, warnings = desired_tabs(layouts, instructions, load_editors(project.path("editors_file")))
    return GoogleTemplate(year, {t.unit_id: t for t in layouts}, tuple(instructions), specs, warnings)


def set_up(spreadsheet_id: str, project: Project, year: int, *, units: Sequence[str] | None = None,
           client: SheetsClient | None = None, policy: RetryPolicy | None = None) -> tuple[SetupReport, GoogleTemplate]:
    """`hoctap template --google spreadsheet_id --year year` in the project, through real gspread.

    `units`: lay out only the instructions and these units' tabs (a smaller spreadsheet, for speed).
    """
    from intake.sheets_setup import setup_spreadsheet

    template = google_template(project, year)
    specs = template.specs
    if units is not None:
        keep = {template.specs[0].title, *(template.layout(u).title for u in units)}
        specs = [s for s in specs if s.title in keep]
    report = setup_spreadsheet(spreadsheet_id, specs, warnings=template.warnings, client=client, policy=policy)
    return report, template
