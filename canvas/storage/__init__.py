"""Storage: the database and every saved record, behind keyword-only functions on a ``Session``.

``db`` makes the engine from the URL setting and migrates the schema (Alembic, ``migrations/``);
``canvases`` creates, lists, duplicates and trashes whole canvases; ``board`` holds segments,
notes and the ``Board`` the board page draws; ``relationships`` the relationship designs and
dismissed coach findings; ``history`` the change log every change writes one row of, item version checks and undo;
``points`` the timeline, the state at any point, comparing and restoring points (``restoring``
writes them), ``snapshots`` named points;
``datasets`` the customer data and remembered segment links (``dataset_store``: where the data's
bytes are kept); ``records`` the lookups by
id and ``forms`` the validation of form values. Callers import the package,
``from canvas import storage``, and call ``storage.add_note(session=..., ...)``.
"""

from canvas.storage.board import (
    Board,
    add_note,
    add_segment,
    delete_note,
    delete_segment,
    list_segments,
    load_board,
    move_note,
    move_segment,
    update_note,
    update_segment,
)
from canvas.storage.canvases import (
    count_canvases,
    create_canvas,
    duplicate_canvas,
    free_name,
    list_canvases,
    purge_canvas,
    restore_canvas,
    trash_canvas,
    update_canvas,
)
from canvas.storage.datasets import (
    NewDataset,
    add_datasets,
    delete_dataset,
    link_dataset_segments,
    list_datasets,
    load_dataset,
    read_dataset_file,
    remembered_links,
    save_dataset,
)
from canvas.storage.db import (
    DATA_DIR,
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    DATASETS_ENV,
    DEFAULT_DATABASE_URL,
    alembic_config,
    as_user_error,
    data_dir,
    database_url,
    make_engine,
    metadata,
    migrate,
    redact,
    work_session,
)
from canvas.storage.forms import parse
from canvas.storage.history import last_undoable, log_canvas_change, undo
from canvas.storage.points import History, Restored, compare_points, load_history, resolve_point, restore_point
from canvas.storage.records import get_canvas
from canvas.storage.relationships import dismiss_finding, restore_finding, save_relationship
from canvas.storage.snapshots import create_snapshot, delete_snapshot

__all__ = [
    "as_user_error",
    "NewDataset",
    "add_datasets",
    "read_dataset_file",
    "DATABASE_URL_ENV",
    "DATASETS_ENV",
    "DATA_DIR",
    "DATA_DIR_ENV",
    "DEFAULT_DATABASE_URL",
    "Board",
    "History",
    "Restored",
    "add_note",
    "add_segment",
    "alembic_config",
    "compare_points",
    "count_canvases",
    "create_canvas",
    "create_snapshot",
    "data_dir",
    "database_url",
    "delete_dataset",
    "delete_note",
    "delete_snapshot",
    "delete_segment",
    "dismiss_finding",
    "duplicate_canvas",
    "free_name",
    "get_canvas",
    "last_undoable",
    "link_dataset_segments",
    "list_canvases",
    "list_datasets",
    "list_segments",
    "load_board",
    "load_dataset",
    "load_history",
    "log_canvas_change",
    "make_engine",
    "metadata",
    "migrate",
    "move_note",
    "move_segment",
    "parse",
    "purge_canvas",
    "redact",
    "remembered_links",
    "restore_canvas",
    "resolve_point",
    "restore_finding",
    "restore_point",
    "save_dataset",
    "save_relationship",
    "trash_canvas",
    "undo",
    "update_canvas",
    "update_note",
    "update_segment",
    "work_session",
]
