"""The bundle commands: ``bundle export`` writes a canvas with its customer data as one zip,
``bundle import`` makes a new canvas from one (see ``canvas.library.bundle``)."""

from __future__ import annotations

import argparse
import os
import sys

from canvas.cli.common import EXIT_OK, open_session, read_limited
from canvas.domain.errors import InvalidInput


def _read_bundle_file(path: str) -> bytes:
    from canvas.library.bundle_zip import MAX_BUNDLE_BYTES

    return read_limited(path, MAX_BUNDLE_BYTES)


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from canvas import storage
    from canvas.library import bundle

    with open_session() as session:
        canvas = storage.get_canvas(session=session, canvas_id=args.canvas_id)
        data = bundle.export_bundle(session=session, canvas_id=canvas.id)
        count = len(storage.list_datasets(session=session, canvas_id=canvas.id))
    partial = f"{args.output}.partial"
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, args.output)
    except OSError as error:
        raise InvalidInput(f"Cannot write {args.output!r}: {error.strerror}.") from None
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    print(f"Exported “{canvas.name}” with {count} dataset{'s' if count != 1 else ''} to {args.output}",
          file=sys.stderr)
    return EXIT_OK


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from canvas.library import bundle

    checked = bundle.read_bundle(_read_bundle_file(args.file))
    with open_session() as session:
        canvas = bundle.import_bundle(session=session, bundle=checked, name=args.name)
    count = len(checked.datasets)
    print(f"Imported as “{canvas.name}” (id {canvas.id}) with {count} dataset{'s' if count != 1 else ''}")
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``bundle export`` and ``bundle import``."""
    group = commands.add_parser("bundle", help="a canvas with its customer data as one zip file: export, import")
    actions = group.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)

    export = actions.add_parser("export", help="write a canvas and its linked datasets as one zip")
    export.add_argument("--canvas", dest="canvas_id", metavar="ID", required=True, help="the canvas id (see `list`)")
    export.add_argument("-o", "--output", metavar="FILE.zip", required=True, help="the bundle file to write")
    export.set_defaults(run=cmd_bundle_export)

    importing = actions.add_parser("import", help="create a canvas, with its datasets, from a bundle")
    importing.add_argument("file", metavar="FILE.zip")
    importing.add_argument("--name", help="name the new canvas (default: the bundle's canvas name)")
    importing.set_defaults(run=cmd_bundle_import)
