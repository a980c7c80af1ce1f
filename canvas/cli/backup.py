"""The commands for backups: ``backup FILE`` writes the whole database and every dataset file to
one zip; ``restore FILE`` puts them into an empty database (see ``canvas.storage.backup``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from canvas.cli.common import EXIT_OK, database
from canvas.domain.errors import InvalidInput


def cmd_backup(args: argparse.Namespace) -> int:
    from canvas.storage import backup

    target = Path(args.file)
    if target.is_dir() or not target.parent.is_dir():
        raise InvalidInput(f"Cannot write the backup to {target}: give a file name in an existing folder.")
    from sqlmodel import Session

    from canvas.storage.leftovers import sweep_dataset_files

    with database() as engine:
        with Session(engine) as session:
            sweep_dataset_files(session=session)  # leftovers of killed saves are not backed up
        summary = backup.write_backup(engine, target)
    print(f"Backed up {summary.sentence()} to {target}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from canvas import storage
    from canvas.storage import backup

    source = Path(args.file)
    if not source.is_file():
        raise InvalidInput(f"No backup file at {source}.")
    with database() as engine:
        summary = backup.restore_backup(engine, source)
    print(f"Restored {summary.sentence()} into {storage.redact(storage.database_url())}")
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser(
        "backup", help="write the database and every dataset file to one zip",
        description="Write every table of $CANVAS_DATABASE_URL and every dataset's Parquet file (from "
                    "$CANVAS_DATA_DIR or the database) to one zip, read in one transaction (safe while the app runs).")
    backup.add_argument("file", help="the zip to write, e.g. backup-2026-11-23.zip")
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser(
        "restore", help="restore a backup into an empty database",
        description="Restore a zip made by `backup` into the empty database of $CANVAS_DATABASE_URL (migrated "
                    "first) and its datasets where $CANVAS_DATASETS says (files into $CANVAS_DATA_DIR, or the "
                    "database). Nothing is written if any check fails.")
    restore.add_argument("file", help="the zip made by `python -m canvas backup`")
    restore.set_defaults(run=cmd_restore)
