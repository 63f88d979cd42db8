"""`python -m hoctap_pages feeder OUTPUT` or `… downloads`: the build's helper processes (`child_process`)."""

from __future__ import annotations

import sys
from pathlib import Path

from .child_process import end_with_parent


def main(argv: list[str]) -> int:
    end_with_parent()
    if argv[:1] == ["feeder"] and len(argv) == 2:
        from .index_feeder import serve

        serve(Path(argv[1]), sys.stdin.buffer, sys.stdout.buffer)
        return 0
    if argv == ["downloads"]:
        from .downloads_process import main as downloads

        return downloads()
    print("Cách dùng: python -m hoctap_pages feeder THƯ_MỤC_RA | downloads", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
