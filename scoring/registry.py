"""The unit registry: which agencies are assessed, in which group, set and type, in which years.

Data, not code (`content/data/units.csv`): units start and end in given years
(the 2025 reform removed the district level and merged Long An into Tây Ninh),
so every lookup takes a year, and a unit may name the `successor` that carries
its history on.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from scoring.errors import RegistryError
from scoring.text import fold_words, nfc

REQUIRED_COLUMNS = ("id", "name", "short_name", "group", "level", "reviewing_body", "first_year", "last_year")
OPTIONAL_COLUMNS = ("cap", "loai", "cong_lap", "successor")
CAPS = ("tinh", "huyen")
UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
YES = {"có", "co", "x", "1", "true"}
NO = {"không", "khong", "0", "false"}


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    short_name: str
    group: str
    level: str
    reviewing_body: str
    first_year: int
    last_year: int | None
    cap: str | None = None  # Thông tư 24/2023: which set of criteria (tinh: Điều 12–13, huyen: Điều 6–7)
    loai: str | None = None  # Thông tư 24/2023: the unit type (INTERFACES.md lists them)
    cong_lap: bool | None = None  # public or not; None: the type's default
    successor: str | None = None  # the unit that carries this one's history on after it ends

    def active_in(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


def _likeness(typed: str, key: str) -> float:
    """Similarity of two folded strings; every typed word found in the key counts for a lot."""
    ratio = difflib.SequenceMatcher(None, typed, key).ratio()
    words, key_words = typed.split(), set(key.split())
    if words and all(w in key_words for w in words):
        ratio = max(ratio, 0.8 + 0.2 * len(typed) / max(len(key), 1))
    return ratio


@dataclass(frozen=True)
class Registry:
    units: tuple[Unit, ...]

    def get(self, unit_id: str) -> Unit | None:
        return self._by_id.get(unit_id)

    @cached_property
    def _by_id(self) -> dict[str, Unit]:
        """Built once: a national registry has tens of thousands of units, looked up once per row."""
        return {u.id: u for u in self.units}

    @cached_property
    def _folded(self) -> tuple[tuple[Unit, tuple[str, ...]], ...]:
        return tuple((u, tuple({fold_words(k) for k in (u.id, u.name, u.short_name)})) for u in self.units)

    def active(self, year: int) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.active_in(year))

    @property
    def groups(self) -> tuple[str, ...]:
        """Groups in registry order (the order of the official recipient list)."""
        return tuple(dict.fromkeys(u.group for u in self.units))

    @cached_property
    def _predecessors(self) -> dict[str, tuple[Unit, ...]]:
        out: dict[str, list[Unit]] = {}
        for u in self.units:
            if u.successor:
                out.setdefault(u.successor, []).append(u)
        return {k: tuple(v) for k, v in out.items()}

    def predecessors(self, unit_id: str) -> tuple[Unit, ...]:
        """Units whose history this unit carries on (Long An's agencies merged into Tây Ninh's)."""
        return self._predecessors.get(unit_id, ())

    def lineage(self, unit_id: str) -> tuple[str, ...]:
        """This unit and, recursively, every unit it succeeded: one history across the merger."""
        out: list[str] = []
        todo = [unit_id]
        while todo:
            current = todo.pop()
            if current in out:
                continue
            out.append(current)
            todo.extend(u.id for u in self.predecessors(current))
        return tuple(out)

    def closest(self, text: str) -> Unit | None:
        """The registry unit whose id or name is nearest to what a submitter typed (bounded work per call)."""
        folded = fold_words(text[:200])
        if not folded:
            return None
        best: tuple[float, Unit] | None = None
        for unit, keys in self._folded:
            score = max(_likeness(folded, k) for k in keys)
            if best is None or score > best[0]:
                best = (score, unit)
        return best[1] if best is not None and best[0] >= 0.6 else None


def _bool(raw: str, where: str) -> bool | None:
    value = raw.strip().casefold()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise RegistryError(f"{where}: cong_lap «{raw}» phải là «có» hoặc «không».")


def _year(raw: str | None, where: str, column: str, required: bool) -> int | None:
    value = (raw or "").strip()
    if not value:
        if required:
            raise RegistryError(f"{where}: thiếu {column}.")
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2200:
        raise RegistryError(f"{where}: {column} «{value}» không phải một năm.")
    return int(value)


def parse_registry(rows: Iterable[dict[str, str | None]], name: str, known_types: Iterable[str] = ()) -> Registry:
    """Units from CSV rows; every bad row is named with its line, and the whole file is refused."""
    types = set(known_types)
    units: list[Unit] = []
    problems: list[str] = []
    for line, row in enumerate(rows, start=2):
        where = f"{name}, dòng {line}"
        try:
            if None in row.values() or None in row:
                raise RegistryError(f"{where}: số cột không khớp với dòng tiêu đề.")
            values = {k: nfc(v or "").strip() for k, v in row.items() if k is not None}
            uid = values["id"]
            if not UNIT_ID.match(uid):
                raise RegistryError(f"{where}: mã đơn vị «{uid}» chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.")
            for column in ("name", "short_name", "group"):
                if not values[column]:
                    raise RegistryError(f"{where}: thiếu {column}.")
            cap = values.get("cap") or None
            if cap is not None and cap not in CAPS:
                raise RegistryError(f"{where}: cap «{cap}» phải là tinh hoặc huyen.")
            loai = values.get("loai") or None
            if loai is not None and types and loai not in types:
                raise RegistryError(f"{where}: loai «{loai}» không có trong danh sách loại đơn vị ({', '.join(sorted(types))}).")
            first = _year(values["first_year"], where, "first_year", required=True)
            last = _year(values["last_year"], where, "last_year", required=False)
            assert first is not None
            if last is not None and last < first:
                raise RegistryError(f"{where}: last_year ({last}) nhỏ hơn first_year ({first}).")
            units.append(Unit(
                id=uid, name=values["name"], short_name=values["short_name"], group=values["group"],
                level=values["level"], reviewing_body=values["reviewing_body"], first_year=first, last_year=last,
                cap=cap, loai=loai, cong_lap=_bool(values.get("cong_lap", ""), where),
                successor=values.get("successor") or None,
            ))
        except RegistryError as exc:
            problems.append(str(exc))
    ids = [u.id for u in units]
    dupes = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if dupes:
        problems.append(f"{name}: mã đơn vị bị trùng: {', '.join(dupes)}.")
    known = set(ids)
    for u in units:
        if u.successor is not None and u.successor not in known:
            problems.append(f"{name}: đơn vị {u.id} có successor «{u.successor}» không có trong danh mục.")
    if problems:
        shown = "; ".join(problems[:10]) + (f" (và {len(problems) - 10} lỗi khác)" if len(problems) > 10 else "")
        raise RegistryError(f"Danh mục đơn vị không hợp lệ: {shown}")
    return Registry(tuple(units))


def load_registry(path: Path, known_types: Iterable[str] = ()) -> Registry:
    """Read `units.csv`; refuse it whole, naming each bad line, when it is malformed."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RegistryError(f"{path.name}: thiếu cột {', '.join(missing)}.")
            return parse_registry(reader, path.name, known_types)
    except UnicodeDecodeError:
        raise RegistryError(f"{path.name}: tệp không phải UTF-8 (hãy lưu dạng CSV UTF-8).") from None
    except csv.Error as exc:
        raise RegistryError(f"{path.name}: không đọc được CSV ({exc}).") from None
    except OSError as exc:
        raise RegistryError(f"Không đọc được danh mục đơn vị {path}: {exc.strerror or exc}.") from None
