"""`python -m hoctap` is the `hoctap` command."""

import sys

from hoctap.cli import main

sys.exit(main())
