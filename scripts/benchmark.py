"""Benchmark: score and build at national scale, against a plain-Jinja2 floor. Prints figures; asserts nothing.

    python tests/benchmark.py [--units 10000] [--years 5] [--skip-build]

Generates a synthetic registry of N units and N × years wide-CSV rows, then times
(1) reading + validating + scoring, (2) the full site build (Pelican, plugin,
downloads, Pagefind), (3) a no-change rebuild, and (4) a plain Jinja2 rendering
of the same pages (the site's templates, contexts and filters, without
Pelican, downloads or search), the floor any templating build pays. Peak memory is the process's max RSS.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from intake import pipeline
from intake.settings import load_settings

INDICATORS = (("1.1", 10), ("1.2", 10), ("1.3", 10), ("2.1", 10), ("2.2", 5), ("2.3", 10), ("2.4", 5),
              ("3.1", 25), ("3.2", 10), ("3.3", 5))
GROUPS = ("Khối Đảng", "Khối chính quyền", "Đơn vị sự nghiệp", "Mặt trận và đoàn thể", "UBND cấp xã")


def generate(root: Path, units: int, years: int) -> None:
    rng = random.Random(2020)
    with (root / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "short_name", "group", "level", "reviewing_body", "first_year", "last_year"])
        for i in range(units):
            w.writerow([f"dv-{i:05d}", f"Đơn vị học tập số {i}", f"ĐV {i}", GROUPS[i % len(GROUPS)], "Cấp tỉnh",
                        "Sở Giáo dục và Đào tạo", 2020, ""])
    data = root / "nguon"
    data.mkdir()
    for year in range(2020, 2020 + years):
        with (data / f"ket-qua-{year}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["ma_don_vi", "nam", *[i for i, _ in INDICATORS], "so_thanh_vien", "so_cdht", "ngay_gui"])
            for i in range(units):
                q = rng.uniform(0.55, 1.0)
                pts = [str(min(m, round(m * rng.uniform(q - 0.1, q) * 2) / 2)) for _, m in INDICATORS]
                members = rng.randint(10, 300)
                w.writerow([f"dv-{i:05d}", year, *pts, members, rng.randint(0, members), f"{rng.randint(5, 28)}/01/{year + 1}"])
    (root / "hoctap.toml").write_text(
        'registry = "units.csv"\nsnapshot_dir = "snapshots"\nprovince = "Toàn quốc (giả lập)"\n', encoding="utf-8"
    )


SITE = Path(__file__).resolve().parent.parent / "site"


def jinja_floor(results_dir: Path, out: Path) -> int:
    """The same pages (the site's own templates, contexts and filters) rendered by plain Jinja2, no Pelican.

    What is left above this in `hoctap build` is Pelican, the downloads, the sitemap and Pagefind.
    """
    sys.path.insert(0, str(SITE / "plugins"))
    from hoctap_pages.formatting import FILTERS
    from hoctap_pages.pages import common_context, site_pages
    from hoctap_pages.results import load_results
    from hoctap_pages.safety import safe_url

    env = Environment(loader=FileSystemLoader(SITE / "theme" / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    env.globals["safe_url"] = safe_url
    data = load_results(results_dir)
    context = {"SITENAME": "Đơn vị học tập", "SITEURL": "", "hoctap": common_context(data)}
    pages = 0
    for page in site_pages(data, [], []):
        html = env.get_template(f"{page.template}.html").render(**context, page_url=page.url, **page.context)
        target = out / page.save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        pages += 1
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--skip-build", action="store_true", help="only time scoring and the Jinja2 floor")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hoctap-bench-") as tmp:
        root = Path(tmp)
        generate(root, args.units, args.years)
        settings = load_settings(root / "hoctap.toml")

        t0 = time.perf_counter()
        intake = pipeline.collect(settings, root / "nguon")
        t1 = time.perf_counter()
        report = pipeline.score_intake(intake, settings)
        t2 = time.perf_counter()
        print(f"rows: {report.read} unit-years ({args.units} units × {args.years} years)")
        print(f"read + archive: {t1 - t0:7.2f} s")
        print(f"validate + score + rank: {t2 - t1:7.2f} s   (score total {t2 - t0:.2f} s)")

        results_dir = root / "results"
        pipeline.write_results(report, settings, results_dir, sample=False)
        floor_out = root / "floor"
        floor_out.mkdir()
        t3 = time.perf_counter()
        pages = jinja_floor(results_dir, floor_out)
        t4 = time.perf_counter()
        floor = t4 - t3
        print(f"plain Jinja2 floor: {floor:7.2f} s for {pages} pages")

        if not args.skip_build:
            out = root / "output"
            t5 = time.perf_counter()
            pipeline.build(report, settings, out, sample=False)
            t6 = time.perf_counter()
            pipeline.build(report, settings, out, sample=False)
            t7 = time.perf_counter()
            built = sum(1 for _ in out.rglob("*.html"))
            print(f"hoctap build: {t6 - t5:7.2f} s for {built} HTML files (ratio to floor {(t6 - t5) / floor:.1f}×)")
            print(f"no-change rebuild: {t7 - t6:7.2f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (max RSS): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
