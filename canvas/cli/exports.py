"""``python -m canvas export --canvas ID --format html|pdf|pptx|xlsx|csv``: the files people open
without the app (``canvas.library.exports``).

The options extend the ``export`` command of ``canvas.cli.canvases``: without ``--format`` (or
with ``--format json``) it writes the canvas JSON document as before, so ``export ID`` keeps
working. A PDF without Chromium, an unknown canvas or an unwritable file is one clear message.
"""

from __future__ import annotations

import argparse
import sys

from canvas.cli.common import EXIT_OK, open_session
from canvas.domain.errors import InvalidInput

JSON = "json"
FILE_FORMATS = ("html", "pdf", "pptx", "xlsx", "csv")  # canvas.library.exports.FORMATS, without importing it


def cmd_export(args: argparse.Namespace) -> int:
    """The JSON document (``canvases.cmd_export``) or one of the exports' files."""
    from canvas.cli import canvases

    if args.canvas and args.canvas_id and args.canvas != args.canvas_id:
        raise InvalidInput(f"Two canvases named: {args.canvas_id!r} and --canvas {args.canvas!r}; give one.")
    args.canvas_id = args.canvas or args.canvas_id
    if not args.canvas_id:
        raise InvalidInput("Which canvas? Give its id: `export --canvas ID` (`python -m canvas list` shows them).")
    if args.format == JSON:
        return canvases.cmd_export(args)
    if args.output in (None, "-") and args.format in ("pdf", "pptx", "xlsx"):
        raise InvalidInput(f"A {args.format.upper()} file cannot go to the terminal: name a file with -o FILE.")

    from canvas.library.exports import export_file, gather

    with open_session() as session:
        content = gather(session=session, canvas_id=args.canvas_id)
    exported = export_file(content, args.format, paper=args.paper, table=args.table)
    if args.output in (None, "-"):
        sys.stdout.write(exported.data.decode("utf-8-sig"))
        return EXIT_OK
    try:
        with open(args.output, "wb") as handle:
            handle.write(exported.data)
    except OSError as error:
        raise InvalidInput(f"Cannot write {args.output!r}: {error.strerror}.") from None
    print(f"Exported “{content.board.canvas.name}” as {args.format.upper()} to {args.output}", file=sys.stderr)
    return EXIT_OK


def extend_export(export: argparse.ArgumentParser) -> None:
    """Add ``--canvas``, ``--format``, ``--paper`` and ``--table`` to the ``export`` command."""
    export.add_argument("--canvas", metavar="ID", help="the canvas id (instead of the ID argument)")
    export.add_argument("--format", choices=(JSON, *FILE_FORMATS), default=JSON,
                        help="json: the canvas document (default); html: a report that opens offline; pdf: the "
                             "board as a poster, then the report (needs Chromium); pptx: slides with native charts; "
                             "xlsx: the metrics, one sheet a table; csv: one table (see --table)")
    export.add_argument("--paper", choices=("a3", "a4"), default="a3", help="the PDF's landscape paper (default a3)")
    export.add_argument("--table", choices=("segments", "periods", "targets"), default="segments",
                        help="the CSV's table: metrics per segment (default), per month, or the targets")
    export.set_defaults(run=cmd_export)
