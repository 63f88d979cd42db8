"""Build the public site with Pelican from a results folder: the function the `hoctap build` command calls.

`build_site` reads `site/pelicanconf.py` (or `site/publishconf.py`), points
it at the results folder and the output folder, and runs Pelican. Any
exception, and any error that Pelican or the plugin logs (Pelican logs some
failures and carries on), turns into one `IntakeError` with a Vietnamese
message: a half-built site is never reported as a success.
"""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path
from typing import Any

from intake.errors import IntakeError

REPO_ROOT = Path(__file__).resolve().parent.parent


class _ErrorCollector(logging.Handler):
    """Keeps every ERROR (or worse) record logged while the build runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except Exception:  # a malformed log record must not hide the failure itself
            self.messages.append(str(record.msg))


def build_site(
    results_dir: Path, output_dir: Path, *, publish: bool = False, root: Path | None = None, site_url: str = ""
) -> None:
    """Render the site from `results_dir` into `output_dir`; raise `IntakeError` if anything went wrong.

    `root` is the repository holding `site/` and `content/` (default: this checkout).
    Publishing uses absolute URLs (`HOCTAP_SITE_URL`, else `site_url` from hoctap.toml) and empties
    the output folder first.
    Dates in the output come from the results (`generated`) or `SOURCE_DATE_EPOCH`, never the clock.
    """
    root = (root or REPO_ROOT).resolve()
    conf = root / "site" / ("publishconf.py" if publish else "pelicanconf.py")
    if not conf.is_file():
        raise IntakeError(f"Không tìm thấy tệp cấu hình trang {conf}.")
    results_dir = results_dir.resolve()
    if not (results_dir / "index.json").is_file():
        raise IntakeError(f"Thư mục kết quả {results_dir} không có index.json: hãy chạy bước chấm điểm trước.")
    output_dir = output_dir.resolve()

    # Pelican ships no type information: reach it through importlib so mypy --strict sees Any, not an error.
    pelican: Any = importlib.import_module("pelican")
    pelican_settings: Any = importlib.import_module("pelican.settings")

    collector = _ErrorCollector()
    root_logger = logging.getLogger()
    root_logger.addHandler(collector)
    override = {"HOCTAP_RESULTS_DIR": str(results_dir), "OUTPUT_PATH": str(output_dir), "PATH": str(root / "content")}
    url = (os.environ.get("HOCTAP_SITE_URL") or site_url).rstrip("/")
    if publish and url:
        override.update({"SITEURL": url, "FEED_DOMAIN": url})
    try:
        settings = pelican_settings.read_settings(str(conf), override=override)
        pelican.Pelican(settings).run()
    except IntakeError:
        raise
    except Exception as exc:
        raise IntakeError(f"Không dựng được trang web: {type(exc).__name__}: {exc}") from exc
    finally:
        root_logger.removeHandler(collector)
    if collector.messages:
        shown = "; ".join(collector.messages[:5])
        more = f" (và {len(collector.messages) - 5} lỗi khác)" if len(collector.messages) > 5 else ""
        raise IntakeError(f"Dựng trang web gặp lỗi: {shown}{more}")
