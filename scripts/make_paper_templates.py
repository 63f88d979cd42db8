"""Build the default paper templates (hoctap/papers/templates/*.docx) from their designs.

    python scripts/make_paper_templates.py            # write the templates
    python scripts/make_paper_templates.py --check    # exit 1 when a committed template differs from its design

The formatting is code (`hoctap.papers.nd30_blocks`, `paper_frame`, `designs_*`):
review it there, change it there, and run this script. The files are written
byte for byte the same on every run (fixed zip times and order), so a
template changes in git only when its design does.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

from hoctap.papers.catalogue import TEMPLATES

TARGET = Path(__file__).resolve().parent.parent / "hoctap" / "papers" / "templates"
FIXED_TIME = (2024, 1, 26, 0, 0, 0)  # Thông tư 24/2023/TT-BGDĐT in force: any fixed date would do


def template_bytes(build_index: int) -> bytes:
    """One template as a reproducible .docx: python-docx's parts, re-zipped with fixed times in name order."""
    raw = io.BytesIO()
    TEMPLATES[build_index].build().save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        # [Content_Types].xml first, as Office writes it; the rest in name order.
        for name in sorted(names, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lập các mẫu văn bản mặc định (.docx) từ thiết kế trong mã nguồn.")
    parser.add_argument("--check", action="store_true", help="chỉ kiểm tra: mã lỗi 1 khi mẫu đã lưu khác thiết kế")
    parser.add_argument("--out", type=Path, default=TARGET, help=f"thư mục ghi (mặc định {TARGET})")
    args = parser.parse_args(argv)
    stale = []
    args.out.mkdir(parents=True, exist_ok=True)
    for index, template in enumerate(TEMPLATES):
        data = template_bytes(index)
        path = args.out / template.file
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(template.file)
            continue
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"đã ghi {path}")
    if stale:
        print("Mẫu khác thiết kế (hãy chạy scripts/make_paper_templates.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
