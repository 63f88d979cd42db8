"""Long tables split into pages of `PAGE_ROWS` rows, so no page grows with the number of units.

A province's few hundred units fit on one page, as before; a national
portal's ten thousand make 20 pages of a ranking instead of one of several
megabytes. Page 1 keeps the table's address; page n is `trang-n/` under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PAGE_ROWS = 500


@dataclass(frozen=True)
class PagerLink:
    number: int
    url: str
    first: int  # the first row's position (1-based) on that page
    last: int


@dataclass(frozen=True)
class Pager:
    """Where one page stands among the pages of its table."""

    number: int
    links: tuple[PagerLink, ...]
    total: int  # rows over all pages

    @property
    def count(self) -> int:
        return len(self.links)

    @property
    def current(self) -> PagerLink:
        return self.links[self.number - 1]

    @property
    def previous(self) -> PagerLink | None:
        return self.links[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> PagerLink | None:
        return self.links[self.number] if self.number < self.count else None


def page_url(base: str, number: int) -> str:
    """`base` is a folder URL ("xep-hang/2023/"); page 1 is the folder itself."""
    return base if number == 1 else f"{base}trang-{number}/"


def paged(base: str, rows: Sequence[Any], size: int = PAGE_ROWS) -> list[tuple[str, list[Any], Pager | None]]:
    """(output path, the page's rows, its pager — None when one page holds everything) for each page."""
    if len(rows) <= size:
        return [(f"{base}index.html", list(rows), None)]
    starts = range(0, len(rows), size)
    links = tuple(PagerLink(n, page_url(base, n), start + 1, min(start + size, len(rows)))
                  for n, start in enumerate(starts, start=1))
    return [(f"{link.url}index.html", list(rows[link.first - 1:link.last]), Pager(link.number, links, len(rows)))
            for link in links]
