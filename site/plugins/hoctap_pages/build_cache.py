"""Incremental builds: a page whose inputs did not change is taken from the previous build, byte for byte.

`hoctap build` tells the plugin where the previous site is
(`HOCTAP_PREVIOUS_OUTPUT`), where its manifest is (`HOCTAP_BUILD_MANIFEST`)
and where to write the new one (`HOCTAP_BUILD_MANIFEST_OUT`). The manifest
maps each file the plugin wrote to the key it was made from: a digest of the
code and templates that make every page (`global_key`) and of the values the
file is made from (`fingerprint`). A file is reused when its key is the same
and the previous file is still the one recorded (same size and modification
time); it is hard-linked into the new site, so reusing costs no copy. Plain
`pelican` runs, `--full` and anything unexpected render everything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST_VERSION = 2
PLUGIN = Path(__file__).resolve().parent
# Settings Pelican or `hoctap build` set per run that change no page.
# (THEME and PLUGIN_PATHS are where the theme and plugin are: their files are hashed instead.)
VOLATILE_SETTINGS = {"OUTPUT_PATH", "PATH", "HOCTAP_PREVIOUS_OUTPUT", "HOCTAP_BUILD_MANIFEST", "HOCTAP_BUILD_MANIFEST_OUT",
                     "HOCTAP_RESULTS_DIR", "THEME", "PLUGIN_PATHS"}
# The libraries whose output lands in the site's bytes.
RENDERING_LIBRARIES = ("hoctap", "pelican", "jinja2", "markupsafe", "markdown", "babel", "xlsxwriter",
                       "pandas", "fpdf2", "pagefind", "pagefind-bin")


def _tree(h: Any, root: Path, suffixes: Iterable[str]) -> None:
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return False
    return True


def global_key(settings: dict[str, Any], theme: Path) -> str:
    """What every page depends on: the theme, this plugin and the scoring code it formats with, the libraries
    that render, and Pelican's settings (those that are plain values)."""
    import scoring

    h = hashlib.blake2b(digest_size=20)
    # zlib: the downloads' workbooks join pieces deflated by earlier builds, which must be the bytes it makes now
    h.update(f"manifest {MANIFEST_VERSION}; python {sys.version_info[:2]}; zlib {zlib.ZLIB_RUNTIME_VERSION}".encode())
    for dist in RENDERING_LIBRARIES:
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=-;".encode())
    _tree(h, theme, {".html", ".css", ".js", ".svg", ".png", ".woff2", ".ttf", ".txt", ".xml"})
    _tree(h, PLUGIN, {".py", ".ttf", ".txt"})
    _tree(h, Path(scoring.__file__).resolve().parent, {".py", ".toml"})
    plain = {k: v for k, v in settings.items() if k not in VOLATILE_SETTINGS and _jsonable(v)}
    h.update(json.dumps(plain, sort_keys=True, ensure_ascii=False, default=str).encode())
    return h.hexdigest()


@dataclass
class Entry:
    key: str
    size: int = 0
    mtime_ns: int = 0
    sha: str = ""  # of the bytes, for the search index's key
    searched: bool = False  # a page Pagefind reads (it has a search body)


