"""`hoctap.toml`: every setting declared once, with its default and its help.

The README's settings table is checked against `SETTINGS` by a test, so an
undocumented setting fails the suite. Secrets never live here: credentials
come only from the environment (see `intake.sheets_client`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from intake.errors import IntakeError

CONFIG_FILE = "hoctap.toml"
# Defaults name places inside the project (content/data/…); paths given in hoctap.toml are
# relative to that file. So `hoctap run` works from any folder on a fresh clone.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("province", "Long An", "Tên tỉnh hiển thị trên trang và trong bảng tính."),
    Setting("spreadsheet_id", None, "Mã bảng tính Google chứa các trang của đơn vị; để trống thì dùng dữ liệu mẫu."),
    Setting("site_url", "", "Địa chỉ công khai của trang (dùng cho liên kết tuyệt đối, sơ đồ trang, nguồn tin)."),
    Setting("history_dir", None,
            "Thư mục kết quả các năm trước (CSV dạng ngang hoặc tệp .xlsx), đọc kèm bảng tính Google."),
    Setting("sample_dir", "content/data/sample", "Thư mục dữ liệu mẫu nhúng sẵn."),
    Setting("registry", "content/data/units.csv", "Danh mục đơn vị (mã, tên, khối, năm bắt đầu/kết thúc)."),
    Setting("snapshot_dir", "content/data/snapshots", "Kho lưu bản gốc mỗi lần đọc nguồn (chỉ thêm, không sửa)."),
    Setting("editors_file", "editors.csv", "Tệp riêng tư: mã đơn vị, e-mail, vai trò (don-vi/tham-dinh); không công bố."),
    Setting("deadlines", {}, "Hạn nộp theo năm đánh giá, ví dụ \"2025\" = \"2026-01-31\"; mặc định 31/01 năm sau."),
    Setting("cdht_targets", {"2025": 0.60, "2030": 0.80},
            "Mục tiêu tỷ lệ Công dân học tập theo mốc năm (QĐ 677/QĐ-TTg: 60% năm 2025, 80% năm 2030)."),
)
_DEFAULTS = {s.name: s.default for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    root: Path
    values: dict[str, Any] = field(default_factory=dict)
    configured: bool = False  # a hoctap.toml was found

    def get(self, name: str) -> Any:
        if name not in _DEFAULTS:
            raise KeyError(name)
        return self.values.get(name, _DEFAULTS[name])

    def path(self, name: str) -> Path:
        p = Path(self.get(name))
        if p.is_absolute():
            return p
        return (self.root if name in self.values else PROJECT_ROOT) / p

    @property
    def spreadsheet_id(self) -> str | None:
        value = self.get("spreadsheet_id")
        return str(value) if value else None

    @property
    def province(self) -> str:
        return str(self.get("province"))

    def deadline(self, year: int) -> date:
        """Long An asks for reports before 31/01 of the following year (2020 letter); a setting may move it."""
        raw = self.get("deadlines").get(str(year))
        if raw is None:
            return date(year + 1, 1, 31)
        try:
            return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError as exc:
            raise IntakeError(f"{CONFIG_FILE}: hạn nộp năm {year} không hợp lệ: {raw!r} (dạng YYYY-MM-DD).") from exc

    def cdht_target(self, year: int) -> tuple[Decimal, int] | None:
        """The national target pursued in `year`: the first milestone at or after it."""
        milestones = sorted((int(y), Decimal(str(v))) for y, v in self.get("cdht_targets").items())
        for milestone_year, share in milestones:
            if year <= milestone_year:
                return share, milestone_year
        return None


def load_settings(config: Path | None = None, root: Path | None = None) -> Settings:
    """Settings from `hoctap.toml` in the working folder (or `config`); defaults when there is none."""
    root = root or Path.cwd()
    path = config or root / CONFIG_FILE
    if not path.exists():
        if config is not None:
            raise IntakeError(f"Không tìm thấy tệp cấu hình {config}.")
        return Settings(root=root)
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise IntakeError(f"Không đọc được {path.name}: {exc}") from exc
    unknown = sorted(set(values) - set(_DEFAULTS))
    if unknown:
        raise IntakeError(f"{path.name}: khóa không được hỗ trợ: {', '.join(unknown)}.")
    return Settings(root=path.parent.resolve(), values=values, configured=True)
