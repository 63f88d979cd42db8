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

import atexit
import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from .build_cache import BuildCache, key_of

# d/D + COMBINING SHORT STROKE OVERLAY: a mark Pagefind strips, so the word is indexed with a plain d.
STROKE = "\u0335"

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
    return html.replace("đ", "d" + STROKE).replace("Đ", "D" + STROKE)  # replace is C-fast; translate is not


def folded_copy(output_path: Path, target: Path) -> int:
    """Copy every HTML page that has a search body into `target`, with đ folded; return how many."""
    count = 0
    for path in output_path.rglob("*.html"):
        rel = path.relative_to(output_path)
        if rel.parts[0] in SKIP_DIRS:
            continue
        raw = path.read_bytes()
        if b"data-pagefind-body" not in raw:
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        # In UTF-8: đ is C4 91 and Đ is C4 90; d/D + U+0335 is 64/44 CC B5. Bytes, so no decoding is paid.
        dest.write_bytes(raw.replace(b"\xc4\x91", b"d\xcc\xb5").replace(b"\xc4\x90", b"D\xcc\xb5"))
        count += 1
    return count


def search_key(output_path: Path, cache: BuildCache, base: str = "") -> str:
    """What the index is made from: every page's bytes (known from the cache for the pages it wrote or reused),
    and `base`: the code, settings and library versions (Pagefind's own, this module's arguments)."""
    parts = []
    for path in sorted(output_path.rglob("*.html")):
        rel = path.relative_to(output_path)
        if rel.parts[0] in SKIP_DIRS:
            continue
        entry = cache.new.get(rel.as_posix())
        sha = entry.sha if entry is not None and entry.sha else hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
        parts.append(f"{rel.as_posix()}={sha}")
    return key_of("pagefind", STROKE, base, *parts)


class IndexJob:
    """The search index, made by Pagefind in its own process while the build writes the downloads.

    `start` links the previous build's index when no page changed, else stages a folded copy of the pages
    and starts Pagefind; `finish` waits for it, checks it and records its files in the build cache.
    """

    def __init__(self, output_path: Path, cache: BuildCache | None, base: str = "") -> None:
        self.output = output_path
        self.base = base
        self.index = output_path / "pagefind"
        self.cache = cache
        self.key = ""
        self.proc: subprocess.Popen[str] | None = None
        self.staged: tempfile.TemporaryDirectory[str] | None = None

    def start(self) -> None:
        if self.cache is not None:
            self.key = search_key(self.output, self.cache, self.base)
            self.cache.extra["pagefind"] = self.key
            old = self.cache.old
            previous = sorted(rel for rel, entry in old.items() if rel.startswith("pagefind/") and entry.key == self.key)
            if self.cache.old_extra.get("pagefind") == self.key and previous and self.cache.reuse_all(previous, self.key):
                return
        self.staged = tempfile.TemporaryDirectory(prefix="hoctap-tim-kiem-")
        staged = Path(self.staged.name)
        if folded_copy(self.output, staged) == 0:
            self.staged.cleanup()
            raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
        shutil.rmtree(self.index, ignore_errors=True)
        cmd = [str(_executable()), "--site", str(staged), "--output-path", str(self.index.resolve()),
               "--force-language", "vi"]
        try:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            self.staged.cleanup()
            raise SearchIndexError(f"Không chạy được Pagefind: {exc}") from exc
        atexit.register(self.stop)  # a build that fails meanwhile leaves no indexer running

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def finish(self) -> Path:
        if self.proc is None:
            return self.index  # the previous build's, linked in
        try:
            out, err = self.proc.communicate(timeout=600)
        except subprocess.TimeoutExpired as exc:
            self.proc.kill()
            raise SearchIndexError(f"Không chạy được Pagefind: {exc}") from exc
        finally:
            if self.staged is not None:
                self.staged.cleanup()
        if self.proc.returncode != 0 or not (self.index / "pagefind.js").is_file():
            detail = (err or out).strip()[-2000:]
            raise SearchIndexError(f"Pagefind thất bại (mã {self.proc.returncode}): {detail}")
        if "Indexed 0 pages" in out:
            raise SearchIndexError("Pagefind không lập chỉ mục được trang nào (thiếu data-pagefind-body?).")
        if self.cache is not None:
            for path in sorted(self.index.rglob("*")):
                if path.is_file():
                    self.cache.record(path.relative_to(self.output).as_posix(), self.key, content=False)
        return self.index


def build_index(output_path: Path, cache: BuildCache | None = None) -> Path:
    """Run Pagefind on a folded copy of `output_path`; write and return the index folder (`pagefind/`).

    With a build cache, the previous build's index is linked in when no page changed.
    """
    job = IndexJob(output_path, cache)
    job.start()
    return job.finish()
