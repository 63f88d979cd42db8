"""Run Pelican on a project's results folder, the way a user would, and publish the output atomically.

The build is Pelican's own command (`python -m pelican … --fatal errors`, run
through `hoctap.quiet_pelican`, which only drops its spinner), with
the project's `site/pelicanconf.py` (or `publishconf.py`, which imports it):
plain `pelican -s site/pelicanconf.py` builds the same site from the same
results folder. hoctap adds two guards:

* the output folder is written by a build into a sibling temporary folder and
  swapped in only when the build succeeded, so a failed or killed build leaves
  the previous site whole;
* a folder hoctap did not build (it lacks the marker file, or it holds the
  project, its content or its archive) is never emptied or replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from hoctap.project import Project, ProjectError
from scoring import results_gate, year_stamps

MARKER = ".hoctap-site"
# The libraries whose output lands in the site's bytes (the plugin's `build_cache` counts the same ones).
RENDERING_LIBRARIES = ("hoctap", "pelican", "jinja2", "markupsafe", "markdown", "babel", "xlsxwriter",
                       "pandas", "fpdf2", "pagefind", "pagefind-bin")  # written into every output folder hoctap builds
BUILD_TIMEOUT_S = 3600


class SiteBuildError(Exception):
    """The site could not be built; the message is Vietnamese and the previous site is intact."""


def check_output_folder(project: Project, output: Path) -> None:
    """Refuse an output folder whose contents hoctap did not write, before anything is touched."""
    target = output.resolve()
    protected = [project.root, project.root / "content", project.root / "site", project.state_dir]
    for keep in (project.path("snapshot_dir"), project.path("registry").parent):
        protected.append(keep.resolve())
    for folder in protected:
        folder = folder.resolve()
        if target == folder or folder.is_relative_to(target):
            raise SiteBuildError(
                f"Không dựng trang vào {output}: thư mục này chứa {folder} của dự án; hãy chọn một thư mục riêng "
                "(mặc định: output)."
            )
    # Nor inside what the build reads (Pelican would take the site for content or theme), its state or the archive.
    inside = (project.root / "content", project.root / "site", project.content_dir, project.site_dir, project.state_dir,
              project.path("snapshot_dir"))
    for folder in inside:
        folder = folder.resolve()
        if folder != project.root.resolve() and target.is_relative_to(folder):
            raise SiteBuildError(
                f"Không dựng trang vào {output}: thư mục này nằm trong {folder} của dự án; hãy chọn một thư mục "
                "riêng (mặc định: output)."
            )
    if target.is_file():
        raise SiteBuildError(f"Không dựng trang vào {output}: đây là một tệp, không phải thư mục.")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise SiteBuildError(
            f"Không dựng trang vào {output}: thư mục đã có tệp không do hoctap dựng (thiếu {MARKER}); "
            "hãy chọn thư mục trống hoặc xóa thư mục đó trước."
        )


def _pelican_error(text: str) -> str:
    """The useful line of Pelican's log: our plugin's Vietnamese message, or Pelican's last complaint."""
    lines = [re.sub(r"\s+", " ", line).strip(" │") for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith(("Traceback", "File ", "─"))]
    for line in lines:
        if "Error:" in line or "ERROR" in line or "CRITICAL" in line:
            return re.sub(r"^(\[[\d:]+\]\s*)?(CRITICAL|ERROR)\s*", "", line)[:500]
    return (lines[-1] if lines else "Pelican dừng mà không nêu lý do")[:500]


def run_pelican(project: Project, output: Path, *, publish: bool = False, site_url: str = "",
                search: bool = True, incremental: dict[str, str] | None = None) -> None:
    """Pelican's own command line into `output` (which must not exist or be ours); raise on any error.

    `incremental` carries the build-cache settings (`HOCTAP_PREVIOUS_OUTPUT`, `HOCTAP_BUILD_MANIFEST`,
    `HOCTAP_BUILD_MANIFEST_OUT`) the plugin reads; without them every page is rendered.
    """
    start_pelican(project, output, publish=publish, site_url=site_url, search=search, incremental=incremental).wait()


