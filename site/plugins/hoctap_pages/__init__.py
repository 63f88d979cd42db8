"""hoctap's Pelican plugin: pages rendered straight from the scorer's results folder.

Loaded with `PLUGIN_PATHS = ["plugins"]` and `PLUGINS = ["hoctap_pages"]`.
`register()` connects module-level receivers: the generator, the Jinja filters,
and, once everything is written, the sitemap and the Pagefind index.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from pelican import signals

from scoring.text import safe_url

from .compiled_templates import use_compiled_templates
from .formatting import FILTERS
from .generator import CACHES, SEARCH, HoctapGenerator, note_written
from .output_pages import html_pages
from .search import build_index
from .sitemap import write_sitemap


def get_generators(pelican: Any) -> type[HoctapGenerator]:
    return HoctapGenerator


def add_filters(generator: Any) -> None:
    """Every generator's Jinja environment gets the Vietnamese formatting filters, the link guard and the
    templates an earlier build compiled."""
    generator.env.filters.update(FILTERS)
    generator.env.globals["safe_url"] = safe_url
    use_compiled_templates(generator.env, generator.settings)


def finalize(pelican: Any) -> None:
    output = Path(pelican.output_path)
    cache = CACHES.pop(output.resolve(), None)
    pages = html_pages(output)  # every page is written: one listing serves the sitemap and the search index
    write_sitemap(output, str(pelican.settings.get("SITEURL") or ""), pages)
    job = SEARCH.pop(output.resolve(), None)
    if job is not None:
        job.finish(pages)
    elif pelican.settings.get("HOCTAP_SEARCH", True):
        build_index(output, cache)
    if cache is not None:
        cache.remove_unused_folders()
    manifest = pelican.settings.get("HOCTAP_BUILD_MANIFEST_OUT")
    if cache is not None and manifest:
        cache.write_manifest(Path(str(manifest)))
    if job is not None and job.release is not None:
        # The results were kept frozen for the end of the build (`HoctapGenerator._write`): collectable again, for
        # a process that goes on (`pelican --autoreload`) rather than leaving at once as `hoctap build`'s does.
        gc.unfreeze()


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_filters)
    signals.content_written.connect(note_written)
    signals.finalized.connect(finalize)
