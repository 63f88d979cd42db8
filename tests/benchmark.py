"""Benchmark: score and build at national scale, against a plain-Jinja2 floor. Prints figures; asserts nothing.

    python tests/benchmark.py [--units 10000] [--years 5] [--skip-build]

Generates a synthetic registry of N units and N × years wide-CSV rows, then times
(1) reading + validating + scoring, (2) the full site build (Pelican, plugin,
downloads, Pagefind), (3) a no-change rebuild, and (4) a plain Jinja2 rendering
of the same per-unit and per-year ranking pages from the same results folder,
the floor any templating build pays. Peak memory is the process's max RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from jinja2 import Environment

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


UNIT_PAGE = Environment(autoescape=True).from_string(
    "<!doctype html><html lang=vi><head><title>{{ u.name }}</title></head><body><h1>{{ u.name }}</h1>"
    "<table>{% for r in rows %}<tr><td>{{ r.year }}</td><td>{{ r.total }}</td><td>{{ r['class'] }}</td>"
    "<td>{{ r.rank }}</td>{% for k, v in r.points.items() %}<td>{{ k }}: {{ v }}</td>{% endfor %}</tr>{% endfor %}"
    "</table></body></html>"
)
RANKING_PAGE = Environment(autoescape=True).from_string(
    "<!doctype html><html lang=vi><head><title>{{ year }}</title></head><body><table>{% for r in rows %}"
    "<tr><td>{{ r.rank }}</td><td><a href='/don-vi/{{ r.unit_id }}/'>{{ r.name }}</a></td><td>{{ r.group }}</td>"
    "<td>{{ r.total }}</td><td>{{ r['class'] }}</td></tr>{% endfor %}</table></body></html>"
)


def jinja_floor(results_dir: Path, out: Path) -> int:
    by_unit: dict[str, list[dict[str, object]]] = {}
    pages = 0
    index = json.loads((results_dir / "index.json").read_text(encoding="utf-8"))
    for year in index["years"]:
        doc = json.loads((results_dir / f"ket-qua-{year}.json").read_text(encoding="utf-8"))
        (out / f"xep-hang-{year}.html").write_text(RANKING_PAGE.render(year=year, rows=doc["results"]), encoding="utf-8")
        pages += 1
        for r in doc["results"]:
            by_unit.setdefault(r["unit_id"], []).append(r)
    names = {u["id"]: u for u in index["units"]}
    units_dir = out / "don-vi"
    units_dir.mkdir()
    for unit_id, rows in by_unit.items():
        (units_dir / f"{unit_id}.html").write_text(UNIT_PAGE.render(u=names[unit_id], rows=rows), encoding="utf-8")
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
