"""Templates compiled by an earlier build, kept in the project's state: a rebuild's Pelican loads them.

Compiling the theme's templates costs Pelican about a second at every start,
and a rebuild after one unit changed waits on that second when its scoring
child is quick. Jinja's own cache (`FileSystemBytecodeCache`) keeps the
compiled code beside the build manifest, one file per template, checked
against the template's source each time. Its key does not cover how the
templates are compiled (the Jinja version, `JINJA_ENVIRONMENT`, the
extensions), so each set of code, theme and settings (`build_cache.global_key`)
has a folder of its own, and the folders of other sets are removed.

Only `hoctap build` keeps them (it names a manifest); `pelican` run by hand
compiles as always.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache

from .build_cache import global_key


def use_compiled_templates(env: Environment, settings: dict[str, Any]) -> None:
    """Give `env` the compiled templates of this code, theme and settings (before any template is loaded)."""
    manifest = settings.get("HOCTAP_BUILD_MANIFEST_OUT")
    if not manifest:
        return
    root = Path(str(manifest)).parent / "mau-da-dich"
    folder = root / global_key(settings, Path(str(settings["THEME"])))
    try:
        if not folder.is_dir():
            for other in root.glob("*"):  # another code, theme or settings: never read again
                shutil.rmtree(other, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # compiled each time, as without a manifest
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
