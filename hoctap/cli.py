"""The `hoctap` command: parse arguments, call the command, turn every failure into one Vietnamese line.

Exit status (INTERFACES.md): 0 when the run did its job (rejected rows are
data, not failure; `--strict` makes them exit 1), 1 when it could not
(unreadable source, API failure after retries), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from hoctap import commands
from hoctap.errors import FAILURES

PROG = "hoctap"

# argparse's own English messages, in Vietnamese (the user reads every line of the command in Vietnamese).
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"unrecognized arguments: (.*)", r"tham số không hiểu được: \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"tham số \1: lựa chọn không hợp lệ \2 (chọn một trong: \3)"),
    (r"argument (\S+): not allowed with argument (\S+)", r"tham số \1 không dùng cùng \2"),
    (r"argument (\S+): expected one argument", r"tham số \1 cần một giá trị"),
    (r"argument (\S+): one of the arguments (.*) is required", r"cần một trong các tham số \2"),
    (r"one of the arguments (.*) is required", r"cần một trong các tham số \1"),
    (r"argument (\S+): (.*)", r"tham số \1: \2"),
)


class VietnameseHelp(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "cách dùng: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with Vietnamese headings, usage line and error messages (exit status 2 is argparse's own)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", VietnameseHelp)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", help="in hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ARGPARSE_MESSAGES:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi cú pháp: {message}\n")


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"«{text}» không phải cổng hợp lệ (1–65535)")
    return int(text)


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise argparse.ArgumentTypeError(f"«{text}» không phải một năm")
    return int(text)


def _source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", type=Path,
                   help="tệp .xlsx của đơn vị, tệp CSV dạng ngang, hoặc thư mục chứa các tệp đó (chỉ đọc, không lưu)")
    p.add_argument("--spreadsheet", metavar="ID", help="mã bảng tính Google (mặc định: spreadsheet_id trong hoctap.toml)")
    p.add_argument("--offline", action="store_true", help="không gọi Google: dùng bản lưu gần nhất của bảng tính")


def _year_option(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    p.add_argument("--year", type=_year, required=required, metavar="YYYY", help="năm đánh giá")


def _strict_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true", help="trả mã lỗi 1 khi có phiếu bị từ chối")


def _site_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", type=Path, help="thư mục trang web (mặc định: output trong thư mục dự án)")
    p.add_argument("--publish", action="store_true", help="dựng bản công bố (site/publishconf.py: địa chỉ tuyệt đối)")
    p.add_argument("--full", action="store_true",
                   help="dựng lại mọi trang, không dùng lại trang của lần dựng trước (kết quả giống hệt từng byte)")


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Thu thập, đánh giá và công bố kết quả Đơn vị học tập "
                    "(Thông tư 22/2020/TT-BGDĐT đến năm 2023, Thông tư 24/2023/TT-BGDĐT từ năm 2024).",
    )
    parser.add_argument("--config", type=Path, help="tệp cấu hình (mặc định: hoctap.toml của thư mục dự án)")
    parser.add_argument("--project", type=Path, help="thư mục dự án (mặc định: thư mục hiện tại hoặc thư mục cha có hoctap.toml)")
    parser.add_argument("--debug", action="store_true", help="in đầy đủ vết lỗi khi có sự cố")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH", title="lệnh", parser_class=Parser)

    p = sub.add_parser("run", help="lấy dữ liệu → đánh giá → dựng trang vào output/ (mặc định dùng dữ liệu mẫu)")
    _source_options(p)
    _site_options(p)

    p = sub.add_parser("score", help="đánh giá một nguồn và in kết quả")
    _source_options(p)
    _year_option(p)
    p.add_argument("--json", metavar="FILE", help="ghi tài liệu kết quả JSON vào FILE («-»: in ra màn hình)")
    _strict_option(p)

    p = sub.add_parser("build", help="đánh giá và dựng trang web")
    _source_options(p)
    _site_options(p)

    p = sub.add_parser("check", help="kiểm tra phiếu và báo cáo phiếu hợp lệ / bị từ chối")
    _source_options(p)
    _year_option(p)
    p.add_argument("--write-back", action="store_true", help="ghi trạng thái vào ô trạng thái của từng trang tính Google")
    _strict_option(p)

    p = sub.add_parser("template", help="tạo bảng tính cho đơn vị (tệp .xlsx hoặc bảng tính Google)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--xlsx", type=Path, metavar="FILE", help="ghi tệp Excel")
    target.add_argument("--google", metavar="ID", help="dựng các trang trong bảng tính Google đã chia sẻ")
    _year_option(p, required=True)

    p = sub.add_parser("documents", help="lập các văn bản chính thức của một năm (DOCX, và PDF với --pdf)")
    p.add_argument("--year", type=_year, metavar="YYYY", help="năm đánh giá")
    p.add_argument("--out", type=Path, metavar="DIR", help="thư mục ghi văn bản (không công bố)")
    p.add_argument("--unit", metavar="ID", help="chỉ hồ sơ của một đơn vị")
    p.add_argument("--pdf", action="store_true", help="chuyển thêm sang PDF bằng LibreOffice")
    p.add_argument("--copy-templates", type=Path, metavar="DIR", help="chép các mẫu văn bản mặc định ra DIR để sửa trong Word")
    p.add_argument("--templates", type=Path, metavar="DIR",
                   help="thư mục mẫu văn bản đã sửa (mẫu nào không có trong DIR thì dùng mẫu mặc định)")
    _source_options(p)

    p = sub.add_parser("pull", help="lấy dữ liệu từ bảng tính Google vào kho bản lưu")
    p.add_argument("--spreadsheet", metavar="ID", help="mã bảng tính Google")

    p = sub.add_parser("snapshot-changes", help="in nội dung commit cho các bản lưu mới: đơn vị và năm đã thay đổi")
    p.add_argument("--previous-index", type=Path, required=True,
                   help="index.jsonl trước lần lấy dữ liệu (tệp không tồn tại hoặc rỗng: chưa có bản lưu nào)")

    p = sub.add_parser("serve", help="xem trước trang đã dựng (máy chủ của Pelican) tại http://127.0.0.1:8000")
    p.add_argument("--output", type=Path, help="thư mục trang web (mặc định: output trong thư mục dự án)")
    p.add_argument("--port", type=_port, default=8000, help="cổng (mặc định 8000)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return commands.run(args)
    except FAILURES as exc:
        if args.debug:
            raise
        print(f"{PROG}: lỗi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: đã dừng theo yêu cầu.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
