"""The downloads, written by a process of their own while the pages are rendered, one results year at a time.

Writing `du-lieu/` needs the results only, not the pages: some seven seconds
of one core for a national site, which the page writer spent after its last
page while the other core idled. A forked copy of the build would share the
build's memory only until either wrote to it, and rendering the pages writes
to every row it reads (reference counts): the copy would soon cost as much
memory again. So a fresh process writes them (`DownloadsProcess`). It is
told what the build read of each year (`spec`: digests, row counts, paths)
and reads a year's rows from the results folder only when a file must be
made from them, one year at a time, checking they are the rows the build
read. It answers with what the downloads page lists and what it told its
build cache (`BuildCache.changes_since`), which the build's cache takes in.

Its input is one JSON object a line: `{"ready": folder, …}` once the folder is
written (optional), then the `spec`; its output one JSON object,
`{"listing": …, "cache": …}` or `{"error": message}`.
"""

from __future__ import annotations

import atexit
import contextlib
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, overload

import orjson

from scoring import year_stamps
from scoring.bulk import collector_paused, give_back_memory
from scoring.published import PublishedYear, load_year
from scoring.results import ResultRow
from scoring.results_folder import ResultsError
from scoring.results_json import RejectedRow
from scoring.rubric import Rubric

from . import child_process
from .build_cache import BuildCache
from .downloads import write_downloads
from .site_data import SiteData, rubric_for

# The settings a build cache is made from (`BuildCache.from_settings`).
CACHE_SETTINGS = ("HOCTAP_PREVIOUS_OUTPUT", "HOCTAP_BUILD_MANIFEST", "HOCTAP_BUILD_MANIFEST_OUT")


def _cache_settings(settings: dict[str, Any]) -> dict[str, str | None]:
    """The build cache's settings as text: a setting given as a `Path` goes down the pipe too."""
    return {k: None if settings.get(k) is None else str(settings[k]) for k in CACHE_SETTINGS}


class DownloadsError(RuntimeError):
    """The process that writes the downloads failed."""


def spec(data: SiteData, output: Path, settings: dict[str, Any], base: str) -> dict[str, Any]:
    """What the downloads process is told: where to write, the build cache's settings and key, and of each year
    what the build read (the digests of its files, how many rows)."""
    results = data.results
    return {
        "output": str(output), "folder": str(results.folder), "base": base,
        "settings": _cache_settings(settings),
        "generated": results.generated.isoformat(), "province": results.province, "sample": results.sample,
        "years": [{"year": y.year, "rubric_id": y.rubric_id, "method": y.method, "sha": y.sha, "csv_sha": y.csv_sha,
                   "json_path": str(y.json_path), "csv_path": str(y.csv_path), "rows": len(y.results),
                   "rejected": len(y.rejected)} for y in (data.year(year) for year in data.years)],
    }


class DownloadsProcess:
    """The build's end. Started as early as the build knows it will write pages (its imports, half a second,
    overlap the wait for the results); `send` tells it what to write once the results are read; `result`
    waits for it before the downloads page; `abort` stops it if the build fails."""

    def __init__(self) -> None:
        self.cache: BuildCache | None = None
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115  # lives as long as the process; closed in _end
        self.answer = tempfile.TemporaryFile()  # noqa: SIM115  # its answer may exceed a pipe: a file never blocks it
        try:
            self.proc = child_process.start("downloads", stdout=self.answer, stderr=self.errors)
        except OSError as exc:
            self._end()
            raise DownloadsError(f"Không chạy được tiến trình ghi tệp tải về: {exc}") from exc
        atexit.register(self.abort)  # a build that fails before `result` leaves no process behind

    def ready(self, folder: Path, output: Path, settings: dict[str, Any]) -> None:
        """The results folder is written: the process reads, while the build does, the previous build's manifest
        and the newest year whose data changed since that build (the one it will need first), if any."""
        self._say({"ready": str(folder), "output": str(output), "settings": _cache_settings(settings)})

    def send(self, told: dict[str, Any], cache: BuildCache | None) -> None:
        """What to write (`spec`); `cache`: the build's, which takes in what the process told its own."""
        self.cache = cache
        self._say(told)
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()

    def _say(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):  # one that died already says why in `result`
            self.proc.stdin.write(orjson.dumps(message) + b"\n")
            self.proc.stdin.flush()

    def result(self) -> dict[str, Any]:
        """The files for the downloads page, once written; the process's cache records are the build's now."""
        self.proc.wait()
        atexit.unregister(self.abort)
        self.answer.seek(0)
        raw = self.answer.read()
        self.errors.seek(0)
        told = self.errors.read().decode("utf-8", "replace").strip()[-2000:]
        self._end()
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError:
            doc = None
        if not isinstance(doc, dict) or "listing" not in doc:
            why = doc.get("error") if isinstance(doc, dict) else None
            raise DownloadsError(f"Không ghi được các tệp tải về (du-lieu/): {why or told or 'tiến trình dừng đột ngột'}")
        if self.cache is not None and doc["cache"] is not None:
            self.cache.apply(doc["cache"])
        return dict(doc["listing"])

    def abort(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        self._end()

    def _end(self) -> None:
        for f in (self.errors, self.answer):
            with contextlib.suppress(OSError):
                f.close()


# --- the process ------------------------------------------------------------------------------------


class _OneYear:
    """The rows of the one year read last: a year's rows are read when first needed and dropped for the next."""

    def __init__(self, folder: Path, held: PublishedYear | None = None) -> None:
        self.folder = folder
        self.held = held

    def release(self) -> None:
        """The year's rows go, and their memory with them, before the next year is read."""
        if self.held is not None:
            self.held = None
            give_back_memory()

    def of(self, year: YearOnDisk) -> PublishedYear:
        if self.held is None or self.held.year != year.year:
            self.release()
            found = load_year(self.folder, year.year)
            if (found.sha, found.csv_sha, len(found.results), len(found.rejected)) != (
                    year.sha, year.csv_sha, year.rows, year.rejected_rows):
                raise ResultsError(f"Kết quả năm {year.year} đã thay đổi trong lúc dựng trang: hãy dựng lại.")
            self.held = found
        return self.held


class _Rows(Sequence[Any]):
    """A year's results or rejections: their number is known, the rows are read when first asked for."""

    def __init__(self, size: int, read: Any) -> None:
        self.size, self.read = size, read

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, i: int) -> Any: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Any]: ...

    def __getitem__(self, i: int | slice) -> Any:
        return self.read()[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.read())


