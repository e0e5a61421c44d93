"""`python -m ersl …`: the same as the `ersl` command."""

import sys

from ersl.cli import main

sys.exit(main())
