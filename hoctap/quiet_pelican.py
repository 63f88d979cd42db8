"""Pelican's own command line (`python -m pelican`), run by `hoctap build` without its "Generating…" spinner.

Pelican shows the spinner through rich, whose thread wakes twelve times a second for the whole build. Nobody
sees it (`hoctap build` keeps Pelican's output to quote its errors), but each wake takes the interpreter lock
from the thread making the pages: measured on a national one-unit rebuild, the build took about a second
longer with it. Everything else is Pelican's `main`: its arguments, settings, plugins, logging and
`--fatal errors`.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import pelican
from pelican.log import console


def _no_spinner(*args: Any, **kwargs: Any) -> contextlib.nullcontext[None]:
    return contextlib.nullcontext()


def main() -> None:
    console.status = _no_spinner  # Pelican's main runs the build `with console.status("Generating...")`
    pelican.main(sys.argv[1:])


if __name__ == "__main__":
    main()