class YearOnDisk:
    """A results year as the downloads read it (`site_data.YearRows`), its rows read from the folder on demand."""

    def __init__(self, told: dict[str, Any], rows: _OneYear) -> None:
        self.year = int(told["year"])
        self.rubric_id: str | None = told["rubric_id"]
        self.method: str | None = told["method"]
        self.sha, self.csv_sha = str(told["sha"]), str(told["csv_sha"])
        self.json_path, self.csv_path = Path(told["json_path"]), Path(told["csv_path"])
        self.rows, self.rejected_rows = int(told["rows"]), int(told["rejected"])
        self.results: Sequence[ResultRow] = _Rows(self.rows, lambda: rows.of(self).results)
        self.rejected: Sequence[RejectedRow] = _Rows(self.rejected_rows, lambda: rows.of(self).rejected)


class ResultsOnDisk:
    """What the downloads read of the results folder's index (`site_data.ResultsInfo`)."""

    def __init__(self, told: dict[str, Any]) -> None:
        self.generated = datetime.fromisoformat(told["generated"])
        self.province: str = told["province"]
        self.sample = bool(told["sample"])


class DataOnDisk:
    """The results as the downloads read them (`site_data.DownloadData`), one year's rows at a time."""

    def __init__(self, told: dict[str, Any], held: PublishedYear | None = None) -> None:
        folder = Path(told["folder"])
        self.rows = rows = _OneYear(folder, held if held is not None and held.json_path.parent == folder else None)
        self.results = ResultsOnDisk(told)
        self.by_year = {int(y["year"]): YearOnDisk(y, rows) for y in told["years"]}
        self.years = tuple(sorted(self.by_year))

    def year(self, year: int) -> YearOnDisk:
        return self.by_year[year]

    def rubric(self, year: int) -> Rubric | None:
        return rubric_for(self.by_year[year].rubric_id if year in self.by_year else None, year)

    def release(self, year: int) -> None:
        """The downloads are done with `year`: its rows go if they are the ones held (a year read early, not yet
        reached, stays)."""
        if self.rows.held is not None and self.rows.held.year == year:
            self.rows.release()


def first_needed(folder: Path, previous: BuildCache) -> PublishedYear | None:
    """The newest year whose data is not what the previous build's downloads were made from (`previous`: this
    build's cache, which holds what that build recorded) (it will be read first), read now; None when every
    year's is (the files may all be kept). A year changed meanwhile is found by `_OneYear.of`'s check; one that
    cannot be read is left for the build to report."""
    for year in reversed(year_stamps.written_years(folder)):
        found = year_stamps.digests(folder, year)
        try:
            made_from = orjson.loads(previous.old_extra.get(f"du-lieu:{year}", "{}")).get("data")
        except (orjson.JSONDecodeError, AttributeError):
            made_from = None
        if found is None or made_from != list(found):
            try:
                return load_year(folder, year)
            except ResultsError:
                return None
    return None


def run(told: dict[str, Any], held: list[PublishedYear] | None = None, cache: BuildCache | None = None,
        ) -> dict[str, Any]:
    """Write the downloads `told` says; `held`: a year read already, handed over (the list is emptied: the
    year goes when the downloads are done with it, not when this returns); `cache`: the build cache made from
    the settings `told` holds, when made already."""
    output = Path(told["output"])
    if cache is None or cache.output != output:
        cache = BuildCache.from_settings(told["settings"], output)
    before = cache.snapshot()
    with collector_paused():  # labels and cells by the hundred thousand; the workbooks' few cycles wait for the end
        listing = write_downloads(DataOnDisk(told, held.pop() if held else None), output, cache, told["base"])
    return {"listing": listing, "cache": cache.changes_since(before)}


def main() -> int:
    try:
        held: list[PublishedYear] = []
        cache: BuildCache | None = None
        settings: Any = None
        for line in sys.stdin.buffer:  # `ready`, then `send`; an input that ends first is a build that stopped
            message = orjson.loads(line)
            if "ready" in message:
                settings = message["settings"]
                with collector_paused():  # the previous manifest now, not once told what to write
                    cache = BuildCache.from_settings(settings, Path(message["output"]))
                    found = first_needed(Path(message["ready"]), cache)
                held = [found] if found is not None else []
                del found
                continue
            answer = run(message, held, cache if message["settings"] == settings else None)
            break
        else:
            return 1
    except ResultsError as exc:
        answer = {"error": str(exc)}
    except Exception as exc:  # whatever it was, the build reports it, in its words
        answer = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.buffer.write(orjson.dumps(answer))
    sys.stdout.buffer.flush()
    return 0 if "listing" in answer else 1
