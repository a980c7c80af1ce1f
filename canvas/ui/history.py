"""The history page's parts: the timeline, snapshots, going back to a point, and comparing two.

Every user text here (change labels hold note texts, snapshot and segment names) goes through
``markup.escape_text`` before it is put in HTML (drawn with ``markup.show``), through
``markup.literal`` before it is put in Markdown, and plain into ``frame.flash`` (which shows it
literally), as the rest of the app does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import streamlit as st
from sqlmodel import Session

from canvas import storage
from canvas.domain.compare import Comparison, ItemChange
from canvas.domain.errors import CanvasError
from canvas.domain.timeline import SNAPSHOT_NAME_MAX_CHARS, WorkSession
from canvas.ui import frame, markup
from canvas.ui.identity import current_author
from canvas.ui.markup import escape_text as esc
from canvas.ui.markup import literal

SESSIONS_SHOWN = 12  # sessions of work drawn at first; "Show older" adds as many again
SHOWN_KEY = "hist_sessions_shown"

HISTORY_CSS = """
<style>
.hist-session { border: 1px solid #e3e3e3; border-radius: 6px; padding: 6px 10px; margin-bottom: 8px; }
.hist-who { font-weight: 600; font-size: 0.92rem; }
.hist-when { color: #666; font-size: 0.8rem; }
.hist-change { display: grid; grid-template-columns: 3.6rem 3rem 1fr; gap: 6px; font-size: 0.85rem;
  padding: 1px 0; overflow-wrap: anywhere; }
.hist-seq { color: #555; font-variant-numeric: tabular-nums; }
.hist-time { color: #888; font-variant-numeric: tabular-nums; }
.hist-undone { color: #999; text-decoration: line-through; }
.hist-flag { font-size: 0.8rem; color: #7a4d00; background: #fff3d6; border-radius: 4px; padding: 1px 6px;
  margin: 2px 0 2px calc(6.6rem + 12px); display: inline-block; overflow-wrap: anywhere; }
.hist-diff { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 10px; margin-bottom: 12px; }
.hist-diff-head { font-weight: 600; font-size: 0.82rem; color: #555; border-bottom: 1px solid #ddd; }
.hist-section { grid-column: 1 / span 2; font-weight: 600; margin-top: 6px; }
.hist-cell { border-radius: 4px; padding: 4px 8px; font-size: 0.85rem; overflow-wrap: anywhere; }
.hist-cell small { display: block; color: #555; }
.hist-added { background: #e6f4ea; border-left: 4px solid #2e7d32; }
.hist-removed { background: #fdecea; border-left: 4px solid #c62828; text-decoration: line-through; }
.hist-changed { background: #fff8e1; border-left: 4px solid #f9a825; }
.hist-absent { color: #999; font-style: italic; font-size: 0.8rem; padding: 4px 8px; }
</style>
"""


# --- Actions (widget callbacks) ---------------------------------------------------------------

def _act(action: Callable[[Session], Any]) -> Any:
    """``frame.act`` for this page: a refusal's message (quoting snapshot names or notes) is shown
    by ``frame.show_flash``, literally."""
    try:
        with frame.session() as db:
            return action(db)
    except CanvasError as error:
        frame.flash("error", str(error))
        return None


def restore(canvas_id: str, key: str) -> None:
    """Restore the point picked in the select box ``key``."""
    point = st.session_state.get(key) or ""
    restored = _act(lambda db: storage.restore_point(session=db, canvas_id=canvas_id, point=point,
                                                          author=current_author()))
    if restored:
        frame.flash("success", f"Restored v{restored.seq} as a new version, v{restored.version}. Undo puts back "
                               "what was there.")
        if restored.note:
            frame.flash("info", restored.note)


def undo(canvas_id: str) -> None:
    label = _act(lambda db: storage.undo(session=db, canvas_id=canvas_id, author=current_author()))
    if label:
        frame.flash("success", f"Undone: {label}")


def name_point(canvas_id: str, key: str) -> None:
    """Name the point picked in ``key`` with the text in ``hist_snapshot_name``."""
    name, point = st.session_state.get("hist_snapshot_name", ""), st.session_state.get(key)

    def action(db):
        made = storage.create_snapshot(session=db, canvas_id=canvas_id, name=name, point=point,
                                       author=current_author())
        st.session_state["hist_snapshot_name"] = ""  # only once saved: a refused name stays in the box
        # and a new key closes the popover (setting the old one False could race a live check: ui/live.py)
        st.session_state["hist_name_round"] = st.session_state.get("hist_name_round", 0) + 1
        return made

    snapshot = _act(action)
    if snapshot:
        frame.flash("success", f"Snapshot “{snapshot.name}” names v{snapshot.seq}")


def forget_snapshot(canvas_id: str, name: str) -> None:
    if _act(lambda db: storage.delete_snapshot(session=db, canvas_id=canvas_id, name=name)) is None:
        return
    frame.flash("success", f"Snapshot “{name}” deleted (the point stays in the history)")


def show_older() -> None:
    st.session_state[SHOWN_KEY] = st.session_state.get(SHOWN_KEY, SESSIONS_SHOWN) + SESSIONS_SHOWN


# --- Words -----------------------------------------------------------------------------------

def where_it_starts(history: storage.History) -> str | None:
    """Markdown: why the history starts where it does, when that is not the canvas's start."""
    starts = history.where_it_starts()
    return literal(starts) if starts else None


def _when(moment: datetime) -> str:
    return f"{moment:%d %b %Y, %H:%M}"


# --- HTML ------------------------------------------------------------------------------------

def session_html(work: WorkSession, flags: dict[int, list[str]]) -> str:
    """One session of work: who, when, how many changes, then each change newest first; the
    snapshots naming a change's version flagged above it."""
    count = len(work.changes)
    span = _when(work.started) + (f"–{work.ended:%H:%M}" if work.ended != work.started else "")
    head = (f'<div class="hist-who">{esc(work.who)}</div><div class="hist-when">{span} UTC · '
            f'{count} change{"s" * (count != 1)}</div>')
    rows: list[str] = []
    for change in work.changes:
        rows.extend(f'<div class="hist-flag">★ {esc(name)}</div>' for name in flags.get(change.seq, []))
        label = f'<span class="hist-undone">{esc(change.label)}</span> (undone)' if change.undone else esc(change.label)
        rows.append(f'<div class="hist-change"><span class="hist-seq">v{change.seq}</span>'
                    f'<span class="hist-time">{change.created_at:%H:%M}</span><span>{label}</span></div>')
    return f'<div class="hist-session">{head}{"".join(rows)}</div>'


def _cells(change: ItemChange) -> str:
    title = esc(change.title)
    if change.status == "added":
        return f'<div class="hist-absent">not there</div><div class="hist-cell hist-added">+ {title}</div>'
    if change.status == "removed":
        return f'<div class="hist-cell hist-removed">{title}</div><div class="hist-absent">removed</div>'
    before = "".join(f"<small>{esc(f.label)}: {esc(f.before)}</small>" for f in change.fields)
    after = "".join(f"<small>{esc(f.label)}: {esc(f.after)}</small>" for f in change.fields)
    return (f'<div class="hist-cell hist-changed">{esc(change.title_before)}{before}</div>'
            f'<div class="hist-cell hist-changed">{title}{after}</div>')


def comparison_html(comparison: Comparison, left: str, right: str) -> str:
    """The two points side by side, section by section (only what changed)."""
    parts = [f'<div class="hist-diff-head">{esc(left)}</div><div class="hist-diff-head">{esc(right)}</div>']
    if comparison.details:
        parts.append('<div class="hist-section">Canvas</div>')
        for field in comparison.details:
            label = f"<small>{esc(field.label)}</small>"
            parts.append(f'<div class="hist-cell hist-changed">{label}{esc(field.before)}</div>'
                         f'<div class="hist-cell hist-changed">{label}{esc(field.after)}</div>')
    sections: list[tuple[str, tuple[ItemChange, ...], bool]] = [
        (block.title, block.notes, block.reordered) for block in comparison.blocks]
    sections += [("Customer segments", comparison.segments, comparison.segments_reordered),
                 ("Relationship designs", comparison.relationships, False),
                 ("Dismissed coach findings", comparison.findings, False)]
    for title, changes, reordered in sections:
        if changes or reordered:
            moved = ' <span class="hist-when">(order changed)</span>' if reordered else ""
            parts.append(f'<div class="hist-section">{esc(title)}{moved}</div>')
            parts.extend(_cells(change) for change in changes)
    return f'<div class="hist-diff">{"".join(parts)}</div>'


# --- Drawing ---------------------------------------------------------------------------------

def timeline(history: storage.History) -> None:
    flags: dict[int, list[str]] = {}
    for snapshot in history.snapshots:
        flags.setdefault(snapshot.seq, []).append(snapshot.name)
    sessions = history.sessions
    if not sessions:
        st.caption("No changes recorded yet: changes made on the board, the relationships page, a workshop or the "
                   "library appear here.")
    shown = st.session_state.get(SHOWN_KEY, SESSIONS_SHOWN)
    for work in sessions[:shown]:
        markup.show(st, session_html(work, flags))
    if len(sessions) > shown:
        st.button(f"Show older sessions ({len(sessions) - shown} more)", key="hist_older", on_click=show_older)
    else:
        st.caption(f"Start of the history: {literal(history.describe(history.earliest))}")


def snapshots(history: storage.History) -> None:
    if not history.snapshots:
        st.caption("No snapshots yet. Name a point below (“after workshop 2”, “sent to investors”) to find it again.")
    for snapshot in history.snapshots:
        text, button = st.columns([6, 1], vertical_alignment="center")
        by = f" · {literal(snapshot.author_name)}" if snapshot.author_name else ""
        text.markdown(f"★ **{literal(snapshot.name)}**  \n:gray[v{snapshot.seq} · named {_when(snapshot.created_at)} "
                      f"UTC{by}]")
        with button:
            st.button("", icon=":material/delete:", key=f"hist_forget_{snapshot.id}", help="Delete this snapshot",
                      on_click=forget_snapshot, args=(history.canvas.id, snapshot.name))


def point_picker(history: storage.History, *, label: str, key: str, default: int) -> int:
    points = history.points()
    if st.session_state.get(key) not in points:
        st.session_state.pop(key, None)
    return st.selectbox(label, points, index=points.index(default) if default in points else 0, key=key,
                        format_func=lambda seq: ("Now · " if seq == history.current else "") + history.describe(seq))


def go_back(history: storage.History) -> None:
    """Pick a point: restore it, or name it."""
    canvas_id = history.canvas.id
    points = history.points()  # by default the point before the last change: what one step back looks like
    point_picker(history, label="Point", key="hist_point", default=points[1] if len(points) > 1 else points[0])
    with st.container(horizontal=True, gap="small"):
        st.button("Restore this point", type="primary", icon=":material/history:", key="hist_restore",
                  on_click=restore, args=(canvas_id, "hist_point"),
                  help="The canvas holds what it held then, as a new version; nothing is lost and Undo reverts it.")
        with st.popover("Name this point", icon=":material/bookmark_add:", on_change="rerun",
                        key=f"hist_name_open_{st.session_state.get('hist_name_round', 0)}"):
            st.text_input("Snapshot name", key="hist_snapshot_name", max_chars=SNAPSHOT_NAME_MAX_CHARS,
                          placeholder="e.g. after workshop 2")
            st.button("Save snapshot", type="primary", key="hist_snapshot_save", on_click=name_point,
                      args=(canvas_id, "hist_point"))


def compare(history: storage.History) -> None:
    left, right = st.columns(2)
    with left:  # by default, everything the history holds
        a = point_picker(history, label="From", key="hist_a", default=history.earliest)
    with right:
        b = point_picker(history, label="To", key="hist_b", default=history.current)
    with frame.session() as db:
        try:
            _, _, comparison = storage.compare_points(session=db, canvas_id=history.canvas.id, a=a, b=b)
        except CanvasError as error:
            st.error(literal(str(error)), icon=":material/warning:")
            return
    if a == b:
        st.caption("Pick two different points to see what changed between them.")
        return
    if comparison.empty:
        st.caption("The canvas held the same at both points.")
        return
    st.caption(f"{comparison.count('added')} added · {comparison.count('removed')} removed · "
               f"{comparison.count('changed')} changed")
    markup.show(st, comparison_html(comparison, history.describe(a), history.describe(b)))
