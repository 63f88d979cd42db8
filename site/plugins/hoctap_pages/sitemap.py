"""`sitemap.xml`, listing every HTML page written to the output folder (sorted, so the file is stable)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

SKIP_FILES = {"404.html"}  # du-lieu/ holds one page, the downloads page: listed


def page_urls(site_url: str, pages: list[str]) -> list[str]:
    """The URLs of the output's pages (`pages`: its `html_pages`)."""
    urls = []
    for url in pages:
        if url.rpartition("/")[2] in SKIP_FILES:
            continue
        if url == "index.html" or url.endswith("/index.html"):
            url = url.removesuffix("index.html")
        urls.append(f"{site_url.rstrip('/')}/{url}")
    return urls


def write_sitemap(output_path: Path, site_url: str, pages: list[str]) -> Path:
    """`sitemap.xml` in `output_path`, of its `pages` (`html_pages`: listed once for the search index too)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(u)}</loc></url>" for u in page_urls(site_url, pages)]
    lines.append("</urlset>")
    target = output_path / "sitemap.xml"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
