"""The search index: Pagefind's bundled binary run over a folded copy of the output folder, after Pelican wrote it.

Pagefind folds tone marks itself (it strips every combining mark of the NFD
form, at index and at query time), but `đ` is a letter of its own, not `d`
with a mark: "duc hoa" would never find "Đức Hòa". So the pages are indexed
from a copy where every đ/Đ is written d/D followed by U+0335 (a combining
short stroke): Pagefind strips that mark like any tone mark and indexes
"duc", and the search script turns "d\u0335" back into "đ" in titles and
excerpts (and folds the query fully, đ included). The published pages keep
their text unchanged.

Only `data-pagefind-body` regions are indexed (the main content of result,
unit, criteria and guidance pages). A failure stops the build: a site without
its search index must not be published silently.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

# d/D + COMBINING SHORT STROKE OVERLAY: a mark Pagefind strips, so the word is indexed with a plain d.
STROKE = "\u0335"
FOLD_D = str.maketrans({"đ": "d" + STROKE, "Đ": "D" + STROKE})
SKIP_DIRS = {"pagefind", "theme"}


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:
        raise SearchIndexError("Chưa cài pagefind[bin]: không tạo được chỉ mục tìm kiếm.") from exc
    return Path(get_executable())


def fold_d(html: str) -> str:
    """The page as Pagefind reads it: đ/Đ written as d/D with a combining stroke (see the module docstring)."""
    return html.translate(FOLD_D)


def folded_copy(output_path: Path, target: Path) -> int:
    """Copy every HTML page that has a search body into `target`, with đ folded; return how many."""
    count = 0
    for path in output_path.rglob("*.html"):
        rel = path.relative_to(output_path)
        if rel.parts[0] in SKIP_DIRS:
            continue
        text = path.read_text(encoding="utf-8")
        if "data-pagefind-body" not in text:
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(fold_d(text), encoding="utf-8")
        count += 1
    return count


def build_index(output_path: Path) -> Path:
    """Run Pagefind on a folded copy of `output_path`; write and return the index folder (`pagefind/`)."""
    index = output_path / "pagefind"
    with tempfile.TemporaryDirectory(prefix="hoctap-tim-kiem-") as tmp:
        staged = Path(tmp)
        if folded_copy(output_path, staged) == 0:
            raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
        shutil.rmtree(index, ignore_errors=True)
        cmd = [str(_executable()), "--site", str(staged), "--output-path", str(index.resolve()),
               "--force-language", "vi"]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SearchIndexError(f"Không chạy được Pagefind: {exc}") from exc
    if done.returncode != 0 or not (index / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise SearchIndexError(f"Pagefind thất bại (mã {done.returncode}): {detail}")
    if "Indexed 0 pages" in done.stdout:
        raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
    return index
