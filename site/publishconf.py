"""Pelican settings for publishing: absolute URLs, the feed on the public domain, a clean output folder.

Pelican's own convention: this file imports everything from `pelicanconf.py`
beside it and changes only what publishing needs. The public address comes
from `HOCTAP_SITE_URL` (the scheduled workflow sets it) or `site_url` in
hoctap.toml (passed by `hoctap build --publish`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: F403 - Pelican's publishconf convention

SITEURL = os.environ.get("HOCTAP_SITE_URL", "").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
