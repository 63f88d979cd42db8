"""Where a build of the site writes, and how it replaces the previous one without ever leaving it half gone.

A build writes into a sibling staging folder (`staging_folder`) and is
swapped in by two renames (`swap`) only once it succeeded; the site it
replaces waits among the replaced sites in the project's state and is removed
by the next build (`remove_replaced`), and a build killed between the renames
is undone by the next one (`recover`). A folder holds `MARKER` when hoctap
built it; the build manifest of each output folder lives in the state too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from hoctap.project import Project

MARKER = ".hoctap-site"


def manifest_path(project: Project, output: Path) -> Path:
    """The build manifest of one output folder, in the project's state folder (never published)."""
    digest = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return project.state_dir / "trang" / f"{digest}.json"


def staging_folder(output: Path) -> Path:
    """Where this process builds `output` before swapping it in."""
    return output.with_name(f".{output.name}.dang-dung-{os.getpid()}")


def prepare_staging(project: Project, output: Path, enough: Callable[[], bool] = lambda: False) -> Path | None:
    """Make, where this process's next build of `output` writes, the folders of the files the last build of it
    wrote; return that folder (None when there is no such build).

    A rebuild links most of those files back, and a national site has a folder per unit: making ten thousand
    folders costs more than linking their pages. `hoctap build` makes them while its child reads and scores,
    on the core the child leaves idle. The plugin removes those that no file of the new build fills
    (`BuildCache.remove_unused_folders`), so the site is the same as a full build's, folders included.

    It stops once `enough()` says so (the child has finished): a rebuild with nothing to do made ten thousand
    folders it threw away, and the plugin makes what is missing itself.
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
        for n, folder in enumerate(sorted(folders)):  # a folder before those inside it
            if n % 256 == 0 and enough():
                break
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



def replaced_folder(project: Project) -> Path:
    """Where a site replaced by a build waits to be removed (`remove_replaced`), in the project's state."""
    return project.state_dir / "trang" / "da-thay"


WAITING = 3  # replaced sites at most left waiting by a build that stopped removing them


def remove_replaced(project: Project, enough: Callable[[], bool] = lambda: False) -> None:
    """Remove the sites earlier builds replaced. `hoctap build` calls it while its child process reads and
    scores (this one waits then): twenty thousand files of a national site, a second or two, are unlinked on
    the core the child leaves idle instead of at the end of the build.

    It stops once `enough()` says so (the child has finished: the build would wait on this), and the next build
    goes on where it stopped: a rebuild with nothing to do took three to eight seconds removing what the builds
    before it had left. The oldest beyond `WAITING` are removed whole all the same."""
    try:
        found = sorted(replaced_folder(project).iterdir(), key=lambda p: p.stat().st_mtime_ns)
    except OSError:
        return  # none yet (or unreadable: the build goes on, the next one tries again)
    for n, old in enumerate(found):
        whole = len(found) - n > WAITING
        if old.is_dir() and not old.is_symlink():
            if not _remove_tree(old, (lambda: False) if whole else enough):
                return
        else:
            old.unlink(missing_ok=True)


def _remove_tree(root: Path, enough: Callable[[], bool]) -> bool:
    """Remove `root` (links inside it unlinked, never followed), asking `enough()` every few hundred entries;
    False when it stopped before the end."""
    done = 0
    for folder, dirs, files in os.walk(root, topdown=False):
        prefix = folder + os.sep
        for name in files:
            with contextlib.suppress(OSError):
                os.unlink(prefix + name)  # noqa: PTH108  (strings: twenty thousand of them)
        for name in dirs:  # emptied already (the walk goes bottom up), or a link to a folder
            try:
                os.rmdir(prefix + name)  # noqa: PTH106
            except NotADirectoryError:
                os.unlink(prefix + name)  # noqa: PTH108
            except OSError:
                pass
        done += len(files) + len(dirs)
        if done >= 256:
            done = 0
            if enough():
                return False
    with contextlib.suppress(OSError):
        os.rmdir(root)  # noqa: PTH106
    return True


def swap(new: Path, output: Path, replaced: Path) -> None:
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


def recover(output: Path) -> None:
    """A build killed between the two renames of `swap` left the previous site as `.<name>.cu`: put it back."""
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