@dataclass
class PelicanRun:
    """Pelican running into `output`; with a `gate`, waiting to read the results folder until it opens."""

    process: subprocess.Popen[str]
    output: Path
    gate: int | None = None  # the end `open_the_gate` writes

    def wait(self) -> None:
        """Open the gate, wait for the end, and raise `SiteBuildError` unless the site was built."""
        try:
            if self.gate is not None:
                gate, self.gate = self.gate, None
                with contextlib.suppress(OSError):  # Pelican already stopped: its own message says why
                    results_gate.open_the_gate(gate)
            out, err = self.process.communicate(timeout=BUILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.stop()
            raise SiteBuildError(f"Dựng trang quá {BUILD_TIMEOUT_S // 60} phút nên đã dừng; trang cũ được giữ nguyên.") from None
        if self.process.returncode != 0 or not (self.output / "index.html").is_file():
            raise SiteBuildError(f"Không dựng được trang web: {_pelican_error(err + out)}")

    def stop(self) -> None:
        """Stop Pelican: the results it waits for will not come (or are the site's already)."""
        if self.gate is not None:
            os.close(self.gate)
            self.gate = None
        self.process.kill()
        self.process.communicate()


def start_pelican(project: Project, output: Path, *, publish: bool = False, site_url: str = "", search: bool = True,
                  incremental: dict[str, str] | None = None, gate: tuple[int, int] | None = None) -> PelicanRun:
    """Start `run_pelican`'s command; `gate` (`results_gate.open_gate`): it reads the results once the gate opens.
    The gate's ends are Pelican's and the returned run's from here, closed if Pelican cannot start."""
    try:
        return _start_pelican(project, output, publish=publish, site_url=site_url, search=search,
                              incremental=incremental, gate=gate)
    except BaseException:
        results_gate.close_gate(gate)
        raise


def _start_pelican(project: Project, output: Path, *, publish: bool, site_url: str, search: bool,
                   incremental: dict[str, str] | None, gate: tuple[int, int] | None) -> PelicanRun:
    conf = project.site_dir / ("publishconf.py" if publish else "pelicanconf.py")
    if not conf.is_file():
        raise SiteBuildError(f"Không tìm thấy tệp cấu hình trang {conf}.")
    extra: dict[str, object] = {"HOCTAP_RESULTS_DIR": str(project.results_dir), "HOCTAP_SEARCH": search,
                                **(incremental or {})}
    if os.environ.get("HOCTAP_VERIFY_REUSE"):
        extra["HOCTAP_VERIFY_REUSE"] = True  # developers and tests: render reused pages again and compare
    url = (os.environ.get("HOCTAP_SITE_URL") or site_url).rstrip("/")
    if publish and url:
        extra.update({"SITEURL": url, "FEED_DOMAIN": url})
    cmd = [sys.executable, "-m", "hoctap.quiet_pelican", str(project.content_dir), "-s", str(conf), "-o", str(output),
           "--fatal", "errors", "-q"]
    # One -e with every pair: Pelican keeps only the last -e given.
    cmd += ["-e", *(f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in extra.items())]
    env = {k: v for k, v in os.environ.items() if k != results_gate.ENV}
    env.update(PYTHONIOENCODING="utf-8", COLUMNS="200")
    if gate is not None:
        env[results_gate.ENV] = str(gate[0])
    try:
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                   pass_fds=(gate[0],) if gate else ())
    except OSError as exc:
        raise SiteBuildError(f"Không chạy được Pelican: {exc.strerror or exc}.") from None
    if gate is not None:
        os.close(gate[0])  # Pelican's end now
    return PelicanRun(process, output, gate[1] if gate else None)


def manifest_path(project: Project, output: Path) -> Path:
    """The build manifest of one output folder, in the project's state folder (never published)."""
    digest = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return project.state_dir / "trang" / f"{digest}.json"


def site_inputs(project: Project, *, publish: bool, site_url: str, search: bool, files: str | None = None) -> str:
    """Everything a build reads: the results folder, and the rest (`site_files`; `files` when taken already).

    A year's results files count by the digests their stamp records (the stamps themselves are hashed too)."""
    h = hashlib.blake2b(digest_size=20)
    h.update((files or site_files(project, publish=publish, site_url=site_url, search=search)).encode())
    stamped = year_stamps.recorded_digests(project.results_dir) if project.results_dir.is_dir() else {}
    _hash_tree(h, project.results_dir, None, stamped)
    return h.hexdigest()


def site_files(project: Project, *, publish: bool, site_url: str, search: bool) -> str:
    """What a build reads besides the results: the site (settings, theme, plugin), the guidance pages and
    announcements, the options, and the versions of the libraries that render. Pelican reads these files as it
    starts, so a job started before its results are written (`SiteJob`) takes their digest before it starts."""
    h = hashlib.blake2b(digest_size=20)
    url = (os.environ.get("HOCTAP_SITE_URL") or site_url) if publish else ""
    h.update(json.dumps([publish, url, search, bool(os.environ.get("HOCTAP_VERIFY_REUSE")), zlib.ZLIB_RUNTIME_VERSION]).encode())
    for dist in RENDERING_LIBRARIES:
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=-;".encode())
    # All of content/ but its data (sources, registry, archive: they reach the site through the results folder),
    # as the plugin's `content_key`: a page may link any file there with {static}.
    _hash_tree(h, project.site_dir, None, {})
    _hash_tree(h, project.content_dir, "data", {})
    return h.hexdigest()


