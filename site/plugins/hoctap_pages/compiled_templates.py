"""Templates compiled by an earlier build, kept in the project's state: a rebuild's Pelican loads them.

Compiling the theme's templates costs Pelican about a second at every start,
and a rebuild after one unit changed waits on that second when its scoring
child is quick. Jinja's own cache (`FileSystemBytecodeCache`) keeps the
compiled code beside the build manifest, one file per template, checked
against the template's source each time. Its key does not cover how the
templates are compiled (the Jinja version, `JINJA_ENVIRONMENT`, the
extensions), so each set of code, theme and settings (`build_cache.global_key`)
has a folder of its own; the four used last are kept (a site built in turn with
and without `--publish` has two sets), the others removed.

Only `hoctap build` keeps them (it names a manifest); `pelican` run by hand
compiles as always.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache

from .build_cache import global_key

KEPT = 4  # sets of compiled templates kept


# The settings last asked for (held, so that `is` cannot match another object) and their cache: Pelican makes
# half a dozen generators from one settings object, and each key hashes the theme and the code again.
_LAST: list[tuple[dict[str, Any], FileSystemBytecodeCache]] = []


def use_compiled_templates(env: Environment, settings: dict[str, Any]) -> None:
    """Give `env` the compiled templates of this code, theme and settings (before any template is loaded)."""
    if _LAST and _LAST[0][0] is settings:
        env.bytecode_cache = _LAST[0][1]
        return
    manifest = settings.get("HOCTAP_BUILD_MANIFEST_OUT")
    if not manifest:
        return
    root = Path(str(manifest)).parent / "mau-da-dich"
    folder = root / global_key(settings, Path(str(settings["THEME"])))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)  # used now: the folders used longest ago go first
        by_use = sorted(root.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return  # compiled each time, as without a manifest
    for other in by_use[KEPT:]:  # another code, theme or settings, not used for a while
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
    env.bytecode_cache = cache = FileSystemBytecodeCache(str(folder))
    _LAST[:] = [(settings, cache)]
