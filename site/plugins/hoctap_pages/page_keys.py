"""The key of each page for the incremental build: a digest of the data its context is made from.

A page's context is a pure function of the results folder, the registry and
the code (covered by `build_cache.global_key`), so a page's key only needs
the data it reads, named by the page's `deps`:

- `("unit", id)`: the unit and its lineage (registry rows, successor), what
  each year's file says about each of them, each year's deadline, target,
  authority and rubric, the decisions about them, the settings notes;
- `("year", y)`: that year's results file, the registry and the decisions;
- `("registry",)`: what every year page reads besides its year (`registry`: the
  registry, the decisions, the settings' notes, the years, the rejections
  without a year), and nothing of any year's results;
- `("status", y)`: what year y's status pages list (each unit's status and
  rejections), besides the year's deadline, authority and rubric;
- `("rows", y, frame, units)`: one page of a long table, from the digest of
  what the page shows besides its rows (`frame()`) and, per row, what year y
  (every year when y is None) says about the row's unit (`units()`): the page
  holding a changed unit's row is rendered again, not the whole table;
- `("all",)`: every results file and the index.

Every key also holds the context shared by all pages (banner, years, date).
Tests build incrementally after each kind of change and compare with a full
build byte for byte; `HOCTAP_VERIFY_REUSE` renders every reused page again
and fails the build if a key missed a difference.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

from .build_cache import key_of
from .fingerprint import Fingerprint, OpaqueValueError
from .site_data import SiteData


class PageKeys:
    def __init__(self, data: SiteData, base: str, shared: dict[str, Any]) -> None:
        self.data = data
        self.prints = Fingerprint()
        self.base = key_of(base, self.prints.digest(shared))
        self._status: dict[int, str] = {}
        self._frames: dict[Callable[[], Any], bytes] = {}

    def key(self, save_as: str, template: str, deps: tuple[Any, ...]) -> str | None:
        """None: a page rendered every time (a value its key cannot see, `OpaqueValueError`)."""
        kind = deps[0] if deps else "all"
        if kind == "unit":
            part = self.unit(str(deps[1]))
        elif kind == "year":
            part = self.year(int(deps[1]))
        elif kind == "registry":
            part = key_of("registry", self.registry)
        elif kind == "status":
            part = self.status(int(deps[1]))
        elif kind == "rows":
            try:
                part = self.rows(deps[1], deps[2], deps[3])
            except OpaqueValueError:
                return None
        else:
            part = self.everything
        return key_of(self.base, save_as, template, part)

    def status(self, year: int) -> str:
        """A year's status pages: the registry, the year's rubric, deadline and authority, and its status and
        rejected rows (dataclasses, whose `repr` shows every field: a tenth of `Fingerprint`'s time). Made
        once per year: every page of the table asks."""
        found = self._status.get(year)
        if found is None:
            yr = self.data.year(year)
            rows = hashlib.blake2b(repr((yr.status, yr.rejected)).encode("utf-8", "surrogatepass"), digest_size=20)
            found = self._status[year] = key_of("status", str(year), self.registry, self._year_meta[year], rows.digest())
        return found

    def rows(self, year: int | None, frame: Callable[[], Any], units: Callable[[], Sequence[str]]) -> str:
        """One page of a long table: what it shows besides its rows, and what the years say of its rows' units."""
        years = self.data.years if year is None else (year,)
        digests = [self.data.year(y).unit_digests for y in years]
        shown = ";".join(f"{u}:" + ",".join(d.get(u, "") for d in digests) for u in units())
        framed = self._frames.get(frame)
        if framed is None:  # one per table: its pages share it
            framed = self._frames[frame] = self.prints.digest(frame())
        return key_of("rows", str(year), self._every_unit, self.registry, framed, shown)

    @cached_property
    def registry(self) -> bytes:
        """What every year page reads besides its year: the registry, the decisions, the settings' notes, the
        years, and the rejections whose year could not be read (the latest year's status page lists them)."""
        r = self.data.results
        return self.prints.digest((r.units, r.groups, r.decisions, dict(r.settings_notes), r.years, r.rejected_no_year))

    @cached_property
    def everything(self) -> str:
        index = self.data.results.folder / "index.json"
        shas = [self.data.year(y).sha for y in self.data.years]
        return key_of("all", self.registry, hashlib.blake2b(index.read_bytes(), digest_size=20).digest(), *shas)

    def year(self, year: int) -> str:
        return key_of("year", str(year), self.registry, self.data.year(year).sha)

    @cached_property
    def _year_meta(self) -> dict[int, bytes]:
        out = {}
        for y in self.data.years:
            yr = self.data.year(y)
            out[y] = self.prints.digest((yr.rubric_id, yr.method, yr.deadline, yr.cdht_target, yr.authority))
        return out

    @cached_property
    def _every_unit(self) -> bytes:
        """What every unit page reads besides its unit: the years, their rubric, deadline, target and authority,
        and the settings' notes."""
        data = self.data
        return self.prints.digest((data.years, dict(data.results.settings_notes), tuple(self._year_meta.items())))

    @cached_property
    def _decisions(self) -> dict[str, list[tuple[int, Any]]]:
        """Each unit's decisions, with their place in the list (a page lists them in that order)."""
        out: dict[str, list[tuple[int, Any]]] = {}
        for i, d in enumerate(self.data.results.decisions):
            out.setdefault(d.unit_id, []).append((i, d))
        return out

    def unit(self, unit_id: str) -> str:
        """The unit's lineage (registry rows, successor) and decisions, and what each year's file says of each
        of them (`PublishedYear.unit_digests`); ten thousand of them per build, so the per-year part is joined
        as text rather than walked by `Fingerprint`."""
        data = self.data
        lineage = [data.unit_by_id[i] for i in data.lineage(unit_id) if i in data.unit_by_id]
        unit = data.unit_by_id[unit_id]
        successor = data.unit_by_id.get(unit.successor) if unit.successor else None
        decisions = tuple(d for _, d in sorted(p for i in {u.id for u in lineage} for p in self._decisions.get(i, ())))
        per_year = ";".join(f"{y}:" + ",".join(data.year(y).unit_digests.get(u.id, "") for u in lineage)
                            for y in data.years)
        return key_of("unit", self._every_unit, self.prints.digest((tuple(lineage), successor, decisions)), per_year)
