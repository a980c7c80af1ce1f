"""The commands about a canvas's history: history, snapshot, compare, restore-point and undo.

A POINT is a version from `history` (12 or v12) or a snapshot's name. Each command takes the
parsed arguments and returns an exit status; the modules it needs are imported inside it (see
``canvas.cli.common``).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from canvas.cli.common import EXIT_OK, open_session

if TYPE_CHECKING:
    from canvas.domain.compare import Comparison
    from canvas.storage import History

_TIME = "%Y-%m-%d %H:%M"


def _history_json(history: History) -> dict[str, Any]:
    return {
        "canvas": {"id": history.canvas.id, "name": history.canvas.name},
        "current": history.current,
        "earliest": history.earliest,
        "began_late": history.began_late,
        "blocked_by": history.blocked_by.label if history.blocked_by else None,
        "snapshots": [{"name": s.name, "seq": s.seq, "author": s.author_name, "created_at": s.created_at.isoformat()}
                      for s in history.snapshots],
        "sessions": [
            {"author": work.author_name, "started": work.started.isoformat(), "ended": work.ended.isoformat(),
             "changes": [{"seq": c.seq, "label": c.label, "action": c.action, "kind": c.item_kind,
                          "author": c.author_name, "at": c.created_at.isoformat(), "undone": c.undone}
                         for c in work.changes]}
            for work in history.sessions
        ],
    }


def _where_history_starts(history: History) -> str:
    return history.where_it_starts() or "History from v1, the start."


def cmd_history(args: argparse.Namespace) -> int:
    from canvas import storage

    with open_session() as session:
        history = storage.load_history(session=session, canvas_id=args.canvas)
    if args.json:
        print(json.dumps(_history_json(history), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{history.canvas.name} (id {history.canvas.id}), now v{history.current}. {_where_history_starts(history)}")
    for snapshot in history.snapshots:
        by = f", by {snapshot.author_name}" if snapshot.author_name else ""
        print(f"snapshot v{snapshot.seq}  “{snapshot.name}” (named {snapshot.created_at:{_TIME}} UTC{by})")
    if not history.changes:
        print("No changes recorded yet.")
    for work in history.sessions:
        count = len(work.changes)
        print(f"\n{work.started:{_TIME}}–{work.ended:%H:%M} UTC · {work.who} · {count} change{'s' * (count != 1)}")
        for change in work.changes:
            undone = "  (undone)" if change.undone else ""
            print(f"  v{change.seq:<5} {change.created_at:%H:%M}  {change.label}{undone}")
    return EXIT_OK


def cmd_snapshot(args: argparse.Namespace) -> int:
    from canvas import storage

    with open_session() as session:
        snapshot = storage.create_snapshot(session=session, canvas_id=args.canvas, name=args.name, point=args.at)
    print(f"Snapshot “{snapshot.name}” names v{snapshot.seq}.")
    return EXIT_OK


def comparison_lines(comparison: Comparison) -> list[str]:
    """The comparison as plain text lines, section by section."""
    lines: list[str] = []

    def item(prefix: str, change: Any) -> None:
        mark = {"added": "+", "removed": "-", "changed": "~"}[change.status]
        lines.append(f"{prefix}{mark} {change.title}")
        for field in change.fields:
            lines.append(f"{prefix}    {field.label}: {field.before} → {field.after}")

    for field in comparison.details:
        lines.append(f"Canvas {field.label.lower()}: {field.before} → {field.after}")
    for block in comparison.blocks:
        lines.append(f"{block.title}:" + ("  (reordered)" if block.reordered else ""))
        for note in block.notes:
            item("  ", note)
    sections = (("Customer segments", comparison.segments), ("Relationship designs", comparison.relationships),
                ("Dismissed coach findings", comparison.findings))
    for title, changes in sections:
        reordered = title == "Customer segments" and comparison.segments_reordered
        if changes or reordered:
            lines.append(f"{title}:" + ("  (reordered)" if reordered else ""))
            for change in changes:
                item("  ", change)
    return lines or ["No differences."]


def cmd_compare(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from canvas import storage

    with open_session() as session:
        seq_a, seq_b, comparison = storage.compare_points(session=session, canvas_id=args.canvas, a=args.a, b=args.b)
    if args.json:
        print(json.dumps({"a": seq_a, "b": seq_b, **asdict(comparison)}, indent=2, ensure_ascii=False, default=str))
        return EXIT_OK
    print(f"From v{seq_a} to v{seq_b}:")
    for line in comparison_lines(comparison):
        print(line)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from canvas import storage

    with open_session() as session:
        restored = storage.restore_point(session=session, canvas_id=args.canvas, point=args.point)
    print(f"Restored v{restored.seq} as a new version, v{restored.version}. "
          f"`python -m canvas undo --canvas {args.canvas}` undoes it.")
    if restored.note:
        print(restored.note)
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    from canvas import storage

    with open_session() as session:
        label = storage.undo(session=session, canvas_id=args.canvas)
    print(f"Undone: {label}")
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register history, snapshot, compare, restore-point and undo (``restore`` is the backup's)."""
    point_help = "a version from `history` (12 or v12) or a snapshot's name"

    history = commands.add_parser("history", help="a canvas's changes, grouped by session of work, and its snapshots")
    history.add_argument("--canvas", required=True, metavar="ID", help="the canvas id (see `list`)")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(run=cmd_history)

    snapshot = commands.add_parser("snapshot", help="name a point of a canvas's history (default: now)")
    snapshot.add_argument("--canvas", required=True, metavar="ID")
    snapshot.add_argument("--name", required=True, help="e.g. “after workshop 2”")
    snapshot.add_argument("--at", metavar="POINT", help=f"the point to name: {point_help} (default: now)")
    snapshot.set_defaults(run=cmd_snapshot)

    compare = commands.add_parser("compare", help="what changed between two points of a canvas's history")
    compare.add_argument("--canvas", required=True, metavar="ID")
    compare.add_argument("a", metavar="A", help=f"the earlier point: {point_help}")
    compare.add_argument("b", metavar="B", help="the later point")
    compare.add_argument("--json", action="store_true", help="print JSON")
    compare.set_defaults(run=cmd_compare)

    restore = commands.add_parser("restore-point", help="make a canvas hold what it held at a point, as a new version")
    restore.add_argument("--canvas", required=True, metavar="ID")
    restore.add_argument("point", metavar="POINT", help=point_help)
    restore.set_defaults(run=cmd_restore)

    undo = commands.add_parser("undo", help="undo the last change made from the command line (a restore, say)")
    undo.add_argument("--canvas", required=True, metavar="ID")
    undo.set_defaults(run=cmd_undo)
