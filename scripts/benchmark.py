"""Benchmark: read, score and build a synthetic national project; prints figures, asserts nothing.

    python scripts/benchmark.py [--units 10000] [--years 5] [--json] [--skip-build] [--keep DIR]

A seeded project of N units × Y assessment years (ending 2025: Thông tư 22/2020
years score points, Thông tư 24/2023 years assess levels) is generated with the
sample's own row makers (`scripts/make_sample.py`), then timed in one run:

- `read_s`: reading the wide CSV files into submissions (the median of three reads);
- `score_s`: validating and assessing every submission (`cells_per_s` counts indicator cells): the median of
  three runs, each on a fresh read (`score_runs_s` lists them);
- `floor_s`: the site's pages rendered by bare Jinja2 (the same templates, contexts and
  filters, no Pelican, downloads or search): what any templating build pays;
- `build_s`: `hoctap build --full` as a separate process (read, score, results, Pelican, downloads, Pagefind);
- `rebuild_nochange_s`: `hoctap build` again with nothing changed;
- `rebuild_one_unit_s`: `hoctap build` after one unit-year's figures changed;
- `peak_rss_mb`: the largest sum of resident memory over the build's process tree (the `hoctap build`
  process, Pelican and the indexer), sampled from /proc during the three builds, as often as taking at most
  5% of one core allows (every 20 ms, or less often while a large forked child is alive: `peak_tree_rss`);
- `sampler_cpu_s`: the CPU seconds that sampling took meanwhile.

`--json` prints one JSON object with those keys instead of the table.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import make_sample
from jinja2 import Environment, FileSystemLoader

from hoctap import pipeline
from hoctap.project import Project
from scoring.bulk import fewer_collections
from scoring.levels_rubric import LevelsRubric
from scoring.points import PointsRubric
from scoring.registry import Unit

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
LAST_YEAR = 2025
GROUPS = ("Khối Đảng", "Khối chính quyền", "Khối đơn vị sự nghiệp", "Mặt trận và đoàn thể", "Khối doanh nghiệp",
          "Khối trường học")
TYPES = ("co-quan", "co-quan", "su-nghiep", "thpt", "hoi", "to-chuc-kinh-te", "gdtx", "co-quan")
SCORE_RUNS = 3
REGISTRY_COLUMNS = ("id", "name", "short_name", "group", "level", "reviewing_body", "first_year", "last_year", "cap",
                    "loai", "cong_lap", "successor")


def _units(count: int) -> list[Unit]:
    return [Unit(id=f"dv-{i:05d}", name=f"Đơn vị học tập số {i}", short_name=f"ĐV {i}", group=GROUPS[i % len(GROUPS)],
                 level="Cấp tỉnh", reviewing_body="Sở Giáo dục và Đào tạo", first_year=2020, last_year=None,
                 cap="tinh", loai=TYPES[i % len(TYPES)], cong_lap=None, successor=None)
            for i in range(count)]


def generate(root: Path, units: int, years: int) -> Path:
    """A project folder (hoctap.toml, registry, empty decisions) and its source folder `nguon/`; returns the latter."""
    make_sample.rng.seed(2020)
    registry = _units(units)
    with (root / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(REGISTRY_COLUMNS)
        for u in registry:
            w.writerow([u.id, u.name, u.short_name, u.group, u.level, u.reviewing_body, u.first_year, "", u.cap, u.loai,
                        "", ""])
    (root / "quyet-dinh.csv").write_text("so_quyet_dinh,ngay_ky,nguoi_ky,ma_don_vi,nam,cap,muc_do\n", encoding="utf-8")
    (root / "hoctap.toml").write_text('registry = "units.csv"\ndecisions = "quyet-dinh.csv"\n'
                                      'snapshot_dir = "snapshots"\nsample_dir = "nguon"\n', encoding="utf-8")
    source = root / "nguon"
    source.mkdir()
    project = Project.open(project=root)
    rubrics = pipeline.rubrics(project)
    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        rubric = rubrics.require(year)
        if isinstance(rubric, PointsRubric):
            make_sample.write_points_csv(source / f"ket-qua-{year}.csv", make_sample.points_rows(year, rubric, registry),
                                         rubric, excel=False)
        elif isinstance(rubric, LevelsRubric):
            rows = make_sample.levels_rows(year, rubric, registry)
            make_sample.add_council(rows, {r["ma_don_vi"] for r in rows[3::7]})
            make_sample.write_levels_csv(source / f"ket-qua-{year}.csv", rows)
    return source


def change_one_unit_year(source: Path) -> None:
    """Edit one figure of one unit-year in the latest file, as an agency correcting its tab would."""
    path = sorted(source.glob("ket-qua-*.csv"))[-1]
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    row = rows[len(rows) // 2]
    row["so_thanh_vien"] = str(int(row["so_thanh_vien"]) + 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def jinja_floor(project: Project, out: Path) -> int:
    """The site's own pages (templates, contexts, filters) rendered by bare Jinja2, no Pelican: the floor."""
    sys.path.insert(0, str(SITE / "plugins"))
    from hoctap_pages.formatting import FILTERS
    from hoctap_pages.pages import common_context, site_pages
    from hoctap_pages.site_data import SiteData
    from scoring.published import load_results_folder
    from scoring.text import safe_url

    env = Environment(loader=FileSystemLoader(SITE / "theme" / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.do"])
    env.filters.update(FILTERS)
    env.globals["safe_url"] = safe_url
    data = SiteData(load_results_folder(project.results_dir))
    context = {"SITENAME": "Đơn vị học tập", "SITEURL": "", "hoctap": common_context(data), "pages": []}
    count = 0
    # The collector settings the build renders with (its generator's): the floor gains from them as much.
    gc.freeze()
    with fewer_collections():
        for page in site_pages(data, [], {"years": [], "all_years": []}):
            html = env.get_template(f"{page.template}.html").render(**context, page_url=page.url, **page.context)
            target = out / page.save_as
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
            count += 1
    gc.unfreeze()
    return count


def _private_kb(pid: int) -> int:
    """A process's resident pages that no other process maps (Private_Clean + Private_Dirty)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1])
    except OSError:
        return 0
    return total


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process's descendants (not the process itself), from /proc (Linux).

    A forked child that runs its parent's program (`hoctap build`'s scoring child, or any child caught between
    its fork and its exec) shares its parent's pages until either writes to them: it counts with its private
    pages only, so what both hold is counted once. Counting its whole resident memory read one run's peak as
    2 GB (a sample falling in the instant Pelican, near a gigabyte, started Pagefind); not counting it at all,
    as this did before, missed the scoring child's own memory.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cmdline: dict[int, bytes] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmdline[int(entry.name)] = f.read()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, stack = 0, [(pid, root_pid) for pid in children.get(root_pid, [])]
    while stack:
        pid, parent = stack.pop()
        total += rss.get(pid, 0) if cmdline.get(pid) != cmdline.get(parent) else _private_kb(pid)
        stack.extend((child, pid) for child in children.get(pid, []))
    return total


@contextmanager
def peak_tree_rss() -> Iterator[list[int]]:
    """Samples the processes this one starts (the build and its children); yields the peak in kB.

    A sample costs about 2 ms, and 15 ms more for each forked child of 600 MB (`_private_kb` reads its
    smaps_rollup, which walks its page tables). Taken every 20 ms, the samples kept one of the two cores busy
    for as long as the build's scoring child lived, and slowed the very builds they measured (not the floor,
    which is rendered without them). So after each sample the sampler waits nineteen times what it cost, at
    least 20 ms: it takes at most 5% of one core, and still samples a phase of memory that lasts a second."""
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while True:
            start = time.perf_counter()
            peak[0] = max(peak[0], _tree_rss_kb(os.getpid()))
            if done.wait(max(0.02, 19 * (time.perf_counter() - start))):
                return

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()


def hoctap_build(project: Path, source: Path, output: Path, *extra: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hoctap", "--project", str(project), "build", "--source", str(source),
                           "--output", str(output), *extra], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"hoctap build thất bại (mã {done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def measure(units: int, years: int, root: Path, *, skip_build: bool) -> dict[str, float | int | str]:
    source = generate(root, units, years)
    project = Project.open(project=root)
    figures: dict[str, float | int | str] = {"units": units, "years": years, "cpus": os.cpu_count() or 0}

    reg = pipeline.registry(project)
    reads, scores = [], []
    intake = report = None
    for _ in range(SCORE_RUNS):  # scoring is timed a few times, each on a fresh read: a shared machine is noisy
        intake = report = None  # the last run's, gone before the next read
        gc.collect()
        start = time.perf_counter()
        intake = pipeline.collect(project, source)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = pipeline.score_intake(intake, project, reg)
        scores.append(time.perf_counter() - start)
    figures["read_s"] = statistics.median(reads)
    figures["score_s"] = statistics.median(scores)
    figures["score_runs_s"] = ", ".join(f"{t:.3f}" for t in scores)
    cells = sum(len(s.indicators) for s in intake.collected.submissions)
    figures["cells"] = cells
    figures["cells_per_s"] = cells / figures["score_s"] if figures["score_s"] else 0.0
    figures["read_rows"] = report.read
    figures["rejected"] = len(report.rejected)
    pipeline.write_results(project, report, intake, reg)
    # The floor renders in this process: without the intake and report alive, as a build's Pelican has only the
    # results (their millions of objects would make every walk of the cycle collector slower, and the floor too).
    del intake, report
    gc.collect()

    floor_out = root / "floor"
    start = time.perf_counter()
    figures["pages"] = jinja_floor(project, floor_out)
    figures["floor_s"] = time.perf_counter() - start

    if not skip_build:
        output = root / "output"
        sampled = time.process_time()
        with peak_tree_rss() as peak:
            figures["build_s"] = hoctap_build(root, source, output, "--full")
            figures["rebuild_nochange_s"] = hoctap_build(root, source, output)
            change_one_unit_year(source)
            figures["rebuild_one_unit_s"] = hoctap_build(root, source, output)
        figures["peak_rss_mb"] = peak[0] / 1024
        # What the memory sampler took from the builds it measured (this process only samples meanwhile).
        figures["sampler_cpu_s"] = time.process_time() - sampled
        figures["html_files"] = sum(1 for _ in output.rglob("*.html"))
        figures["build_over_floor"] = figures["build_s"] / figures["floor_s"]
        figures["nochange_over_build"] = figures["rebuild_nochange_s"] / figures["build_s"]
        figures["one_unit_over_build"] = figures["rebuild_one_unit_s"] / figures["build_s"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--skip-build", action="store_true", help="only read, score and the Jinja2 floor")
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    args = parser.parse_args()
    random.seed(2020)
    if args.keep:
        args.keep.mkdir(parents=True)
        figures = measure(args.units, args.years, args.keep.resolve(), skip_build=args.skip_build)
    else:
        with tempfile.TemporaryDirectory(prefix="hoctap-bench-") as tmp:
            figures = measure(args.units, args.years, Path(tmp), skip_build=args.skip_build)
    if args.json:
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))
    else:
        for key, value in figures.items():
            print(f"{key:>22}  {value:.3f}" if isinstance(value, float) else f"{key:>22}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
