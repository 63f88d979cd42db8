"""Pelican settings for publishing: absolute URLs, feed on the public domain, a clean output folder.

Everything else comes from `pelicanconf.py` next to this file (read by path,
so a `pelicanconf` module cached from another checkout is never picked up).
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

globals().update(
    {k: v for k, v in runpy.run_path(str(Path(__file__).resolve().parent / "pelicanconf.py")).items() if k.isupper()}
)

SITEURL = os.environ.get("HOCTAP_SITE_URL", "").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ATOM = "thong-bao/atom.xml"
FEED_ATOM_URL = "thong-bao/atom.xml"
DELETE_OUTPUT_DIRECTORY = True
