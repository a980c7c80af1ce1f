"""Share links and the access check every write makes, on SQLite and PostgreSQL.

A provider stands in for the UI: it says which token (or grant) the caller presents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from canvas import storage
from canvas.domain.access import FULL_ACCESS, NO_ACCESS, PresentedToken, token_hash
from canvas.domain.blocks import Block
from canvas.domain.errors import AccessDenied, InvalidInput, LinkNotValid
from canvas.domain.models import (
    CanvasCreate,
    CanvasUpdate,
    Change,
    NoteCreate,
    NoteUpdate,
    SegmentCreate,
    SegmentUpdate,
    ShareLink,
    utcnow,
)
from canvas.domain.relationships import RelationshipDesign
from canvas.library import exchange
from canvas.storage import access
from canvas.workshop import store as workshops
from tests.support import add_note, new_canvas


@pytest.fixture
def present() -> Iterator[Callable[[object], None]]:
    """``present(token_or_grant)``: what the next storage calls see as the caller (None: the
    server's own user, as before the first call)."""
    shown: list[object] = [None]

    def provider():
        value = shown[-1]
        if value is None:
            return FULL_ACCESS
        return PresentedToken(value) if isinstance(value, str) else value

    def set_caller(value: object) -> None:
        shown.append(value)

    access.set_provider(provider)
    yield set_caller
    access.set_provider(None)


@pytest.fixture
def shared(session):
    """Two canvases; the first with a segment, a note, a dismissed finding and a dataset."""
    canvas = new_canvas(session, "Shared")
    other = new_canvas(session, "Other")
    segment = storage.add_segment(session=session, canvas_id=canvas.id,
                                  data=storage.parse(SegmentCreate, name="Office teams"))
    note = add_note(session, canvas, "Web shop")
    storage.dismiss_finding(session=session, canvas_id=canvas.id, rule_id="r1", segment_id=None, reason="ok")
    frame = pd.DataFrame({"customer_id": ["a"], "order_date": pd.to_datetime(["2026-01-01"]), "amount": [1.0]})
    dataset = storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=frame,
                                   filename="t.csv", mapping={}, report={})
    session.refresh(canvas)
    return canvas, other, segment, note, dataset


def snapshot(session: Session, canvas_id: str) -> tuple:
    """Everything a write could change, to compare before and after a refused one."""
    session.expire_all()
    board = storage.load_board(session=session, canvas_id=canvas_id)
    return (board.canvas.version, board.canvas.name, board.canvas.deleted_at,
            [(n.id, n.text, n.version) for notes in board.notes.values() for n in notes],
            [(s.id, s.name, s.version) for s in board.segments], len(board.dismissed), sorted(board.relationships),
            sorted(storage.list_datasets(session=session, canvas_id=canvas_id)),
            len(session.exec(select(Change).where(Change.canvas_id == canvas_id)).all()),
            len(storage.list_canvases(session=session)))


