"""The command line: everything a user can do in the browser that is not drawing.

Each subcommand is a small function taking the parsed arguments and returning an exit status.
A mistake the user can make (bad input, unknown canvas, unreachable database) prints one clear
message on stderr and exits with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from sqlmodel import Session

from canvas import store
from canvas.errors import CanvasError

EXIT_OK, EXIT_USER_ERROR = 0, 2


def _session() -> Session:
    return Session(store.make_engine(), expire_on_commit=False)


def cmd_demo(args: argparse.Namespace) -> int:
    from canvas.demo import create_demo

    with _session() as session:
        canvas = create_demo(session=session)
    print(f"Demo canvas ready: {canvas.name} (id {canvas.id})")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with _session() as session:
        canvases = store.list_canvases(session=session, trashed=args.trash)
    if args.json:
        print(json.dumps([
            {"id": c.id, "name": c.name, "version": c.version, "updated_at": c.updated_at.isoformat(),
             "deleted_at": c.deleted_at.isoformat() if c.deleted_at else None}
            for c in canvases
        ], indent=2))
        return EXIT_OK
    if not canvases:
        print("The trash is empty." if args.trash else "No canvases yet: `python -m canvas demo` creates one.")
        return EXIT_OK
    width = max(len(c.name) for c in canvases)
    for c in canvases:
        print(f"{c.id:<20} {c.name:<{width}}  v{c.version:<4} changed {c.updated_at:%Y-%m-%d %H:%M} UTC")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m canvas",
        description="Business Model Canvas dashboard: manage canvases and compute customer metrics. "
                    f"The database is ${store.DATABASE_URL_ENV} (default: SQLite in data/).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser("demo", help="create the demo canvas, or reset it to its original contents")
    demo.set_defaults(run=cmd_demo)

    listing = commands.add_parser("list", help="list saved canvases")
    listing.add_argument("--trash", action="store_true", help="list the canvases in the trash instead")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=cmd_list)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CanvasError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
