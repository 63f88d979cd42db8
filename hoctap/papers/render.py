"""Render a template with docxtpl, and convert .docx files to PDF with LibreOffice headless.

Rendering escapes every value (Jinja2 autoescape), runs the template in
Jinja2's sandbox (a province's edited template can format values, not run
code), and fails loudly on a field the context does not have (a typo in an
edited template is an error naming the template, never a silent blank).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from hoctap.papers.catalogue import TEMPLATES


class PaperError(Exception):
    """A template or a conversion failed; the message is Vietnamese."""


def default_template(name: str) -> bytes:
    return (resources.files("hoctap.papers") / "templates" / name).read_bytes()


@dataclass(frozen=True)
class TemplateSource:
    """A province's folder of edited templates (`--templates DIR`), read before the package's defaults."""

    folder: Path | None = None

    def load(self, name: str) -> tuple[bytes, str]:
        """The template's bytes and where they came from (for messages)."""
        if self.folder is not None:
            custom = self.folder / name
            if custom.is_file():
                try:
                    return custom.read_bytes(), str(custom)
                except OSError as exc:
                    raise PaperError(f"Không đọc được mẫu {custom}: {exc.strerror or exc}.") from None
        return default_template(name), f"mẫu mặc định {name}"


def render(source: TemplateSource, name: str, context: Mapping[str, Any], target: Path) -> None:
    data, origin = source.load(name)
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.render(dict(context), jinja_env=env, autoescape=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        template.save(str(target))
    except TemplateError as exc:
        raise PaperError(f"Mẫu {origin} có lỗi: {exc.message or exc}. Hãy sửa mẫu (xem README, mục Văn bản).") from None
    except (KeyError, ValueError, OSError) as exc:  # not a .docx, a broken package, a disk error
        raise PaperError(f"Không lập được {target.name} từ {origin}: {exc}.") from None


def copy_templates(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copy the default templates into `folder`; files already there are kept (returned as skipped)."""
    folder.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for template in TEMPLATES:
        path = folder / template.file
        if path.exists():
            kept.append(path)
            continue
        path.write_bytes(default_template(template.file))
        written.append(path)
    return written, kept


# --- PDF --------------------------------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(files: Sequence[Path], *, program: str | None = None) -> list[Path]:
    """Convert .docx files to PDF beside them, in one LibreOffice run with a private profile.

    The files are staged under numbered names (two papers of different units share a name),
    so one headless process converts them all. Raises PaperError when a PDF is missing.
    """
    exe = program or soffice()
    if exe is None:
        raise PaperError("Không tìm thấy LibreOffice (soffice).")
    if not files:
        return []
    with tempfile.TemporaryDirectory(prefix="hoctap-pdf-") as tmp:
        work = Path(tmp)
        staged = work / "vao"
        staged.mkdir()
        inputs = []
        for index, path in enumerate(files):
            copy = staged / f"{index:05d}.docx"
            shutil.copyfile(path, copy)
            inputs.append(copy)
        command = [exe, f"-env:UserInstallation={(work / 'ho-so-lo').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "ra"), *map(str, inputs)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120 + 10 * len(files), check=False,
                                  env={**os.environ, "HOME": str(work)})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PaperError(f"LibreOffice không chạy được hoặc quá thời gian: {exc}.") from None
        out = []
        missing = []
        for index, path in enumerate(files):
            pdf = work / "ra" / f"{index:05d}.pdf"
            if pdf.is_file():
                target = path.with_suffix(".pdf")
                shutil.move(str(pdf), target)
                out.append(target)
            else:
                missing.append(path.name)
        if missing:
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"mã thoát {done.returncode}"]
            raise PaperError(f"LibreOffice không chuyển được {len(missing)} tệp sang PDF ({', '.join(missing[:5])}): "
                             f"{detail[0]}.")
        return out
