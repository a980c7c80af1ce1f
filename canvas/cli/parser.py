"""The command line: everything a user can do in the browser that is not drawing.

Each subcommand is a small function taking the parsed arguments and returning an exit status
(one module a subject: ``canvas.cli.canvases``, ``customer_data``, ``history``, ``bundles``,
``backup``, ``share``). A mistake the user can make (bad input, unknown canvas, unreachable database) prints one clear
message on stderr and exits with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from canvas.cli import backup, bundles, canvases, customer_data, exports, history, share
from canvas.cli.common import EXIT_USER_ERROR, database_error
from canvas.domain.errors import CanvasError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m canvas",
        description="Business Model Canvas dashboard: manage canvases and compute customer metrics. "
                    "The database is $CANVAS_DATABASE_URL (default: SQLite in data/).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    canvases.add_commands(commands)
    exports.extend_export(commands.choices["export"])  # --format html|pdf|pptx|xlsx|csv
    customer_data.add_commands(commands)
    bundles.add_commands(commands)
    backup.add_commands(commands)
    share.add_commands(commands)
    history.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command of ``argv`` (default: the process's arguments); returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CanvasError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the database busy or gone mid-command: one line, not a traceback
        translated = database_error(error)
        if translated is None:
            raise
        print(f"error: {translated}", file=sys.stderr)
        return EXIT_USER_ERROR
