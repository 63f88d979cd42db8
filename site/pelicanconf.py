"""Pelican settings for hoctap's public site (development build: relative URLs).

Paths come from this file's own location, so the build works from any folder.
The results folder is given by `HOCTAP_RESULTS_DIR` (see `intake.site_build`);
the environment variable of the same name is the fallback for a bare
`pelican -s site/pelicanconf.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
ROOT = SITE_DIR.parent

SITENAME = "Đơn vị học tập"
SITESUBTITLE = "Kết quả tự đánh giá, xếp loại Đơn vị học tập theo Thông tư 22/2020/TT-BGDĐT"
AUTHOR = "Sở Giáo dục và Đào tạo"
SITEURL = ""
RELATIVE_URLS = True

PATH = str(ROOT / "content")
OUTPUT_PATH = str(ROOT / "output")
THEME = str(SITE_DIR / "theme")
PLUGIN_PATHS = [str(SITE_DIR / "plugins")]
PLUGINS = ["hoctap_pages"]
HOCTAP_RESULTS_DIR = os.environ.get("HOCTAP_RESULTS_DIR", "")
HOCTAP_SEARCH = True

TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
LOCALE = ("C.UTF-8", "C")
DEFAULT_DATE_FORMAT = "%d/%m/%Y"

# Content: guidance and documents are pages, announcements are articles.
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = ["thong-bao"]
STATIC_PATHS = ["tai-lieu"]
IGNORE_FILES = ["**/.*", "__pycache__", "*.pyc", "data"]
ARTICLE_EXCLUDES = ["data", "pages", "tai-lieu"]
PAGE_EXCLUDES = ["data", "thong-bao", "tai-lieu"]
STATIC_EXCLUDES = ["data"]
READERS = {"html": None, "rst": None}  # content/ holds Markdown only (docutils has no "vi" locale)

PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
ARTICLE_URL = "thong-bao/{slug}/"
ARTICLE_SAVE_AS = "thong-bao/{slug}/index.html"
DRAFT_URL = DRAFT_SAVE_AS = ""
DRAFT_PAGE_URL = DRAFT_PAGE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = PAGE_LANG_SAVE_AS = ""
SLUGIFY_SOURCE = "basename"

# The home page, archives and lists are written by the hoctap_pages generator.
DIRECT_TEMPLATES: list[str] = []
INDEX_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DISPLAY_CATEGORIES_ON_MENU = False
DISPLAY_PAGES_ON_MENU = False

# One Atom feed: the announcements.
FEED_ATOM = "thong-bao/atom.xml"
FEED_ATOM_URL = "thong-bao/atom.xml"
FEED_DOMAIN = os.environ.get("HOCTAP_SITE_URL", "http://localhost:8000").rstrip("/")
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20

# Every template escapes what it prints; trusted HTML (our own Markdown) is marked `|safe` explicitly.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True, "extensions": []}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

DEFAULT_PAGINATION = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_RETENTION: list[str] = []
