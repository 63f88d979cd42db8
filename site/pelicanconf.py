"""Pelican settings for hoctap's public site (development build: relative URLs).

Relative paths are resolved by Pelican against this file's folder, so
`pelican -s site/pelicanconf.py` (and `pelican --listen --autoreload -s …`)
works from any folder of the project. The site is rendered from the scored
results that `hoctap run` (or `hoctap build`) leaves in `.hoctap/ket-qua/`;
`hoctap build` runs this same configuration through Pelican's own command.
"""

from __future__ import annotations

SITENAME = "Đơn vị học tập"
SITESUBTITLE = "Kết quả đánh giá, công nhận “Đơn vị học tập” theo Thông tư 24/2023/TT-BGDĐT và kết quả các năm trước"
AUTHOR = "Sở Giáo dục và Đào tạo"
SITEURL = ""
RELATIVE_URLS = True

PATH = "../content"
OUTPUT_PATH = "../output"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["hoctap_pages"]
# Where `hoctap run` leaves the scored results; a relative path is taken from the project folder
# (the folder holding PATH, content/).
HOCTAP_RESULTS_DIR = ".hoctap/ket-qua"
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
FEED_DOMAIN = "http://localhost:8000"
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
