"""Pelican's own command line (`python -m pelican`), run by `hoctap build` without its "Generating…" spinner.

Pelican shows the spinner through rich, whose thread wakes twelve times a second for the whole build. Nobody
sees it (`hoctap build` keeps Pelican's output to quote its errors), but each wake takes the interpreter lock
from the thread making the pages: measured on a national one-unit rebuild, the build took about a second
longer with it. Once the site is written it leaves at once, without freeing its objects one by one. Everything
else is Pelican's `main`: its arguments, settings, plugins, logging and `--fatal errors`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import Any

import pelican
from pelican.log import console


def _no_spinner(*args: Any, **kwargs: Any) -> contextlib.nullcontext[None]:
    return contextlib.nullcontext()


def main() -> None:
    console.status = _no_spinner  # Pelican's main runs the build `with console.status("Generating...")`
    pelican.main(sys.argv[1:])
    # The site is written (a failure exits above, through `sys.exit`). Leaving through the interpreter's
    # shutdown would free a national site's results object by object, a third of a second; the system takes
    # the whole process back at once. Only what shutdown would still do that matters is done: the logs and
    # the standard streams are flushed.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
