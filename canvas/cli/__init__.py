"""The command line (``python -m canvas``, or the installed ``canvas`` command)."""

from canvas.cli.main import main

__all__ = ["main"]
