"""The HTML pages of an output folder, as the sitemap and the search index list them."""

from __future__ import annotations

import os
from pathlib import Path

# Folders of the output that are not pages: the search index and the theme's files.
SKIP_DIRS = {"pagefind", "theme"}


def html_pages(output_path: Path) -> list[str]:
    """The HTML pages under `output_path` outside `SKIP_DIRS`, as relative paths in the order of their `Path`s.

    The index's folder holds as many files as there are pages and is never entered, and the walk uses plain
    strings: a build lists its output three times, and `Path.rglob` over twenty thousand files costs a third
    of a second each time.
    """
    found = []
    for folder, dirs, files in os.walk(output_path):
        rel = os.path.relpath(folder, output_path).replace(os.sep, "/")
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        prefix = "" if rel == "." else rel + "/"
        found += [prefix + name for name in files if name.endswith(".html")]
    return sorted(found, key=lambda rel: rel.split("/"))  # as `Path`s compare: part by part
