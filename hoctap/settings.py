"""`hoctap.toml`: every setting declared once, with its default, its check and its help.

The README's settings table is checked against `SETTINGS` by a test, so an
undocumented setting fails the suite. A wrongly typed value is refused with a
message naming the key. Secrets never live here: credentials come only from
the environment (see `intake.sheets_client`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from scoring.results import Authority
from scoring.text import safe_url

CONFIG_FILE = "hoctap.toml"


class SettingsError(Exception):
    """hoctap.toml is unreadable or holds a value of the wrong kind; the message names the key."""


def _fail(key: str, message: str) -> SettingsError:
    return SettingsError(f"{CONFIG_FILE}: khóa «{key}»: {message}")


def _str(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(key, f"phải là một chuỗi, nhận được {type(value).__name__}.")
    return value


def _opt_str(key: str, value: Any) -> str | None:
    return None if value in (None, "") else _str(key, value)


def _path(key: str, value: Any) -> str:
    text = _str(key, value)
    if not text.strip() or "\x00" in text:
        raise _fail(key, "phải là một đường dẫn.")
    return text


def _opt_path(key: str, value: Any) -> str | None:
    return None if value in (None, "") else _path(key, value)


def _url(key: str, value: Any) -> str:
    text = _str(key, value).strip().rstrip("/")
    if text and safe_url(text) is None:
        raise _fail(key, f"«{text}» không phải địa chỉ http(s).")
    return text


def _year_key(key: str, raw: str) -> int:
    if not raw.isdigit() or not 1900 <= int(raw) <= 2200:
        raise _fail(key, f"«{raw}» không phải một năm.")
    return int(raw)


def _table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(key, f"phải là một bảng (ví dụ {{ \"2025\" = … }}), nhận được {type(value).__name__}.")
    return value


def _date(key: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_str(key, value))
    except ValueError:
        raise _fail(key, f"«{value}» không phải ngày dạng YYYY-MM-DD.") from None


def _deadlines(key: str, value: Any) -> dict[int, date]:
    return {_year_key(key, str(y)): _date(key, d) for y, d in _table(key, value).items()}


@dataclass(frozen=True)
class LocalDeadline:
    """A province's own deadline for a rubric's years ("trước ngày DD/MM năm sau"), with the text that set it."""

    month: int
    day: int
    citation: str


def _local_deadlines(key: str, value: Any) -> dict[str, LocalDeadline]:
    out: dict[str, LocalDeadline] = {}
    for rubric, raw in _table(key, value).items():
        table = raw if isinstance(raw, dict) else {"before": raw, "citation": "quy định của tỉnh (hoctap.toml)"}
        text = _str(key, table.get("before"))
        try:
            month, day = (int(x) for x in text.split("-"))
            date(2001, month, day)
        except ValueError:
            raise _fail(key, f"«{text}» phải là tháng-ngày, ví dụ \"01-31\".") from None
        out[str(rubric)] = LocalDeadline(month, day, _str(key, table.get("citation", "")))
    return out


def _targets(key: str, value: Any) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for y, share in _table(key, value).items():
        if isinstance(share, bool) or not isinstance(share, int | float | str):
            raise _fail(key, f"tỷ lệ năm {y} phải là một số từ 0 đến 1.")
        try:
            number = Decimal(str(share))
        except InvalidOperation:
            raise _fail(key, f"tỷ lệ năm {y} phải là một số từ 0 đến 1.") from None
        if not 0 <= number <= 1:
            raise _fail(key, f"tỷ lệ năm {y} phải từ 0 đến 1 (0,6 là 60%).")
        out[_year_key(key, str(y))] = number
    return out


def _rubric_years(key: str, value: Any) -> dict[int, str]:
    return {_year_key(key, str(y)): _str(key, r) for y, r in _table(key, value).items()}


def _choice(*choices: str) -> Callable[[str, Any], str]:
    def parse(key: str, value: Any) -> str:
        text = _str(key, value)
        if text not in choices:
            raise _fail(key, f"«{text}» phải là một trong: {', '.join(choices)}.")
        return text
    return parse


PERIOD_KEYS = ("from", "until", "province", "place", "receiving_body", "governing_body", "recognising_authority", "note")


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    authority: Authority

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _periods(key: str, value: Any) -> tuple[Period, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(key, "phải là danh sách các giai đoạn ([[periods]]).")
    out = []
    for i, raw in enumerate(value, start=1):
        table = _table(key, raw)
        unknown = sorted(set(table) - set(PERIOD_KEYS))
        if unknown:
            raise _fail(key, f"giai đoạn {i} có khóa không được hỗ trợ: {', '.join(unknown)}.")
        texts = {}
        for k in ("province", "receiving_body", "governing_body", "recognising_authority"):
            if k not in table:
                raise _fail(key, f"giai đoạn {i} thiếu «{k}».")
            texts[k] = _str(key, table[k])
        start = _date(key, table["from"]) if "from" in table else None
        end = _date(key, table["until"]) if "until" in table else None
        out.append(Period(start, end, Authority(
            province=texts["province"], receiving_body=texts["receiving_body"],
            recognising_authority=texts["recognising_authority"], governing_body=texts["governing_body"],
            place=_str(key, table.get("place", texts["province"])), note=_str(key, table.get("note", "")),
        )))
    return tuple(out)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str, Any], Any]
    help: str
    path: bool = False  # a path, relative to the project folder


DEFAULT_PERIODS = [
    {"until": "2025-06-30", "province": "Long An", "place": "Long An",
     "receiving_body": "Sở Giáo dục và Đào tạo tỉnh Long An", "governing_body": "Ủy ban nhân dân tỉnh Long An",
     "recognising_authority": "Chủ tịch Ủy ban nhân dân tỉnh Long An"},
    {"from": "2025-07-01", "province": "Tây Ninh", "place": "Tây Ninh",
     "receiving_body": "Sở Giáo dục và Đào tạo tỉnh Tây Ninh", "governing_body": "Ủy ban nhân dân tỉnh Tây Ninh",
     "recognising_authority": "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh",
     "note": "Từ ngày 01/07/2025 tỉnh Long An và tỉnh Tây Ninh hợp nhất thành tỉnh Tây Ninh; không còn cấp huyện."},
]

SETTINGS: tuple[Setting, ...] = (
    Setting("periods", DEFAULT_PERIODS, _periods,
            "Tỉnh, cơ quan tiếp nhận hồ sơ và người công nhận theo giai đoạn "
            "(mặc định: Long An đến 30/06/2025, Tây Ninh từ 01/07/2025)."),
    Setting("spreadsheet_id", None, _opt_str, "Mã bảng tính Google chứa các trang của đơn vị; để trống thì dùng dữ liệu mẫu."),
    Setting("site_url", "", _url, "Địa chỉ công khai của trang (dùng cho liên kết tuyệt đối, sơ đồ trang, nguồn tin)."),
    Setting("history_dir", None, _opt_path,
            "Thư mục kết quả các năm trước (CSV dạng ngang hoặc tệp .xlsx), đọc kèm bảng tính Google.", path=True),
    Setting("sample_dir", "content/data/sample", _path, "Thư mục dữ liệu mẫu nhúng sẵn.", path=True),
    Setting("registry", "content/data/units.csv", _path, "Danh mục đơn vị (mã, tên, khối, cấp, loại, năm bắt đầu/kết thúc).",
            path=True),
    Setting("decisions", "content/data/quyet-dinh.csv", _path,
            "Các quyết định công nhận Đơn vị học tập (số, ngày, người ký, đơn vị, năm, cấp, mức độ).", path=True),
    Setting("snapshot_dir", "content/data/snapshots", _path,
            "Kho lưu bản gốc mỗi lần lấy dữ liệu từ bảng tính Google (chỉ thêm, không sửa).", path=True),
    Setting("editors_file", "editors.csv", _path,
            "Tệp riêng tư: mã đơn vị, e-mail, vai trò (don-vi/tham-dinh); không công bố.", path=True),
    Setting("deadlines", {}, _deadlines, "Hạn nộp của từng năm đánh giá (nộp trước ngày này), ví dụ \"2025\" = \"2026-01-15\"."),
    Setting("deadline_by_rubric",
            {"tt22-2020": {"before": "01-31", "citation": "công văn tháng 10/2020 của Sở Giáo dục và Đào tạo tỉnh Long An "
                                                          "thực hiện Kế hoạch số 206/KH-UBND ngày 28/09/2020"}},
            _local_deadlines,
            "Hạn nộp theo bộ tiêu chí (tháng-ngày năm sau, kèm văn bản quy định); mặc định Thông tư 22/2020: trước 31/01 "
            "theo công văn năm 2020 của Sở GD&ĐT Long An; Thông tư 24/2023: trước 15/01 theo văn bản."),
    Setting("cdht_targets", {"2025": 0.60, "2030": 0.80}, _targets,
            "Mục tiêu tỷ lệ Công dân học tập theo mốc năm (QĐ 677/QĐ-TTg: 60% năm 2025, 80% năm 2030)."),
    Setting("rubric_years", {}, _rubric_years,
            "Gán một năm đánh giá cho bộ tiêu chí khác, ví dụ { \"2023\" = \"tt24-2023\" } "
            "(mặc định: năm 2023 theo Thông tư 22/2020)."),
    Setting("cdht_learners_rule", "ca-hai", _choice("ca-hai", "nguoi-hoc"),
            "Chỉ tiêu 3.1 ở cơ sở giáo dục có người học: «ca-hai» (đạt cả ngưỡng thành viên và người học) hoặc «nguoi-hoc»."),
    Setting("district_after_reform", "Chủ tịch Ủy ban nhân dân cấp xã", _str,
            "Người công nhận đơn vị cấp huyện (bộ tiêu chí Điều 6–7) từ 01/07/2025, khi không còn cấp huyện."),
    Setting("papers_templates", None, _opt_path,
            "Thư mục mẫu văn bản đã sửa cho «hoctap documents»; mẫu nào không có thì dùng mẫu mặc định "
            "(như --templates DIR).", path=True),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    values: Mapping[str, Any] = field(default_factory=dict)  # parsed values of the keys the file sets
    configured: bool = False  # a hoctap.toml was found

    def get(self, name: str) -> Any:
        setting = _BY_NAME[name]
        if name in self.values:
            return self.values[name]
        return setting.parse(name, setting.default)

    def is_set(self, name: str) -> bool:
        return name in self.values

    @property
    def spreadsheet_id(self) -> str | None:
        value: str | None = self.get("spreadsheet_id")
        return value

    def period(self, day: date) -> Period:
        periods: tuple[Period, ...] = self.get("periods")
        return next((p for p in periods if p.covers(day)), periods[-1])

    def cdht_target(self, year: int) -> tuple[Decimal, int] | None:
        """The national target pursued in `year`: the first milestone at or after it."""
        milestones: dict[int, Decimal] = self.get("cdht_targets")
        for milestone_year, share in sorted(milestones.items()):
            if year <= milestone_year:
                return share, milestone_year
        return None


def parse_settings(values: Mapping[str, Any], source: str = CONFIG_FILE) -> Settings:
    unknown = sorted(set(values) - set(_BY_NAME))
    if unknown:
        raise SettingsError(f"{source}: khóa không được hỗ trợ: {', '.join(unknown)}.")
    return Settings({k: _BY_NAME[k].parse(k, v) for k, v in values.items()}, configured=True)


def read_settings(path: Path) -> Settings:
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{path.name}: tệp không phải UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path.name}: cú pháp TOML không hợp lệ ({exc}).") from None
    except OSError as exc:
        raise SettingsError(f"Không đọc được {path}: {exc.strerror or exc}.") from None
    return parse_settings(values, path.name)
