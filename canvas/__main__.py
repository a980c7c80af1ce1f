"""``python -m canvas``: the command-line interface."""

import sys

from canvas.cli.main import main

sys.exit(main())
