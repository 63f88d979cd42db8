"""The search index: Pagefind's bundled binary run over the output folder, after Pelican has written it.

Only `data-pagefind-body` regions are indexed (the main content of result,
unit, criteria and guidance pages). A failure stops the build: a site without
its search index must not be published silently.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:
        raise SearchIndexError("Chưa cài pagefind[bin]: không tạo được chỉ mục tìm kiếm.") from exc
    return Path(get_executable())


def build_index(output_path: Path) -> Path:
    """Run Pagefind on `output_path`; return the index folder (`pagefind/`)."""
    cmd = [str(_executable()), "--site", str(output_path), "--output-subdir", "pagefind", "--force-language", "vi"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"Không chạy được Pagefind: {exc}") from exc
    index = output_path / "pagefind"
    if done.returncode != 0 or not (index / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise SearchIndexError(f"Pagefind thất bại (mã {done.returncode}): {detail}")
    if "Indexed 0 pages" in done.stdout:
        raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
    return index