def _hash_tree(h: Any, folder: Path, skip: str | None, stamped: dict[Path, str]) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = path.relative_to(folder)
        if rel.parts[0] != skip:
            content = b"stamped " + stamped[path].encode() if path in stamped else path.read_bytes()
            h.update(str(rel).encode() + b"\0" + content + b"\0")


def build_site(project: Project, output: Path, *, publish: bool = False, site_url: str = "",
               search: bool = True, full: bool = False, prepared: bool = False) -> bool:
    """Build into a temporary sibling of `output`, then swap it in; the old site stays until the new one is whole.

    Unless `full`, pages whose inputs did not change since the build that made `output` are linked from it
    (the plugin's `build_cache`); the result is the same, byte for byte, as a full build. When nothing the
    site is made from changed at all, nothing is done: returns False. `prepared`: this process has just made
    the new site's folders (`prepare_staging`); anything else found where the build writes is removed first.
    """
    job = SiteJob.plan(project, output, publish=publish, site_url=site_url, search=search, full=full,
                       prepared=prepared)
    remove_replaced(project)  # what `hoctap build` has not removed already (a build through this function alone)
    return job.finish()


@dataclass
class SiteJob:
    """One `build_site`, in two steps: planned (and Pelican perhaps started behind a results gate) while the
    results folder is still being written, finished once it is."""

    project: Project
    output: Path
    publish: bool
    site_url: str
    search: bool
    full: bool
    staging: Path
    manifest: Path
    previous: bool  # the site in `output` and its manifest: pages may be linked from it
    files: str  # `site_files`, taken before Pelican reads them
    pelican: PelicanRun | None = None

    @classmethod
    def plan(cls, project: Project, output: Path, *, publish: bool = False, site_url: str = "", search: bool = True,
             full: bool = False, prepared: bool = False) -> SiteJob:
        """Everything that does not read the results: the output checked, a killed build's leftovers tidied."""
        check_output_folder(project, output)
        output = output.resolve()
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"Không tạo được thư mục {output.parent}: {exc.strerror or exc}.") from None
        _recover(output)
        staging = staging_folder(output)
        if not prepared:
            shutil.rmtree(staging, ignore_errors=True)  # never build on what an earlier run left (links into the site)
        manifest = manifest_path(project, output)
        previous = not full and (output / MARKER).is_file() and manifest.is_file()
        if not previous:
            discard_staging(project, staging)  # a full build starts from an empty folder
        files = site_files(project, publish=publish, site_url=site_url, search=search)
        return cls(project, output, publish, site_url, search, full, staging, manifest, previous, files)

    @property
    def _fresh(self) -> Path:
        return self.manifest.with_name(f".{self.manifest.name}.{os.getpid()}")

    def start(self, gate: tuple[int, int] | None = None) -> None:
        """Start Pelican now; with a `gate` (`results_gate.open_gate`, closed here if Pelican cannot start) it reads
        the results once `finish` opens it."""
        incremental = {"HOCTAP_BUILD_MANIFEST_OUT": str(self._fresh)}
        if self.previous:
            incremental.update(HOCTAP_PREVIOUS_OUTPUT=str(self.output), HOCTAP_BUILD_MANIFEST=str(self.manifest))
        try:
            self._fresh.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            results_gate.close_gate(gate)
            raise SiteBuildError(f"Không ghi được trang vào {self.output}: {exc.strerror or exc}; "
                                 "trang cũ được giữ nguyên.") from None
        self.pelican = start_pelican(self.project, self.staging, publish=self.publish, site_url=self.site_url,
                                     search=self.search, incremental=incremental, gate=gate)

    def finish(self) -> bool:
        """The site built from the results folder as it now is and swapped in; False (and Pelican stopped) when
        its inputs are those of the site already in `output`."""
        inputs = site_inputs(self.project, publish=self.publish, site_url=self.site_url, search=self.search,
                             files=self.files)
        stamp = self.manifest.with_suffix(".inputs")
        if self.previous and _read(stamp) == inputs:
            self.cancel()
            return False  # the very inputs of the site in `output`: the build would write the same bytes
        stamp.unlink(missing_ok=True)
        fresh = self._fresh
        try:
            if self.pelican is None:
                self.start()
            assert self.pelican is not None
            self.pelican.wait()
            (self.staging / MARKER).write_text("Thư mục này do hoctap dựng; lần dựng sau sẽ thay toàn bộ.\n", encoding="utf-8")
            self.manifest.unlink(missing_ok=True)  # from here until the new one is in place, the next build is a full one
            _swap(self.staging, self.output, replaced_folder(self.project))
            if fresh.is_file():
                fresh.replace(self.manifest)
                stamp.write_text(inputs, encoding="utf-8")
        except OSError as exc:
            raise SiteBuildError(f"Không ghi được trang vào {self.output}: {exc.strerror or exc}; "
                                 "trang cũ được giữ nguyên.") from None
        finally:
            if self.pelican is not None and self.pelican.process.poll() is None:
                self.pelican.stop()  # interrupted while it ran: it must not write into what is removed now
            self.pelican = None
            shutil.rmtree(self.staging, ignore_errors=True)
            fresh.unlink(missing_ok=True)
        return True

    def cancel(self) -> None:
        """No site from this job: Pelican stopped, the staging folder set aside."""
        if self.pelican is not None:
            self.pelican.stop()
            self.pelican = None
        self._fresh.unlink(missing_ok=True)
        discard_staging(self.project, self.staging)


