"""The project folder, found from the current directory, and where each of its things lives.

A project is the folder holding `hoctap.toml` (searched upwards from the
current directory, like git), or, without one, the current directory itself.
Everything a project does not hold itself (the unit registry, the embedded
sample, the guidance pages, the site's settings, theme and plugin) comes from
the copy shipped inside the installed package, so `pipx install hoctap`
then `hoctap run` in an empty folder builds the sample site. Nothing is ever
located from the code's own position on disk.

What hoctap writes into a project: `output/` (the site), `.hoctap/` (the
scored results, the build lock and the build state; ignored by git), and,
only when pulling from Google Sheets, the snapshot archive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hoctap.settings import CONFIG_FILE, SETTINGS, Settings, SettingsError, read_settings

STATE_DIR = ".hoctap"
RESULTS_DIR = f"{STATE_DIR}/ket-qua"


class ProjectError(Exception):
    """The project folder or one of its files cannot be used; the message is Vietnamese."""


@cache
def bundle_root() -> Path | None:
    """Where the installed package keeps its copy of `site/` and `content/`.

    In a wheel they are `hoctap/_bundle/`. An editable install has no copy: PEP 610's
    `direct_url.json` names the source tree it was installed from.
    """
    packaged = resources.files("hoctap") / "_bundle"
    if packaged.is_dir():
        return Path(str(packaged))
    for dist in metadata.distributions(name="hoctap"):  # a stale *.egg-info on sys.path has no direct_url.json
        raw = dist.read_text("direct_url.json")
        if not raw:
            continue
        info = json.loads(raw)
        url = urlsplit(str(info.get("url", "")))
        if url.scheme == "file" and info.get("dir_info", {}).get("editable"):
            return Path(unquote(url.path))
    return None


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding hoctap.toml; `start` itself when there is none."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return start


@dataclass(frozen=True)
class Project:
    root: Path
    settings: Settings
    config: Path | None

    @classmethod
    def open(cls, cwd: Path | None = None, *, config: Path | None = None, project: Path | None = None) -> Project:
        """The project of the current directory, of `--project DIR`, or of an explicit `--config FILE`."""
        try:
            if config is not None:
                if not config.is_file():
                    raise ProjectError(f"Không tìm thấy tệp cấu hình {config}.")
                return cls(config.resolve().parent, read_settings(config), config.resolve())
            root = project.resolve() if project is not None else find_root(cwd or Path.cwd())
            if project is not None and not root.is_dir():
                raise ProjectError(f"Không tìm thấy thư mục dự án {project}.")
            path = root / CONFIG_FILE
            if path.is_file():
                return cls(root, read_settings(path), path)
            return cls(root, Settings(), None)
        except SettingsError as exc:
            raise ProjectError(str(exc)) from None

    def path(self, name: str) -> Path:
        """A path setting, relative to the project; a default the project lacks comes from the package's copy."""
        value = self.settings.get(name)
        if value is None:
            raise ProjectError(f"Chưa đặt {name} trong {CONFIG_FILE}.")
        path = Path(value)
        if path.is_absolute():
            return path
        local = self.root / path
        if self.settings.is_set(name) or local.exists():
            return local
        bundled = bundle_root()
        if bundled is None or not (bundled / path).exists() or name not in BUNDLED_SETTINGS:
            return local
        if name == "decisions" and self.path("registry") != bundled / str(self.settings.get("registry")):
            return local  # the sample's decisions name the sample's units: never pair them with another registry
        return bundled / path

    def optional_path(self, name: str) -> Path | None:
        return None if self.settings.get(name) is None else self.path(name)

    def _folder(self, name: str, marker: str) -> Path:
        local = self.root / name
        if (local / marker).exists():
            return local
        bundled = bundle_root()
        if bundled is not None and (bundled / name / marker).exists():
            return bundled / name
        raise ProjectError(f"Không tìm thấy thư mục {name}/ trong dự án {self.root} hay trong gói hoctap đã cài.")

    @property
    def content_dir(self) -> Path:
        """Guidance pages, documents and announcements (the project's own, else the package's)."""
        return self._folder("content", "pages")

    @property
    def site_dir(self) -> Path:
        """Pelican settings, theme and plugin (the project's own, else the package's)."""
        return self._folder("site", "pelicanconf.py")

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def results_dir(self) -> Path:
        return self.root / RESULTS_DIR

    def inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
        except ValueError:
            return False
        return True


# Settings whose default may come from the package's copy when the project has none.
BUNDLED_SETTINGS = frozenset({"sample_dir", "registry", "decisions"})
assert {s.name for s in SETTINGS if s.path} >= BUNDLED_SETTINGS
