"""Build the site from a project's results folder, and publish it only whole.

`SiteJob` is one build: planned (the output folder checked, a killed build's
leftovers tidied), Pelican started (`hoctap.pelican_run`, perhaps before the
results are written), finished (the site built into a staging folder and
swapped in: `hoctap.site_folders`) or cancelled. Unless the build is full,
pages whose inputs did not change are linked from the previous site (the
plugin's `build_cache`), and a build whose inputs are those of the site
already there does nothing. Two guards:

* a failed or killed build leaves the previous site whole;
* a folder hoctap did not build (it lacks the marker file, or it holds the
  project, its content or its archive, or lies inside them) is never emptied
  or replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from hoctap.pelican_run import PelicanRun, SiteBuildError, start_pelican
from hoctap.project import Project, ProjectError
from hoctap.site_folders import (
    MARKER,
    discard_staging,
    manifest_path,
    recover,
    remove_replaced,
    replaced_folder,
    staging_folder,
    swap,
)
from scoring import results_gate, year_stamps

# The libraries whose output lands in the site's bytes (the plugin's `build_cache` counts the same ones).
RENDERING_LIBRARIES = ("hoctap", "pelican", "jinja2", "markupsafe", "markdown", "babel", "xlsxwriter",
                       "pandas", "fpdf2", "pagefind", "pagefind-bin")  # written into every output folder hoctap builds


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
        recover(output)
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
            swap(self.staging, self.output, replaced_folder(self.project))
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

def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None
