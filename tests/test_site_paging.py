"""Long tables are split into pages: no page grows with the number of units, and no row is lost or doubled."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support import ROOT_REPO, hoctap, soup

from hoctap.project import Project
from hoctap.site_folders import manifest_path

sys.path.insert(0, str(ROOT_REPO / "scripts"))
sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
import benchmark

from hoctap_pages.paging import PAGE_ROWS

UNITS = 2 * PAGE_ROWS + 100  # three pages of every table


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ca-nuoc")
    benchmark.generate(root, UNITS, 3)  # 2023 (points), 2024 and 2025 (levels)
    done = hoctap("build", "--source", "nguon", "--output", "out", cwd=root, timeout=1200)
    assert done.returncode == 0, done.stderr
    return root / "out"


def table_rows(site: Path, folder: str, selector: str) -> list[str]:
    """Every row's unit link, over all pages of the table at `folder`, checking each page's pager."""
    names: list[str] = []
    pages = [site / folder / "index.html", *sorted((site / folder).glob("trang-*/index.html"),
                                                   key=lambda p: int(p.parent.name.removeprefix("trang-")))]
    assert len(pages) == 3, pages
    for number, path in enumerate(pages, start=1):
        doc = soup(path)
        navs = doc.select("nav.phan-trang")
        assert len(navs) >= 1, path
        current = navs[0].select_one("[aria-current=page]")
        assert current is not None and current.get_text(strip=True) == str(number)
        assert len(navs[0].select("a[href]")) >= 2  # the other pages (and previous / next)
        names += [a.get("href", "") for a in doc.select(selector)]
    return names


def test_a_levels_year_of_many_units_is_split_with_every_unit_once(big: Path) -> None:
    names = table_rows(big, "ket-qua/2025", "table.bang-muc-do tbody th.don-vi a")
    assert len(names) == len(set(names)) > 2 * PAGE_ROWS
    caption = soup(big / "ket-qua" / "2025" / "trang-2" / "index.html").select_one("table.bang-muc-do caption")
    assert caption is not None and f"{len(names)} đơn vị" in caption.get_text()


def test_a_ranking_of_many_units_is_split_in_rank_order(big: Path) -> None:
    pages = [big / "xep-hang" / "2023" / "index.html", big / "xep-hang" / "2023" / "trang-2" / "index.html",
             big / "xep-hang" / "2023" / "trang-3" / "index.html"]
    ranks = [int(tr.find("td").get_text(strip=True)) for p in pages for tr in soup(p).select("table.bang-xep-hang tbody tr")]
    assert ranks == sorted(ranks) and len(ranks) > 2 * PAGE_ROWS and ranks[0] == 1


def test_status_overview_and_unit_list_are_split_too(big: Path) -> None:
    statuses = table_rows(big, "tinh-hinh-nop/2025", "table.bang-nop tbody th a")
    assert len(statuses) == len(set(statuses)) == UNITS
    overview = table_rows(big, "tong-hop", "table.bang-tong-hop tbody th a")
    assert len(overview) == len(set(overview)) == UNITS
    listed = [a.get("href") for p in [big / "don-vi" / "index.html", *(big / "don-vi").glob("trang-*/index.html")]
              for a in soup(p).select("ul.danh-sach-don-vi a")]
    assert len(listed) == len(set(listed)) == UNITS


def test_no_page_grows_with_the_number_of_units(big: Path) -> None:
    sizes = {p.relative_to(big).as_posix(): p.stat().st_size for p in big.rglob("*.html") if "pagefind" not in p.parts}
    biggest = max(sizes, key=lambda k: sizes[k])
    assert sizes[biggest] < 600_000, (biggest, sizes[biggest])
    # The search page links the unit list instead of listing a thousand units A–Z.
    search = soup(big / "tim-kiem" / "index.html")
    assert not search.select("ul.danh-sach-don-vi li") and search.select_one('a[href$="/don-vi/"]') is not None


def test_a_change_to_one_unit_renders_again_only_the_table_pages_that_show_its_row(tmp_path: Path) -> None:
    """Each page of a long table is keyed on its own rows: one unit's corrected figure renders again the page
    of the year's results and of the overview that hold its row, not the other pages of either, and neither the
    status pages (its status did not change) nor the unit list (the registry did not). Every page the build
    links from the previous one is rendered again and compared (`HOCTAP_VERIFY_REUSE`), and the whole site
    equals a full build's."""
    root = tmp_path / "ca-nuoc"
    root.mkdir()
    source = benchmark.generate(root, UNITS, 2)  # 2024 and 2025, both levels years
    env = {"HOCTAP_VERIFY_REUSE": "1"}
    done = hoctap("build", "--source", "nguon", "--output", "out", cwd=root, env=env, timeout=1200)
    assert done.returncode == 0, done.stderr
    benchmark.change_one_unit_year(source)
    done = hoctap("build", "--source", "nguon", "--output", "out", cwd=root, env=env, timeout=1200)
    assert done.returncode == 0, done.stderr
    written = json.loads(manifest_path(Project.open(project=root), root / "out").read_text(encoding="utf-8"))["written_files"]

    def pages_under(folder: str) -> list[str]:
        return [f for f in written if f.startswith(folder) and f.endswith(".html") and f.count("/") <= folder.count("/") + 1]

    assert len(pages_under("ket-qua/2025/")) == 1, pages_under("ket-qua/2025/")
    assert len(pages_under("tong-hop/")) == 1, pages_under("tong-hop/")
    assert pages_under("tinh-hinh-nop/") == [] and pages_under("ket-qua/2024/") == []
    assert [f for f in pages_under("don-vi/") if f == "don-vi/index.html" or f.startswith("don-vi/trang-")] == []
    done = hoctap("build", "--source", "nguon", "--output", "ref", "--full", cwd=root, env=env, timeout=1200)
    assert done.returncode == 0, done.stderr
    out, ref = (sorted(p.relative_to(root / d) for p in (root / d).rglob("*")) for d in ("out", "ref"))
    assert out == ref
    different = [p for p in ref
                 if (root / "ref" / p).is_file() and (root / "out" / p).read_bytes() != (root / "ref" / p).read_bytes()]
    assert not different, different[:10]
