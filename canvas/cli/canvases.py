"""The commands about canvases: demo, list, export, import and check.

Each command takes the parsed arguments and returns an exit status; the modules it needs are
imported inside it (see ``canvas.cli.common``).
"""

from __future__ import annotations

import argparse
import json
import sys

from canvas.cli.common import EXIT_OK, open_session, read_limited
from canvas.domain.errors import InvalidInput


def cmd_demo(args: argparse.Namespace) -> int:
    from canvas.library.demo import create_demo

    with open_session() as session:
        canvas = create_demo(session=session)
    print(f"Demo canvas ready: {canvas.name} (id {canvas.id})")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from canvas import storage

    with open_session() as session:
        canvases = storage.list_canvases(session=session, trashed=args.trash)
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
    from canvas.domain.formatting import printable

    names = {c.id: printable(c.name) for c in canvases}
    width = max(len(name) for name in names.values())
    for c in canvases:
        print(f"{c.id:<20} {names[c.id]:<{width}}  v{c.version:<4} changed {c.updated_at:%Y-%m-%d %H:%M} UTC")
    return EXIT_OK


# --- The canvas format ----------------------------------------------------------------------------

def _read_file(path: str) -> bytes:
    from canvas.library import exchange

    return read_limited(path, exchange.MAX_DOCUMENT_BYTES)


def cmd_export(args: argparse.Namespace) -> int:
    from canvas.library import exchange

    with open_session() as session:
        document = exchange.export_document(session=session, canvas_id=args.canvas_id)
    text = exchange.dumps(document)
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise InvalidInput(f"Cannot write {args.output!r}: {error.strerror}.") from None
        print(f"Exported “{document['canvas']['name']}” to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from canvas.library import exchange

    document = exchange.read_document(_read_file(args.file))
    with open_session() as session:
        canvas = exchange.import_document(session=session, document=document, name=args.name)
    print(f"Imported as “{canvas.name}” (id {canvas.id})")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from canvas.domain import coach
    from canvas.library import exchange

    document = exchange.read_document(_read_file(args.file))
    names = {s["id"]: s["name"] for s in document["segments"]}
    found = coach.findings(document, include_dismissed=args.all)
    if args.json:
        print(json.dumps([
            {"rule_id": f.rule_id, "severity": f.severity, "segments": [names[s] for s in f.segment_ids],
             "segment_ids": list(f.segment_ids), "message": f.title, "why": f.why, "action": f.action}
            for f in found
        ], indent=2, ensure_ascii=False))
    elif not found:
        print("No findings: the design avoids the common mistakes the coach knows.")
    else:
        for f in found:
            print(f"[{f.severity}] {f.rule_id}: {f.title}\n    why: {f.why}\n    do:  {f.action}")
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register demo, list, export, import and check, in the order ``--help`` lists them."""
    demo = commands.add_parser("demo", help="create the demo canvas, or reset it to its original contents")
    demo.set_defaults(run=cmd_demo)

    listing = commands.add_parser("list", help="list saved canvases")
    listing.add_argument("--trash", action="store_true", help="list the canvases in the trash instead")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=cmd_list)

    export = commands.add_parser("export", help="write a canvas as a JSON document (docs/canvas-format.md), "
                                                "or as a report, slides or a spreadsheet (--format)")
    # Optional: ``--canvas ID`` (canvas.cli.exports) names it too.
    export.add_argument("canvas_id", metavar="ID", nargs="?", help="the canvas id (see `list`)")
    export.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: standard output)")
    export.set_defaults(run=cmd_export)

    importing = commands.add_parser("import", help="create a canvas from a JSON document")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--name", help="name the new canvas (default: the document's name)")
    importing.set_defaults(run=cmd_import)

    check = commands.add_parser("check", help="the coach's findings on a canvas JSON document")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--all", action="store_true", help="include the findings the canvas dismissed")
    check.add_argument("--json", action="store_true", help="print a JSON list of findings")
    check.set_defaults(run=cmd_check)