def staging_folder(output: Path) -> Path:
    """Where this process builds `output` before swapping it in."""
    return output.with_name(f".{output.name}.dang-dung-{os.getpid()}")


def prepare_staging(project: Project, output: Path) -> Path | None:
    """Make, where this process's next build of `output` writes, the folders of the files the last build of it
    wrote; return that folder (None when there is no such build).

    A rebuild links most of those files back, and a national site has a folder per unit: making ten thousand
    folders costs more than linking their pages. `hoctap build` makes them while its child reads and scores,
    on the core the child leaves idle. The plugin removes those that no file of the new build fills
    (`BuildCache.remove_unused_folders`), so the site is the same as a full build's, folders included.
    """
    output = output.resolve()
    if not (output / MARKER).is_file():
        return None
    try:
        files = json.loads(manifest_path(project, output).read_bytes())["files"]
        folders: set[str] = set()
        for rel in files:
            parts = rel.split("/")[:-1]
            if not rel.startswith("/") and ".." not in parts:  # never outside the staging folder
                folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    staging = staging_folder(output)
    shutil.rmtree(staging, ignore_errors=True)  # what a killed run of the same process id left (containers)
    root = f"{staging}{os.sep}"
    try:
        staging.mkdir()
        for folder in sorted(folders):  # a folder before those inside it
            with contextlib.suppress(FileExistsError):
                os.mkdir(root + folder)  # noqa: PTH102  (strings: ten thousand of them)
    except (OSError, ValueError):
        pass  # the build makes what is missing itself
    return staging


def discard_staging(project: Project, staging: Path | None) -> None:
    """Drop a staging folder the build will not use: moved among the replaced sites, which the next build removes
    while its child scores (ten thousand folders take a while to remove), or removed now when it cannot be."""
    if staging is None or not staging.exists():
        return
    try:
        folder = replaced_folder(project)
        folder.mkdir(parents=True, exist_ok=True)
        staging.rename(folder / f"{staging.name}-{time.monotonic_ns()}")
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def replaced_folder(project: Project) -> Path:
    """Where a site replaced by a build waits to be removed (`remove_replaced`), in the project's state."""
    return project.state_dir / "trang" / "da-thay"


def remove_replaced(project: Project) -> None:
    """Remove the sites earlier builds replaced. `hoctap build` calls it while its child process reads and
    scores (this one waits then): twenty thousand files of a national site, a second or two, are unlinked on
    the core the child leaves idle instead of at the end of the build."""
    try:
        found = list(replaced_folder(project).iterdir())
    except OSError:
        return  # none yet (or unreadable: the build goes on, the next one tries again)
    for old in found:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _swap(new: Path, output: Path, replaced: Path) -> None:
    """`new` becomes `output` by two renames; the site it replaces goes to `replaced` (the same disk: its
    unchanged pages are links shared with the new site), else is removed now."""
    old = output.with_name(f".{output.name}.cu")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    new.rename(output)
    if old.exists():
        try:
            replaced.mkdir(parents=True, exist_ok=True)
            old.rename(replaced / f"{output.name}-{os.getpid()}-{time.monotonic_ns()}")
        except OSError:
            shutil.rmtree(old, ignore_errors=True)


def _recover(output: Path) -> None:
    """A build killed between the two renames of `_swap` left the previous site as `.<name>.cu`: put it back."""
    old = output.with_name(f".{output.name}.cu")
    if not output.exists() and old.is_dir():
        old.rename(output)
    for stale in output.parent.glob(f".{output.name}.dang-dung-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
