"""The share-link commands: ``share create``, ``share list`` and ``share revoke``.

What the library page's Share panel does, for a server's operator: a link's token is printed
once, when it is made (only its hash is stored), so print it to where it is going.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from canvas.cli.common import EXIT_OK, open_session


def _when(moment: datetime | None, never: str = "never") -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else never


def cmd_create(args: argparse.Namespace) -> int:
    from canvas.domain.access import link_path
    from canvas.storage import access

    with open_session() as session:
        link, token = access.create_link(session=session, canvas_id=args.canvas, role=args.role,
                                         expires_days=args.expires_days, label=args.label or "")
    print(f"Share link {link.id} ({link.role}) for canvas {link.canvas_id}, "
          f"expires {_when(link.expires_at)}.")
    print("Open it at (after the server's address; shown only now, keep it safe):")
    print(link_path(token))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from canvas import storage
    from canvas.storage import access

    with open_session() as session:
        storage.get_canvas(session=session, canvas_id=args.canvas)  # an unknown id is a message, not an empty list
        links = access.list_links(session=session, canvas_id=args.canvas)
    if args.json:
        print(json.dumps([
            {"id": k.id, "role": k.role, "label": k.label, "created_at": k.created_at.isoformat(),
             "expires_at": k.expires_at.isoformat() if k.expires_at else None,
             "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
             "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None}
            for k in links
        ], indent=2))
        return EXIT_OK
    if not links:
        print("This canvas has no share links: `python -m canvas share create --canvas ID --role view` makes one.")
        return EXIT_OK
    for k in links:
        state = f"revoked {_when(k.revoked_at)}" if k.revoked_at else f"expires {_when(k.expires_at)}"
        note = f"  “{k.label}”" if k.label else ""
        print(f"{k.id:<14} {k.role:<5} made {_when(k.created_at)}, {state}, last used {_when(k.last_used_at)}{note}")
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    from canvas.storage import access

    with open_session() as session:
        link = access.revoke_link(session=session, link_id=args.link_id)
    print(f"Share link {link.id} is revoked: it no longer opens canvas {link.canvas_id}.")
    return EXIT_OK


def _days(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {value!r}") from None


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``share`` with its subcommands create, list and revoke."""
    share = commands.add_parser("share", help="view and edit links to one canvas: create, list, revoke")
    actions = share.add_subparsers(dest="share_command", metavar="ACTION", required=True)

    create = actions.add_parser("create", help="make a link (its token is printed once)")
    create.add_argument("--canvas", required=True, metavar="ID", help="the canvas id (see `list`)")
    create.add_argument("--role", required=True, choices=("view", "edit"), help="view only, or may edit")
    create.add_argument("--expires-days", type=_days, metavar="N", help="stop working after N days (default: never)")
    create.add_argument("--label", metavar="TEXT", help="who the link is for, to recognise it in the list")
    create.set_defaults(run=cmd_create)

    listing = actions.add_parser("list", help="a canvas's links, with when each was last used")
    listing.add_argument("--canvas", required=True, metavar="ID")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=cmd_list)

    revoke = actions.add_parser("revoke", help="stop a link working, at once")
    revoke.add_argument("link_id", metavar="LINK_ID", help="the link's id (see `share list`)")
    revoke.set_defaults(run=cmd_revoke)
