"""Small builders shared by the core tests: wide CSV text and filled points."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

INDICATORS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")
FULL = dict(zip(INDICATORS, ("10", "10", "10", "10", "5", "10", "5", "25", "10", "5"), strict=True))


def points(total_minus: float = 0, **overrides: str) -> dict[str, str]:
    """Full marks, minus `total_minus` taken from indicator 3.1, with per-indicator overrides (use 1_1=…)."""
    out = dict(FULL)
    if total_minus:
        out["3.1"] = str(25 - total_minus)
    out.update({_key(k): v for k, v in overrides.items()})
    return out


def wide_csv(rows: Sequence[Mapping[str, str]], columns: Sequence[str] | None = None) -> bytes:
    cols = list(columns or ["ma_don_vi", "nam", *INDICATORS])
    extra = [k for r in rows for k in r if k not in cols]
    cols += list(dict.fromkeys(extra))
    lines = [",".join(cols)]
    for r in rows:
        lines.append(",".join(_quote(str(r.get(c, ""))) for c in cols))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _quote(value: str) -> str:
    return f'"{value}"' if "," in value or '"' in value else value


def _key(name: str) -> str:
    """Keyword arguments cannot hold dots: 1_2 stands for indicator 1.2, td_1_2 for td_1.2."""
    return re.sub(r"(\d)_(\d)", r"\1.\2", name)


def row(unit: str, year: int | str, **values: str) -> dict[str, str]:
    return {"ma_don_vi": unit, "nam": str(year), **points(), **{_key(k): v for k, v in values.items()}}