def every_write(session: Session, canvas, segment, note, dataset) -> dict[str, Callable[[], object]]:
    """Each storage function that changes a canvas or the workspace, called as a page would."""
    cid = canvas.id
    frame = pd.DataFrame({"customer_id": ["b"], "order_date": pd.to_datetime(["2026-02-01"]), "amount": [2.0]})
    dismissed = storage.load_board(session=session, canvas_id=cid).dismissed[0].id
    return {
        "add note": lambda: storage.add_note(session=session, canvas_id=cid,
                                             data=storage.parse(NoteCreate, block=Block.CHANNELS, text="x")),
        "edit note": lambda: storage.update_note(session=session, canvas_id=cid, note_id=note.id, expected_version=1,
                                                 data=storage.parse(NoteUpdate, text="changed")),
        "delete note": lambda: storage.delete_note(session=session, canvas_id=cid, note_id=note.id,
                                                   expected_version=1),
        "move note": lambda: storage.move_note(session=session, canvas_id=cid, note_id=note.id, offset=1),
        "add segment": lambda: storage.add_segment(session=session, canvas_id=cid,
                                                   data=storage.parse(SegmentCreate, name="New")),
        "edit segment": lambda: storage.update_segment(session=session, canvas_id=cid, segment_id=segment.id,
                                                       expected_version=1, data=storage.parse(SegmentUpdate, name="Y")),
        "delete segment": lambda: storage.delete_segment(session=session, canvas_id=cid, segment_id=segment.id,
                                                         expected_version=1),
        "move segment": lambda: storage.move_segment(session=session, canvas_id=cid, segment_id=segment.id, offset=1),
        "save relationship": lambda: storage.save_relationship(session=session, canvas_id=cid, segment_id=segment.id,
                                                               expected_version=0, design=RelationshipDesign()),
        "dismiss finding": lambda: storage.dismiss_finding(session=session, canvas_id=cid, rule_id="r2",
                                                           segment_id=None, reason="why"),
        "bring back finding": lambda: storage.restore_finding(session=session, canvas_id=cid, dismissed_id=dismissed),
        "undo": lambda: storage.undo(session=session, canvas_id=cid),
        "rename canvas": lambda: storage.update_canvas(session=session, canvas_id=cid, expected_version=99,
                                                      data=storage.parse(CanvasUpdate, name="Renamed")),
        "duplicate canvas": lambda: storage.duplicate_canvas(session=session, canvas_id=cid),
        "trash canvas": lambda: storage.trash_canvas(session=session, canvas_id=cid),
        "create canvas": lambda: storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="N")),
        "import canvas": lambda: exchange.import_document(
            session=session, document=exchange.export_document(session=session, canvas_id=cid)),
        "save dataset": lambda: storage.save_dataset(session=session, canvas_id=cid, kind="transactions", frame=frame,
                                                     filename="u.csv", mapping={}, report={}),
        "link dataset": lambda: storage.link_dataset_segments(session=session, canvas_id=cid, dataset_id=dataset.id,
                                                              segment_links={}),
        "delete dataset": lambda: storage.delete_dataset(session=session, canvas_id=cid, dataset_id=dataset.id),
        "start workshop": lambda: workshops.start_workshop(session=session, canvas_id=cid),
        "create share link": lambda: access.create_link(session=session, canvas_id=cid, role="edit"),
    }


def test_a_link_stores_only_the_hash_of_its_token(session, shared):
    canvas = shared[0]
    link, token = access.create_link(session=session, canvas_id=canvas.id, role="view", label="  Investor   Ana ")
    assert len(token) >= 43
    row = session.get_one(ShareLink, link.id)
    assert row.token_hash == token_hash(token) and row.label == "Investor Ana"
    assert token not in repr(row.model_dump())
    grant = access.resolve_token(session=session, token=token)
    assert grant.canvas_ids == {canvas.id} and not grant.can_edit and grant.link_id == link.id


def test_a_view_link_refuses_every_write_and_changes_nothing(session, shared, present):
    canvas, other, segment, note, dataset = shared
    _, token = access.create_link(session=session, canvas_id=canvas.id, role="view")
    before, other_before = snapshot(session, canvas.id), snapshot(session, other.id)
    writes = every_write(session, canvas, segment, note, dataset)
    present(token)
    assert storage.load_board(session=session, canvas_id=canvas.id).canvas.id == canvas.id  # it may look
    for what, write in writes.items():
        with pytest.raises(AccessDenied) as refused:
            write()
        assert "Nothing was changed" in str(refused.value), what
        session.rollback()
    present(None)
    assert snapshot(session, canvas.id) == before and snapshot(session, other.id) == other_before


def test_a_view_link_cannot_read_another_canvas(session, shared, present):
    canvas, other = shared[:2]
    _, token = access.create_link(session=session, canvas_id=canvas.id, role="view")
    present(token)
    with pytest.raises(AccessDenied, match="one canvas only"):
        storage.load_board(session=session, canvas_id=other.id)


def test_an_edit_link_edits_its_canvas_and_nothing_else(session, shared, present):
    canvas, other, segment, note, dataset = shared
    _, token = access.create_link(session=session, canvas_id=canvas.id, role="edit")
    other_before = snapshot(session, other.id)
    present(token)
    storage.update_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=1,
                        data=storage.parse(NoteUpdate, text="Web shop and app"))
    assert storage.undo(session=session, canvas_id=canvas.id).startswith("Edit note")
    with pytest.raises(AccessDenied, match="one canvas only"):
        add_note(session, other, "Sneaked in")
    for workspace_write in ("duplicate canvas", "trash canvas", "create canvas", "import canvas", "start workshop",
                            "create share link"):
        with pytest.raises(AccessDenied, match="own canvas only"):
            every_write(session, canvas, segment, note, dataset)[workspace_write]()
        session.rollback()
    present(None)
    assert snapshot(session, other.id) == other_before
    assert storage.get_canvas(session=session, canvas_id=canvas.id).deleted_at is None


