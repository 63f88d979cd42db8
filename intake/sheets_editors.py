"""The private editors file (`editors.csv`): who may type where in the shared spreadsheet.

One line per person: a unit's own editors (`don-vi`) and the reviewing body's
(`tham-dinh`, for one unit or `*` for all). The file is private: it holds
e-mails, so it is never committed, archived or published.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from intake.errors import IntakeError

EDITOR_ROLES = ("don-vi", "tham-dinh")
ALL_UNITS = "*"


@dataclass(frozen=True)
class Editors:
    """Who may type where: a unit's own editors, and the reviewing body's (for one unit or all)."""

    by_unit: dict[str, tuple[str, ...]]
    reviewers_by_unit: dict[str, tuple[str, ...]]
    reviewers_all: tuple[str, ...]

    def unit(self, unit_id: str) -> tuple[str, ...]:
        return self.by_unit.get(unit_id, ())

    def reviewers(self, unit_id: str) -> tuple[str, ...]:
        return tuple(sorted({*self.reviewers_all, *self.reviewers_by_unit.get(unit_id, ())}))


EDITORS_HELP = (
    "Tệp CSV (UTF-8) có dòng tiêu đề «ma_don_vi,email,vai_tro», mỗi dòng một người: "
    "vai_tro «don-vi» là người nhập liệu của đơn vị ma_don_vi, «tham-dinh» là người của đơn vị thẩm định "
    "(ma_don_vi «*» nếu thẩm định mọi đơn vị). Tệp này riêng tư: không đưa lên kho mã, không công bố."
)


def load_editors(path: Path) -> Editors:
    """Read the private editors file; refuse it whole, with every bad line named, if it is wrong."""
    if not path.exists():
        raise IntakeError(f"Không tìm thấy tệp danh sách người nhập liệu {path}. {EDITORS_HELP}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in ("ma_don_vi", "email", "vai_tro") if c not in (reader.fieldnames or [])]
            if missing:
                raise IntakeError(f"{path.name}: thiếu cột {', '.join(missing)}. {EDITORS_HELP}")
            rows = list(enumerate(reader, start=2))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise IntakeError(f"Không đọc được {path}: {type(exc).__name__}.") from None
    by_unit: dict[str, set[str]] = {}
    reviewers_by_unit: dict[str, set[str]] = {}
    reviewers_all: set[str] = set()
    problems: list[str] = []
    for line, row in rows:
        unit = (row.get("ma_don_vi") or "").strip()
        email = (row.get("email") or "").strip().lower()
        role = (row.get("vai_tro") or "").strip().lower()
        if not unit and not email and not role:
            continue
        if not re.fullmatch(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+", email):
            problems.append(f"dòng {line}: e-mail «{email}» không hợp lệ")
        elif role not in EDITOR_ROLES:
            problems.append(f"dòng {line}: vai_tro «{role}» phải là don-vi hoặc tham-dinh")
        elif not unit:
            problems.append(f"dòng {line}: thiếu ma_don_vi")
        elif role == "don-vi" and unit == ALL_UNITS:
            problems.append(f"dòng {line}: người nhập liệu (don-vi) phải gắn với một đơn vị, không dùng «*»")
        elif role == "don-vi":
            by_unit.setdefault(unit, set()).add(email)
        elif unit == ALL_UNITS:
            reviewers_all.add(email)
        else:
            reviewers_by_unit.setdefault(unit, set()).add(email)
    if problems:
        raise IntakeError(f"{path.name}: " + "; ".join(problems) + ".")
    return Editors(
        by_unit={k: tuple(sorted(v)) for k, v in by_unit.items()},
        reviewers_by_unit={k: tuple(sorted(v)) for k, v in reviewers_by_unit.items()},
        reviewers_all=tuple(sorted(reviewers_all)),
    )
