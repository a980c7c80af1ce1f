"""The agenda's order, the facilitator's steps and the timer, on a clock the tests drive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput
from canvas.workshop import agenda as ag
from canvas.workshop.agenda import Agenda, BlockState
from canvas.workshop.errors import AgendaError, NoteRefused, WorkshopEnded

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_customer_segments_come_first_and_every_block_once():
    assert ag.AGENDA[0] == Block.CUSTOMER_SEGMENTS
    assert ag.AGENDA[3] == Block.CUSTOMER_RELATIONSHIPS
    assert ag.AGENDA[-1] == Block.COST_STRUCTURE
    assert sorted(ag.AGENDA) == sorted(Block)


def test_a_new_agenda_has_the_first_block_pending_and_the_rest_after_it():
    rows = ag.agenda_rows(Agenda(), T0)
    assert [r.number for r in rows] == list(range(1, 10))
    assert {r.state for r in rows} == {BlockState.PENDING}
    assert rows[0].title == "Customer Segments"


def test_open_lock_next_move_through_the_states():
    agenda = ag.open_block(Agenda(), now=T0, minutes=3)
    assert agenda.state_of(Block.CUSTOMER_SEGMENTS) == BlockState.OPEN
    agenda = ag.lock_block(agenda)
    assert agenda.state_of(Block.CUSTOMER_SEGMENTS) == BlockState.LOCKED
    agenda = ag.next_block(agenda)
    assert agenda.current == Block.VALUE_PROPOSITIONS
    assert agenda.state_of(Block.CUSTOMER_SEGMENTS) == BlockState.DONE
    assert agenda.state_of(Block.VALUE_PROPOSITIONS) == BlockState.PENDING
    assert agenda.remaining_seconds(at(10)) == 0  # not opened yet


def test_the_timer_counts_down_from_server_time_and_never_goes_negative():
    agenda = ag.open_block(Agenda(), now=T0, minutes=2)
    assert agenda.remaining_seconds(T0) == 120
    assert agenda.remaining_seconds(at(30)) == 90
    assert agenda.remaining_seconds(at(119.5)) == 1
    assert agenda.remaining_seconds(at(120)) == 0
    assert agenda.remaining_seconds(at(900)) == 0
    assert agenda.time_is_up(at(121))


def test_extending_adds_minutes_and_restarts_a_timer_that_ran_out():
    agenda = ag.open_block(Agenda(), now=T0, minutes=2)
    running = ag.extend_block(agenda, now=at(60), minutes=1)
    assert running.remaining_seconds(at(60)) == 120
    late = ag.extend_block(agenda, now=at(300), minutes=2)  # ran out 3 minutes ago
    assert late.remaining_seconds(at(300)) == 120


def test_a_locked_block_has_no_running_timer_and_can_be_reopened():
    agenda = ag.lock_block(ag.open_block(Agenda(), now=T0, minutes=5))
    assert agenda.remaining_seconds(at(10)) == 0
    reopened = ag.open_block(agenda, now=at(100), minutes=2)
    assert reopened.remaining_seconds(at(100)) == 120


@pytest.mark.parametrize("step, says", [
    (lambda a: ag.lock_block(a), "open it first"),
    (lambda a: ag.extend_block(a, now=T0, minutes=2), "not open"),
])
def test_steps_that_do_not_fit_a_pending_block_are_explained(step, says):
    with pytest.raises(AgendaError, match=says):
        step(Agenda())


def test_opening_an_open_block_or_moving_past_the_end_is_refused():
    agenda = ag.open_block(Agenda(), now=T0)
    with pytest.raises(AgendaError, match="already open"):
        ag.open_block(agenda, now=T0)
    with pytest.raises(AgendaError, match="already locked"):
        ag.lock_block(ag.lock_block(agenda))
    for _ in ag.AGENDA:
        agenda = ag.next_block(agenda)
    assert agenda.current is None
    assert all(agenda.state_of(b) == BlockState.DONE for b in Block)
    with pytest.raises(AgendaError, match="End the workshop"):
        ag.next_block(agenda)
    with pytest.raises(AgendaError, match="no block left"):
        ag.open_block(agenda, now=T0)


@pytest.mark.parametrize("minutes", [0, 61, -1, 2.5, True, "5"])
def test_minutes_out_of_range_are_refused(minutes):
    with pytest.raises(InvalidInput, match="1 to 60"):
        ag.open_block(Agenda(), now=T0, minutes=minutes)


def test_notes_are_allowed_only_on_the_open_block_before_time_is_up():
    agenda = Agenda()
    assert "not open yet" in ag.note_refusal(agenda, Block.CUSTOMER_SEGMENTS, now=T0, ended=False)
    agenda = ag.open_block(agenda, now=T0, minutes=1)
    assert ag.note_refusal(agenda, Block.CUSTOMER_SEGMENTS, now=at(59), ended=False) is None
    assert "not open yet" in ag.note_refusal(agenda, Block.CHANNELS, now=at(1), ended=False)
    assert "Time is up" in ag.note_refusal(agenda, Block.CUSTOMER_SEGMENTS, now=at(61), ended=False)
    with pytest.raises(NoteRefused, match="locked"):
        ag.check_note_allowed(ag.lock_block(agenda), Block.CUSTOMER_SEGMENTS, now=at(1), ended=False)
    moved = ag.next_block(agenda)
    assert "is done" in ag.note_refusal(moved, Block.CUSTOMER_SEGMENTS, now=at(1), ended=False)
    with pytest.raises(WorkshopEnded):
        ag.check_note_allowed(agenda, Block.CUSTOMER_SEGMENTS, now=at(1), ended=True)
