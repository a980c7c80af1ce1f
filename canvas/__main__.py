"""``python -m canvas``: the command-line interface."""

import sys

from canvas.cli import main

sys.exit(main())
