"""Workshops in the database: join, the facilitator's steps, notes, votes, merge, promote, end.

Every test runs on SQLite and PostgreSQL; the clock is passed in, so timers need no sleeping.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput, NameTaken
from canvas.domain.models import Change, Note, Segment
from canvas.domain.workshop_models import Workshop, WorkshopNote, WorkshopParticipant
from canvas.workshop import codes
from canvas.workshop import store as ws
from canvas.workshop.agenda import BlockState
from canvas.workshop.errors import (
    AgendaError,
    MalformedJoinCode,
    NotAllowed,
    NoteRefused,
    UnknownJoinCode,
    VoteRefused,
    WorkshopEnded,
    WorkshopNoteGone,
)
from canvas.workshop.voting import VoteState
from tests.support import new_canvas

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Room:
    """A workshop on a new canvas with a facilitator and named participants."""

    def __init__(self, session: Session, *names: str, private: bool = True, votes: int = 2, canvas: str = "Acme"):
        self.session = session
        self.canvas = new_canvas(session, canvas)
        self.started = ws.start_workshop(session=session, canvas_id=self.canvas.id, private=private,
                                         vote_allowance=votes, now=T0)
        self.id = self.started.workshop_id
        self.boss = self.started.facilitator_token
        self.tokens = {name: ws.join_workshop(session=session, code=self.started.code, name=name,
                                              now=at(i)).token
                       for i, name in enumerate(names)}
        self.clock = 0.0  # notes are written a tenth of a second apart, in the order of the test

    def facilitate(self, step, **kwargs):
        return step(session=self.session, workshop_id=self.id, facilitator_token=self.boss, **kwargs)

    def note(self, name: str, text: str, seconds: float | None = None) -> str:
        self.clock += 0.1
        return ws.add_workshop_note(session=self.session, workshop_id=self.id, participant_token=self.tokens[name],
                                    text=text, now=at(self.clock if seconds is None else seconds))

    def vote(self, name: str, note_id: str) -> int:
        return ws.cast_vote(session=self.session, workshop_id=self.id, participant_token=self.tokens[name],
                            note_id=note_id)

    def view(self, name: str | None = None, seconds: float = 1):
        if name is None:
            return ws.facilitator_view(session=self.session, workshop_id=self.id, facilitator_token=self.boss,
                                       now=at(seconds))
        return ws.participant_view(session=self.session, workshop_id=self.id,
                                   participant_token=self.tokens[name], now=at(seconds))

    def open_on(self, block: Block, minutes: int = 5) -> None:
        while self.view().agenda.current != block:
            self.facilitate(ws.next_block)
        self.facilitate(ws.open_block, minutes=minutes, now=T0)


def test_only_hashes_of_the_tokens_are_stored(session):
    room = Room(session, "Ana")
    workshop = session.get(Workshop, room.id)
    assert workshop.facilitator_token_hash == codes.token_hash(room.boss)
    stored = session.exec(select(WorkshopParticipant.token_hash)).one()
    assert stored == codes.token_hash(room.tokens["Ana"])
    assert room.boss not in {workshop.facilitator_token_hash, stored}


def test_join_by_a_typed_code_with_its_dash_and_case(session):
    room = Room(session)
    typed = codes.format_code(room.started.code).lower()
    target = ws.find_workshop(session=session, code=typed)
    assert target.workshop_id == room.id and target.canvas_name == "Acme"
    joined = ws.join_workshop(session=session, code=typed, name="Ana")
    assert room.view().participants == ("Ana",)
    assert joined.name == "Ana" and joined.token


def test_malformed_unknown_and_ended_codes_get_different_messages(session):
    room = Room(session)
    with pytest.raises(MalformedJoinCode, match="has 3"):
        ws.join_workshop(session=session, code="K7Q", name="Ana")
    unknown = "ABCDEF" if room.started.code != "ABCDEF" else "ABCDEG"
    with pytest.raises(UnknownJoinCode, match="No workshop has the code"):
        ws.join_workshop(session=session, code=unknown, name="Ana")
    room.facilitate(ws.end_workshop, now=at(60))
    with pytest.raises(WorkshopEnded, match="takes no new participants"):
        ws.join_workshop(session=session, code=room.started.code, name="Ana")


def test_a_workshop_whose_canvas_is_in_the_trash_takes_nobody(session):
    room = Room(session)
    storage.trash_canvas(session=session, canvas_id=room.canvas.id)
    with pytest.raises(WorkshopEnded, match="canvas .* was deleted"):
        ws.join_workshop(session=session, code=room.started.code, name="Ana")


@pytest.mark.parametrize("name, error, says", [
    ("", InvalidInput, "Type your name"), ("x" * 41, InvalidInput, "41 characters"),
    ("ana", NameTaken, "already called"), (" ANA ", NameTaken, "already called"),
])
def test_bad_names_are_refused_and_nobody_joins(session, name, error, says):
    room = Room(session, "Ana")
    with pytest.raises(error, match=says):
        ws.join_workshop(session=session, code=room.started.code, name=name)
    assert room.view().participants == ("Ana",)


def test_a_participant_cannot_do_what_only_the_facilitator_may(session):
    room = Room(session, "Ana")
    ana = room.tokens["Ana"]
    for step, extra in [(ws.open_block, {}), (ws.lock_block, {}), (ws.next_block, {}), (ws.reveal_notes, {}),
                        (ws.start_vote, {}), (ws.end_workshop, {}), (ws.extend_block, {"minutes": 2})]:
        for token in (ana, "", None, room.boss + "x"):
            with pytest.raises(NotAllowed, match="Only the workshop's facilitator"):
                step(session=session, workshop_id=room.id, facilitator_token=token, **extra)
    with pytest.raises(NotAllowed):
        ws.facilitator_view(session=session, workshop_id=room.id, facilitator_token=ana)
    with pytest.raises(NotAllowed, match="has not joined"):
        ws.participant_view(session=session, workshop_id=room.id, participant_token=room.boss)
    session.expire_all()
    workshop = session.get(Workshop, room.id)
    assert (workshop.block_phase, workshop.state, workshop.current_block) == ("pending", "running",
                                                                            "customer_segments")


def test_a_token_of_another_workshop_does_not_work_here(session):
    first, second = Room(session, "Ana"), Room(session, "Ben", canvas="Other")
    with pytest.raises(NotAllowed):
        ws.open_block(session=session, workshop_id=first.id, facilitator_token=second.boss)
    with pytest.raises(NotAllowed):
        ws.participant_view(session=session, workshop_id=first.id, participant_token=second.tokens["Ben"])


def test_the_agenda_and_its_timer_run_on_server_time(session):
    room = Room(session, "Ana")
    room.facilitate(ws.open_block, minutes=2, now=T0)
    view = room.view("Ana", seconds=30)
    assert view.remaining_seconds == 90 and view.blocks[0].state == BlockState.OPEN
    assert view.note_refusal is None
    room.facilitate(ws.extend_block, minutes=1, now=at(60))
    assert room.view("Ana", seconds=60).remaining_seconds == 120
    assert "Time is up" in room.view("Ana", seconds=181).note_refusal
    with pytest.raises(NoteRefused, match="Time is up"):
        room.note("Ana", "Too late", seconds=181)
    room.facilitate(ws.lock_block)
    with pytest.raises(AgendaError, match="already locked"):
        room.facilitate(ws.lock_block)
    room.facilitate(ws.next_block)
    view = room.view("Ana")
    assert view.agenda.current == Block.VALUE_PROPOSITIONS
    assert [b.state for b in view.blocks[:2]] == [BlockState.DONE, BlockState.PENDING]
    assert "not open yet" in view.note_refusal


def test_notes_go_to_the_open_block_only(session):
    room = Room(session, "Ana")
    with pytest.raises(NoteRefused, match="not open yet"):
        room.note("Ana", "Early")
    room.facilitate(ws.open_block, now=T0)
    room.note("Ana", "Students")
    room.facilitate(ws.lock_block)
    with pytest.raises(NoteRefused, match="locked"):
        room.note("Ana", "After the lock")
    assert [n.text for n in room.view().notes] == ["Students"]


def test_private_mode_hides_others_notes_until_the_reveal(session):
    room = Room(session, "Ana", "Ben")
    room.open_on(Block.CHANNELS)
    room.note("Ana", "Web shop")
    room.note("Ben", "Retail")
    assert [n.text for n in room.view("Ana").notes] == ["Web shop"]
    assert [n.text for n in room.view("Ben").notes] == ["Retail"]
    assert len(room.view().notes) == 2  # the facilitator sees all
    projector = ws.presentation_view(session=session, workshop_id=room.id, facilitator_token=room.boss)
    assert (projector.notes, projector.hidden_notes) == ((), 2)  # the room does not, before the reveal
    assert room.view("Ana").hidden_notes == 1
    assert room.facilitate(ws.reveal_notes) == 2
    assert [n.text for n in room.view("Ana").notes] == ["Web shop", "Retail"]
    assert [n.mine for n in room.view("Ana").notes] == [True, False]


def test_without_private_mode_notes_are_seen_at_once(session):
    room = Room(session, "Ana", "Ben", private=False)
    room.open_on(Block.CHANNELS)
    room.note("Ana", "Web shop")
    assert [n.text for n in room.view("Ben").notes] == ["Web shop"]


def test_dot_voting_allowance_and_hidden_results(session):
    room = Room(session, "Ana", "Ben", votes=2)
    room.open_on(Block.CHANNELS)
    web, shop = room.note("Ana", "Web shop"), room.note("Ben", "Retail")
    with pytest.raises(VoteRefused, match="not started"):
        room.vote("Ana", web)
    room.facilitate(ws.start_vote)
    with pytest.raises(VoteRefused, match="revealed"):
        room.vote("Ana", shop)  # Ben's note is still hidden
    room.facilitate(ws.reveal_notes)
    assert room.vote("Ana", web) == 1
    assert room.vote("Ana", web) == 0  # two dots on one note
    with pytest.raises(VoteRefused, match="used all 2 of your votes"):
        room.vote("Ana", shop)
    room.vote("Ben", shop)
    assert [n.votes for n in room.view("Ana").notes] == [None, None]  # hidden while open
    assert [n.my_votes for n in room.view("Ana").notes] == [2, 0]
    assert room.view().votes_cast == 3
    assert ws.withdraw_vote(session=session, workshop_id=room.id, participant_token=room.tokens["Ana"],
                            note_id=web) == 1
    room.facilitate(ws.close_vote)
    assert [n.votes for n in room.view("Ben").notes] == [1, 1]
    with pytest.raises(VoteRefused, match="closed"):
        room.vote("Ben", web)
    assert room.view().vote_state == VoteState.CLOSED


def test_the_allowance_is_one_to_ten(session):
    room = Room(session)
    with pytest.raises(InvalidInput, match="from 1 to 10"):
        room.facilitate(ws.start_vote, vote_allowance=11)
    assert room.view().vote_state == VoteState.NONE


def test_merged_notes_keep_every_author_and_their_votes_add_up(session):
    room = Room(session, "Ana", "Ben", "Cem", private=False, votes=3)
    room.open_on(Block.CHANNELS)
    a, b, c = room.note("Ana", "Web shop"), room.note("Ben", "Online shop"), room.note("Cem", "Retail")
    room.facilitate(ws.start_vote)
    room.vote("Ana", a)
    room.vote("Ben", b)
    room.vote("Cem", b)
    room.facilitate(ws.merge_notes, into_note_id=a, note_ids=[b])
    room.facilitate(ws.close_vote)
    notes = room.view().notes
    assert [(n.text, n.authors, n.votes, n.merged_texts) for n in notes] == [
        ("Web shop", ("Ana", "Ben"), 3, ("Online shop",)), ("Retail", ("Cem",), 0, ())]
    assert room.view("Ben").notes[0].mine
    with pytest.raises(InvalidInput, match="merged already"):
        room.facilitate(ws.merge_notes, into_note_id=c, note_ids=[b])
    with pytest.raises(InvalidInput, match="itself"):
        room.facilitate(ws.merge_notes, into_note_id=c, note_ids=[c])


def test_promoted_notes_reach_the_canvas_with_their_authors_and_segment(session):
    room = Room(session, "Ana", "Ben", private=False)
    room.open_on(Block.CUSTOMER_SEGMENTS)
    students = room.note("Ana", "Students")
    segment_id = room.facilitate(ws.promote_note, note_id=students)
    assert session.get(Segment, segment_id).name == "Students"
    room.facilitate(ws.next_block)
    room.facilitate(ws.open_block, now=T0)
    a, b = room.note("Ana", "Free delivery"), room.note("Ben", "Fast delivery")
    room.facilitate(ws.merge_notes, into_note_id=a, note_ids=[b])
    note_id = room.facilitate(ws.promote_note, note_id=a, segment_id=segment_id)
    note = session.get(Note, note_id)
    assert (note.text, note.block, note.segment_id, note.author_name) == (
        "Free delivery", Block.VALUE_PROPOSITIONS.value, segment_id, "Ana, Ben")
    with pytest.raises(InvalidInput, match="on the canvas already"):
        room.facilitate(ws.promote_note, note_id=a)
    with pytest.raises(InvalidInput, match="merged into another"):
        room.facilitate(ws.promote_note, note_id=b)
    assert room.view().notes[0].promoted
    assert len(storage.load_board(session=session, canvas_id=room.canvas.id).notes[Block.VALUE_PROPOSITIONS]) == 1


def test_a_failed_promotion_changes_nothing(session):
    room = Room(session, "Ana", private=False)
    room.open_on(Block.CHANNELS)
    note = room.note("Ana", "Web shop")
    with pytest.raises(InvalidInput, match="segment"):
        room.facilitate(ws.promote_note, note_id=note, segment_id="nosuchsegment")
    assert not room.view().notes[0].promoted
    room.facilitate(ws.promote_note, note_id=note)
    assert room.view().notes[0].promoted


def test_an_ended_workshop_refuses_notes_and_votes_and_keeps_its_summary(session):
    room = Room(session, "Ana", "Ben", private=False)
    room.open_on(Block.CHANNELS)
    web = room.note("Ana", "Web shop")
    room.facilitate(ws.start_vote)
    room.vote("Ben", web)
    summary = room.facilitate(ws.end_workshop, now=at(600))
    assert summary.participants == ("Ana", "Ben")
    assert summary.notes == ({"block": "channels", "text": "Web shop", "authors": ["Ana"], "votes": 1,
                              "merged_texts": [], "promoted": False},)
    assert "Web shop (Ana; 1 vote)" in summary.as_text()
    with pytest.raises(WorkshopEnded):
        room.note("Ana", "More")
    with pytest.raises(WorkshopEnded):
        room.vote("Ana", web)
    with pytest.raises(WorkshopEnded):
        room.facilitate(ws.open_block, now=at(601))
    assert room.view("Ana").ended and "ended" in room.view("Ana").note_refusal
    assert ws.workshop_summary(session=session, workshop_id=room.id, facilitator_token=room.boss) == summary
    logged = session.exec(select(Change).where(Change.canvas_id == room.canvas.id, Change.action == "workshop")).one()
    assert logged.label.endswith("2 participants, 1 note, 0 promoted")
    assert json.loads(logged.after)["participants"] == ["Ana", "Ben"]


def test_deleting_the_canvas_deletes_its_workshops(session):
    room = Room(session, "Ana", private=False)
    room.open_on(Block.CHANNELS)
    room.note("Ana", "Web shop")
    storage.trash_canvas(session=session, canvas_id=room.canvas.id)
    storage.purge_canvas(session=session, canvas_id=room.canvas.id)
    session.expire_all()
    assert session.exec(select(Workshop)).all() == []


def test_participants_adding_notes_at_the_same_moment_all_keep_theirs(engine, session):
    room = Room(session, *(f"P{i}" for i in range(8)), private=False)
    room.open_on(Block.CHANNELS)

    def write(name: str) -> list[str]:
        with Session(engine) as own:  # one session per participant, as each browser has
            return [ws.add_workshop_note(session=own, workshop_id=room.id, participant_token=room.tokens[name],
                                         text=f"{name} idea {n}", now=at(2)) for n in range(5)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        written = [note for notes in pool.map(write, room.tokens) for note in notes]
    assert len(set(written)) == 40
    assert sorted(n.text for n in room.view().notes) == sorted(f"P{i} idea {n}" for i in range(8) for n in range(5))


class Killed(BaseException):
    """The process dying: nothing after the point where it is raised runs."""


def test_a_promotion_commits_whole_so_a_process_killed_after_the_canvas_change_leaves_it_promoted(
        session, monkeypatch):
    """The canvas note, the workshop note's link to it and the workshop's counter are one
    transaction: a process killed the moment the canvas note is stored leaves the workshop note
    promoted as that note, and counted, never marked half-way (tests/storage/test_crash.py kills
    real processes)."""
    room = Room(session, "Ana", private=False)
    room.open_on(Block.CHANNELS)
    note = room.note("Ana", "Web shop")
    version, shared = counters(session, room)
    stored = storage.add_note

    def store_then_die(**kwargs):
        stored(**kwargs)
        raise Killed

    monkeypatch.setattr(storage, "add_note", store_then_die)
    with pytest.raises(Killed):
        room.facilitate(ws.promote_note, note_id=note)
    monkeypatch.undo()

    (made,) = storage.load_board(session=session, canvas_id=room.canvas.id).notes[Block.CHANNELS]
    assert made.text == "Web shop"
    assert session.get_one(WorkshopNote, note).promoted_note_id == made.id
    assert counters(session, room) == (version + 1, shared + 1)
    assert room.view().notes[0].promoted
    with pytest.raises(InvalidInput, match="on the canvas already"):
        room.facilitate(ws.promote_note, note_id=note)


def counters(session, room) -> tuple[int, int]:
    session.expire_all()
    workshop = session.get_one(Workshop, room.id)
    return workshop.version, workshop.shared_version


def test_every_change_is_counted_and_what_every_participant_sees_is_counted_apart(session):
    room = Room(session, "Ana", "Ben", private=True)
    assert counters(session, room) == (2, 0)  # two joins: the facilitator's list, no phone
    steps = [
        (lambda: room.open_on(Block.CUSTOMER_SEGMENTS), (1, 1)),  # the agenda: every screen
        (lambda: room.note("Ana", "Home brewers"), (1, 0)),  # hidden: Ana's phone and the facilitator
        (lambda: room.facilitate(ws.reveal_notes), (1, 1)),
        (lambda: room.facilitate(ws.set_private, private=False), (1, 1)),
        (lambda: room.note("Ben", "Office teams"), (1, 1)),  # seen by all at once
        (lambda: room.facilitate(ws.start_vote), (1, 1)),
        (lambda: room.vote("Ana", room.view().notes[0].id), (1, 0)),  # tallies hidden until the close
        (lambda: room.facilitate(ws.close_vote), (1, 1)),
        (lambda: room.facilitate(ws.promote_note, note_id=room.view().notes[0].id), (1, 1)),
        (lambda: room.facilitate(ws.end_workshop), (1, 1)),
    ]
    for step, (more, more_shared) in steps:
        before = counters(session, room)
        step()
        after = counters(session, room)
        assert (after[0] - before[0], after[1] - before[1]) == (more, more_shared), step
    # What a view reads carries the counters it was read at.
    assert (room.view().version, room.view().shared_version) == counters(session, room)


def test_a_refused_step_is_not_counted(session):
    room = Room(session, "Ana")
    before = counters(session, room)
    with pytest.raises(NoteRefused):
        room.note("Ana", "Before the block opens")
    with pytest.raises(VoteRefused):
        room.facilitate(ws.close_vote)
    assert counters(session, room) == before


def test_notes_of_another_workshop_cannot_be_reached_from_this_one(session):
    mine, theirs = Room(session, "Ana", private=False), Room(session, "Ben", private=False, canvas="Other")
    for room in (mine, theirs):
        room.open_on(Block.CHANNELS)
        room.facilitate(ws.start_vote)
    here, there = mine.note("Ana", "Web shop"), theirs.note("Ben", "Retail")
    with pytest.raises(WorkshopNoteGone):
        mine.vote("Ana", there)
    with pytest.raises(WorkshopNoteGone):
        mine.facilitate(ws.merge_notes, into_note_id=here, note_ids=[there])
    with pytest.raises(WorkshopNoteGone):
        mine.facilitate(ws.promote_note, note_id=there)
    assert [(n.text, n.merged_texts, n.promoted) for n in theirs.view().notes] == [("Retail", (), False)]
    assert theirs.view().votes_cast == 0