@dataclass
class BuildCache:
    """One build's view of the previous one, and the manifest it leaves for the next."""

    output: Path  # where this build writes (a staging folder)
    previous: Path | None
    old: dict[str, Entry] = field(default_factory=dict)
    new: dict[str, Entry] = field(default_factory=dict)
    reused: int = 0
    written: int = 0
    written_files: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # other keys (the search index)
    old_extra: dict[str, str] = field(default_factory=dict)
    parts: Path | None = None  # where pieces kept between builds live (beside the manifest; never published)
    _folders: set[str] = field(default_factory=set)  # folders of the output made by `reuse_all`
    _premade: set[str] = field(default_factory=set)  # those of the previous manifest's files (`remove_unused_folders`)

    @classmethod
    def from_settings(cls, settings: dict[str, Any], output: Path) -> BuildCache:
        previous = settings.get("HOCTAP_PREVIOUS_OUTPUT")
        manifest = settings.get("HOCTAP_BUILD_MANIFEST")
        out = settings.get("HOCTAP_BUILD_MANIFEST_OUT")
        cache = cls(output=output, previous=Path(previous) if previous else None,
                    parts=parts_folder(Path(str(out))) if out else None)
        if cache.previous is None or not manifest:
            return cache
        try:
            doc = json.loads(Path(manifest).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cache
        if isinstance(doc, dict) and isinstance(doc.get("files"), dict):  # whatever its version: as `prepare_staging`
            cache._premade = {f for rel in doc["files"] if isinstance(rel, str) for f in _ancestors(rel)}
        if not isinstance(doc, dict) or doc.get("version") != MANIFEST_VERSION:
            return cache
        try:
            cache.old = {k: Entry(**v) for k, v in doc.get("files", {}).items()}
            cache.old_extra = {str(k): str(v) for k, v in doc.get("extra", {}).items()}
        except TypeError:
            cache.old, cache.old_extra = {}, {}
        return cache

    def reuse(self, rel: str, key: str) -> bool:
        """Link the previous build's file `rel` into this build when it was made from `key` and is untouched."""
        return self.reuse_all([rel], key)

    def reuse_all(self, rels: list[str], key: str) -> bool:
        """All of `rels` from the previous build, or none (a group of files made together).

        Paths are joined as strings and each folder is made once: a rebuild after a small change links some
        twenty thousand files (pages and the search index), and `pathlib` would cost more than the links.
        """
        if self.previous is None:
            return False
        entries = [self.old.get(rel) for rel in rels]
        previous, output = f"{self.previous}{os.sep}", f"{self.output}{os.sep}"
        try:
            for rel, entry in zip(rels, entries, strict=True):
                if entry is None or entry.key != key:
                    return False
                st = os.stat(previous + rel)  # noqa: PTH116  (strings: see above)
                if st.st_size != entry.size or st.st_mtime_ns != entry.mtime_ns:
                    return False
            for rel in rels:
                folder = rel.rpartition("/")[0]
                if folder not in self._folders:
                    try:  # a page's own folder, in a folder made already: one system call, not makedirs' two
                        os.mkdir(output + folder)  # noqa: PTH102
                    except FileExistsError:
                        pass
                    except FileNotFoundError:
                        os.makedirs(output + folder, exist_ok=True)  # noqa: PTH103
                    self._folders.add(folder)
                os.link(previous + rel, output + rel)
        except OSError:
            for rel in rels:  # never leave a link behind: writing through it would change the previous site
                (self.output / rel).unlink(missing_ok=True)
            return False
        for rel, entry in zip(rels, entries, strict=True):
            assert entry is not None
            self.new[rel] = entry
        self.reused += len(rels)
        return True

    def record(self, rel: str, key: str, *, content: bool = True) -> None:
        """`rel` was just written from `key` (`content`: keep a digest of its bytes, for the search key, now;
        else the indexing process, which reads the page anyway, tells it later: `learn`)."""
        path = self.output / rel
        st = path.stat()
        raw = path.read_bytes() if content else b""
        sha = digest(raw) if content else ""
        self.new[rel] = Entry(key, st.st_size, st.st_mtime_ns, sha, b"data-pagefind-body" in raw)
        self.written += 1
        self.written_files.append(rel)

    def learn(self, read: dict[str, tuple[str, bool]]) -> None:
        """The digests and search bodies of pages the indexing process read (`index_feeder`), for the pages
        recorded without them."""
        for rel, (sha, searched) in read.items():
            entry = self.new.get(rel)
            if entry is not None and not entry.sha:
                entry.sha, entry.searched = sha, searched

    def changes_since(self, before: BuildCache) -> dict[str, Any]:
        """What this cache learned since `before` (its `snapshot`), as plain JSON: so the downloads process's
        files reach the manifest the build writes (`apply`)."""
        return {"new": {rel: e.__dict__ for rel, e in self.new.items() if before.new.get(rel) is not e},
                "extra": {k: v for k, v in self.extra.items() if before.extra.get(k) != v},
                "reused": self.reused - before.reused, "written": self.written - before.written,
                "written_files": self.written_files[len(before.written_files):]}

    def snapshot(self) -> BuildCache:
        """A copy whose records stay as they are now (`changes_since`)."""
        return dataclasses.replace(self, new=dict(self.new), extra=dict(self.extra),
                                   written_files=list(self.written_files))

    def apply(self, changes: dict[str, Any]) -> None:
        self.new.update({rel: Entry(**e) for rel, e in changes["new"].items()})
        self.extra.update(changes["extra"])
        self.reused += changes["reused"]
        self.written += changes["written"]
        self.written_files += changes["written_files"]

    def remove_unused_folders(self) -> None:
        """Remove the folders of the previous build's files that hold nothing now: `hoctap build` made them all
        before this build began (`hoctap.site_folders.prepare_staging`), and a unit no longer in the registry must
        not leave an empty folder where its page was. A folder that holds anything stays."""
        used = {f for rel in self.new for f in _ancestors(rel)}
        for folder in sorted(self._premade - used, key=len, reverse=True):  # inside before outside
            with contextlib.suppress(OSError):  # not there, or holds a file Pelican wrote
                os.rmdir(f"{self.output}{os.sep}{folder}")  # noqa: PTH106

    def write_manifest(self, path: Path) -> None:
        doc = {"version": MANIFEST_VERSION, "files": {k: v.__dict__ for k, v in sorted(self.new.items())},
               "extra": self.extra, "reused": self.reused, "written": self.written,
               "written_files": sorted(self.written_files)}
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _ancestors(rel: str) -> list[str]:
    """The folders a relative file path lies in, innermost first ("a/b/c.html": "a/b", "a"); none for a path
    that could lead outside the output."""
    parts = rel.split("/")[:-1]
    if rel.startswith("/") or ".." in parts:
        return []
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


def parts_folder(manifest_out: Path) -> Path:
    """Where one output folder's kept pieces live: beside its manifest (`<digest>.json`, written first as
    `.<digest>.json.<pid>`), one folder per output, so two outputs built in turn do not evict each other's."""
    name = manifest_out.name.lstrip(".").split(".json", 1)[0]
    return manifest_out.parent / "khoi-xlsx" / name


def digest(raw: bytes) -> str:
    """The digest of a file's bytes the manifest records (and the search index compares)."""
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


def key_of(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()