def test_a_revoked_link_stops_at_once(session, shared, present):
    canvas, note = shared[0], shared[3]
    link, token = access.create_link(session=session, canvas_id=canvas.id, role="edit")
    present(token)
    add_note(session, canvas, "Before the revocation")
    present(None)
    access.revoke_link(session=session, link_id=link.id)
    present(token)
    with pytest.raises(LinkNotValid, match="revoked"):
        add_note(session, canvas, "After the revocation")
    with pytest.raises(LinkNotValid, match="revoked"):
        storage.load_board(session=session, canvas_id=canvas.id)
    present(None)
    assert "After the revocation" not in [n.text for n in storage.load_board(
        session=session, canvas_id=canvas.id).notes[Block.CHANNELS]]
    assert note.text == "Web shop"


def test_an_expired_or_tampered_token_is_refused_with_its_reason(session, shared, present):
    canvas = shared[0]
    link, token = access.create_link(session=session, canvas_id=canvas.id, role="edit", expires_days=1)
    assert access.resolve_token(session=session, token=token).can_edit
    with pytest.raises(LinkNotValid, match="expired"):
        access.resolve_token(session=session, token=token, now=utcnow() + timedelta(days=1, seconds=1))
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, token[:20], "", "../../etc/passwd", token + "x"):
        with pytest.raises(LinkNotValid, match="not valid"):
            access.resolve_token(session=session, token=bad)
    present(tampered)
    with pytest.raises(LinkNotValid):
        add_note(session, canvas, "With a forged token")


def test_a_link_to_a_trashed_canvas_shows_nothing(session, shared):
    canvas = shared[0]
    _, token = access.create_link(session=session, canvas_id=canvas.id, role="view")
    storage.trash_canvas(session=session, canvas_id=canvas.id)
    with pytest.raises(LinkNotValid, match="trash"):
        access.resolve_token(session=session, token=token)


def test_last_used_is_noted_at_most_once_a_minute(session, shared):
    canvas = shared[0]
    link, token = access.create_link(session=session, canvas_id=canvas.id, role="view")
    assert link.last_used_at is None
    first = utcnow()
    access.use_link(session=session, token=token, now=first)
    session.expire_all()
    used = session.get_one(ShareLink, link.id).last_used_at
    assert used is not None and abs(used.replace(tzinfo=None) - first.replace(tzinfo=None)) < timedelta(seconds=1)
    access.use_link(session=session, token=token, now=first + timedelta(seconds=30))
    session.expire_all()
    assert session.get_one(ShareLink, link.id).last_used_at == used
    access.use_link(session=session, token=token, now=first + timedelta(minutes=2))
    session.expire_all()
    assert session.get_one(ShareLink, link.id).last_used_at != used


def test_listing_and_revoking(session, shared):
    canvas, other = shared[:2]
    first, _ = access.create_link(session=session, canvas_id=canvas.id, role="view")
    second, _ = access.create_link(session=session, canvas_id=canvas.id, role="edit", expires_days=30)
    access.create_link(session=session, canvas_id=other.id, role="view")
    assert {k.id for k in access.list_links(session=session, canvas_id=canvas.id)} == {first.id, second.id}
    access.revoke_link(session=session, link_id=first.id)
    assert access.revoke_link(session=session, link_id=first.id).revoked_at is not None  # twice is harmless
    assert [k.id for k in access.list_links(session=session, canvas_id=canvas.id, include_revoked=False)] == [second.id]
    with pytest.raises(InvalidInput, match="no share link"):
        access.revoke_link(session=session, link_id="nope")
    with pytest.raises(InvalidInput, match="view.*edit"):
        access.create_link(session=session, canvas_id=canvas.id, role="owner")
    with pytest.raises(InvalidInput, match="limit"):
        access.create_link(session=session, canvas_id=canvas.id, role="view", label="x" * 81)


def test_purging_a_canvas_removes_its_links(session, shared):
    canvas = shared[0]
    access.create_link(session=session, canvas_id=canvas.id, role="view")
    storage.trash_canvas(session=session, canvas_id=canvas.id)
    storage.purge_canvas(session=session, canvas_id=canvas.id)
    assert session.exec(select(ShareLink)).all() == []


def test_without_sign_in_nothing_can_be_written_and_the_server_can_still_work(session, shared, present):
    canvas = shared[0]
    present(NO_ACCESS)
    with pytest.raises(AccessDenied, match="sign in"):
        add_note(session, canvas, "Anonymous")
    with pytest.raises(AccessDenied, match="sign in"):
        access.list_links(session=session, canvas_id=canvas.id)
    with access.as_system():  # the server's own work (the demo canvas on a first start)
        add_note(session, canvas, "By the server")
    with pytest.raises(AccessDenied):
        add_note(session, canvas, "Anonymous again")
