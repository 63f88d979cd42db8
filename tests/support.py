"""Helpers shared by the tests: wide CSV rows for both laws, small projects, and builds with the real pipeline.

Site tests get their data by scoring small sources with the real scorer
(`small_project`), never from a hand-written results folder.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from scoring.levels_rubric import LevelsRubric
from scoring.rubric import default_rubrics

ROOT_REPO = Path(__file__).resolve().parent.parent  # the checkout under test (tests may locate their own files)
INDICATORS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")
FULL = dict(zip(INDICATORS, ("10", "10", "10", "10", "5", "10", "5", "25", "10", "5"), strict=True))
PINNED_EPOCH = "1795392000"  # 2026-11-24: SOURCE_DATE_EPOCH of every reproducible build in the tests


# --- Thông tư 22/2020 rows ----------------------------------------------------------------------


def points(total_minus: float = 0, **overrides: str) -> dict[str, str]:
    """Full marks, minus `total_minus` taken from indicator 3.1, with per-indicator overrides (use 1_1=…)."""
    out = dict(FULL)
    if total_minus:
        out["3.1"] = str(25 - total_minus)
    out.update({key(k): v for k, v in overrides.items()})
    return out


def key(name: str) -> str:
    """Keyword arguments cannot hold dots: 1_2 stands for indicator 1.2, td_1_2 for td_1.2, hd_2_1 for hd_2.1."""
    return re.sub(r"(\d)_(\d)", r"\1.\2", name)


def row(unit: str, year: int | str, **values: str) -> dict[str, str]:
    return {"ma_don_vi": unit, "nam": str(year), **points(), **{key(k): v for k, v in values.items()}}


# --- Thông tư 24/2023 rows ----------------------------------------------------------------------


def levels_rubric() -> LevelsRubric:
    rubric = default_rubrics().by_id("tt24-2023")
    assert isinstance(rubric, LevelsRubric)
    return rubric


def levels_row(unit: str, year: int | str, *, cap: str = "tinh", loai: str = "co-quan", public: bool | None = None,
               level: int = 1, members: int = 100, learners: int | None = None, met: int = 100,
               **values: str) -> dict[str, str]:
    """A TT 24 row for a unit of that set and type: every applicable chỉ tiêu met, with evidence.

    `met` is the number of members meeting each share chỉ tiêu; `values` override any column
    (use 2_1="89", mc_2_1="", hd_3_1="không đạt").
    """
    rubric = levels_rubric()
    cset = rubric.set_for_cap(cap)
    utype = rubric.unit_types[loai]
    assert cset is not None
    is_public = utype.public_default if public is None else public
    out = {"ma_don_vi": unit, "nam": str(year), "muc_de_nghi": str(level), "so_thanh_vien": str(members)}
    if utype.learners:
        n = learners or 1000
        out["so_nguoi_hoc"], out["nguoi_hoc_cdht"] = str(n), str(n)
    for ind in cset.indicators:
        if not any(ind.rule(lv).applies.applies(loai, is_public) for lv in (1, 2)):
            continue
        out[ind.id] = {"yes-no": "đạt", "digital": "tốt"}.get(ind.kind, str(met))
        out[f"mc_{ind.id}"] = f"https://vanban.example/{unit}/{year}/{ind.id}.pdf"
    out.update({key(k): v for k, v in values.items()})
    return {k: v for k, v in out.items() if v is not None}


# --- files and projects ----------------------------------------------------------------------------


def wide_csv(rows: Sequence[Mapping[str, str]], columns: Sequence[str] | None = None) -> bytes:
    cols = list(columns or [])
    for r in rows:
        cols += [k for k in r if k not in cols]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, cols, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


REGISTRY_HEADER = "id,name,short_name,group,level,reviewing_body,first_year,last_year,cap,loai,cong_lap,successor\n"


def registry_csv(units: Iterable[Mapping[str, Any]]) -> str:
    lines = [REGISTRY_HEADER]
    for u in units:
        fields = [u["id"], u["name"], u.get("short_name", u["name"][:20]), u.get("group", "Khối chính quyền"),
                  u.get("level", "Cấp tỉnh"), u.get("reviewing_body", "Sở Giáo dục và Đào tạo"),
                  str(u.get("first_year", 2020)), str(u.get("last_year") or ""), u.get("cap", "tinh"),
                  u.get("loai", "co-quan"), u.get("cong_lap", ""), u.get("successor", "")]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(fields)
        lines.append(buffer.getvalue())
    return "".join(lines)


def make_project(folder: Path, *, settings: str = "", units: Iterable[Mapping[str, Any]] | None = None,
                 decisions: str | None = None) -> Path:
    """A project folder with its own hoctap.toml (and, optionally, its own registry and decisions)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = settings
    if units is not None:
        (folder / "units.csv").write_text(registry_csv(units), encoding="utf-8")
        text = 'registry = "units.csv"\n' + text
    if decisions is not None:
        (folder / "quyet-dinh.csv").write_text(decisions, encoding="utf-8")
        text = 'decisions = "quyet-dinh.csv"\n' + text
    (folder / "hoctap.toml").write_text(text, encoding="utf-8")
    return folder


def hoctap(*args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs it (a real process, the clock pinned)."""
    full = {**os.environ, "SOURCE_DATE_EPOCH": PINNED_EPOCH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "hoctap", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False, env=full)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(path: Path) -> str:
    return soup(path).get_text(" ", strip=True)


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
