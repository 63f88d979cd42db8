"""`python -m hoctap` is the `hoctap` command."""

import sys

from hoctap.cli import main

if __name__ == "__main__":  # a child process of `hoctap build` (multiprocessing) must not run the command again
    sys.exit(main())
