"""The unit registry: which agencies are assessed, in which group, in which years.

Data, not code (`content/data/units.csv`): units start and end in given years
(the 2025 merger removed the district level), so every lookup takes a year.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from scoring.errors import RegistryError

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "content" / "data" / "units.csv"
REQUIRED_COLUMNS = ("id", "name", "short_name", "group", "level", "reviewing_body", "first_year", "last_year")


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

    def active_in(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


def _fold(text: str) -> str:
    """Lower-case words without tone marks or punctuation, so 'so-giao-duc' finds 'Sở Giáo dục…'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", bare))


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

    def active(self, year: int) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.active_in(year))

    @property
    def groups(self) -> tuple[str, ...]:
        """Groups in registry order (the order of the official recipient list)."""
        return tuple(dict.fromkeys(u.group for u in self.units))

    def closest(self, text: str) -> Unit | None:
        """The registry unit whose id or name is nearest to what a submitter typed."""
        folded = _fold(text)
        best: tuple[float, Unit] | None = None
        for u in self.units:
            score = max(_likeness(folded, _fold(k)) for k in (u.id, u.name, u.short_name))
            if best is None or score > best[0]:
                best = (score, u)
        return best[1] if best is not None and best[0] >= 0.6 else None


def load_registry(path: Path | None = None) -> Registry:
    path = path or DEFAULT_REGISTRY
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RegistryError(f"{path.name}: thiếu cột {', '.join(missing)}.")
            units = []
            for line, row in enumerate(reader, start=2):
                try:
                    units.append(
                        Unit(
                            id=row["id"].strip(),
                            name=unicodedata.normalize("NFC", row["name"].strip()),
                            short_name=unicodedata.normalize("NFC", row["short_name"].strip()),
                            group=unicodedata.normalize("NFC", row["group"].strip()),
                            level=unicodedata.normalize("NFC", row["level"].strip()),
                            reviewing_body=unicodedata.normalize("NFC", row["reviewing_body"].strip()),
                            first_year=int(row["first_year"]),
                            last_year=int(row["last_year"]) if row["last_year"].strip() else None,
                        )
                    )
                except (ValueError, AttributeError) as exc:
                    raise RegistryError(f"{path.name}, dòng {line}: năm không hợp lệ ({exc}).") from exc
    except OSError as exc:
        raise RegistryError(f"Không đọc được danh mục đơn vị {path}: {exc}") from exc
    ids = [u.id for u in units]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RegistryError(f"{path.name}: mã đơn vị bị trùng: {', '.join(dupes)}.")
    return Registry(tuple(units))
