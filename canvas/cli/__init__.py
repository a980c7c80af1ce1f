"""The command line (``python -m canvas``, or the installed ``canvas`` command).

``parser`` builds the argument parser and runs a command; the commands live beside it, grouped
like the app: ``canvases`` (demo, list, export, import, check) and ``customer_data`` (metrics,
clv); ``common`` holds the exit statuses and the database session they share. Only ``main`` and
``build_parser`` are public.
"""

from canvas.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
