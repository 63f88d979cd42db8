"""The Pelican generator: reads the results folder in the context phase, writes every page in the output phase."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican.generators import Generator

from scoring.results_folder import ResultsError, load_results_folder

from .downloads import write_downloads
from .pages import common_context, site_pages
from .site_data import SiteData


def results_folder(settings: dict[str, Any]) -> Path:
    """`HOCTAP_RESULTS_DIR`; a relative path is taken from the project folder (the parent of PATH, content/)."""
    folder = settings.get("HOCTAP_RESULTS_DIR")
    if not folder:
        raise ResultsError("Chưa đặt HOCTAP_RESULTS_DIR: không biết lấy kết quả ở đâu để dựng trang.")
    path = Path(str(folder))
    return path if path.is_absolute() else Path(str(settings["PATH"])).parent / path


class HoctapGenerator(Generator):  # type: ignore[misc]  # Pelican ships no type information
    """Renders home, results per year, units, criteria, recognitions, status, downloads, search, 404."""

    data: SiteData | None = None

    def generate_context(self) -> None:
        self.data = SiteData(load_results_folder(results_folder(self.settings)))
        # Shared with every other generator: the banner, the authority and the plans appear on Pelican's pages too.
        self.context["hoctap"] = common_context(self.data)

    def generate_output(self, writer: Any) -> None:
        assert self.data is not None
        downloads = write_downloads(self.data, Path(self.output_path))
        articles = list(self.context.get("articles") or [])
        relative = bool(self.settings.get("RELATIVE_URLS"))
        for page in site_pages(self.data, articles, downloads):
            writer.write_file(page.save_as, self.get_template(page.template), self.context,
                              relative_urls=relative, page_url=page.url, **page.context)
