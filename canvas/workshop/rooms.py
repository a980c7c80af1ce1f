"""Starting a workshop on a canvas, finding it by its join code, and joining it under a name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from canvas.domain.errors import NameTaken
from canvas.domain.workshop_models import Workshop, WorkshopParticipant
from canvas.storage.access import authorize
from canvas.storage.records import get_canvas
from canvas.workshop import codes, voting
from canvas.workshop.errors import UnknownJoinCode, WorkshopEnded
from canvas.workshop.lookups import _now, count_change
from canvas.workshop.participants import clean_participant_name, name_key

CODE_ATTEMPTS = 8  # new codes drawn when one is taken (31^6 codes: a clash is rare)


# --- What the pages get -------------------------------------------------------------------------

@dataclass(frozen=True)
class StartedWorkshop:
    """A new workshop. ``facilitator_token`` is shown once: the page keeps it (e.g. in the
    facilitator's URL); only its hash is stored."""

    workshop_id: str
    code: str  # as stored, "K7QM4P"; ``codes.format_code`` shows it as "K7Q-M4P"
    facilitator_token: str


@dataclass(frozen=True)
class JoinTarget:
    """The workshop a valid, current join code leads to (for the join form's greeting)."""

    workshop_id: str
    canvas_name: str
    code: str


@dataclass(frozen=True)
class Joined:
    """A participant who has joined. ``token`` is theirs alone: the page keeps it for the browser."""

    workshop_id: str
    participant_id: str
    name: str
    token: str


# --- Starting and joining -------------------------------------------------------------------------

def start_workshop(*, session: Session, canvas_id: str, private: bool = True,
                   vote_allowance: int = voting.DEFAULT_VOTES, now: datetime | None = None) -> StartedWorkshop:
    """A new workshop on the canvas, with a fresh join code, at Customer Segments (pending)."""
    authorize(session, None)
    get_canvas(session=session, canvas_id=canvas_id)
    voting.check_allowance(vote_allowance)
    token = codes.new_token()
    for _ in range(CODE_ATTEMPTS):
        workshop = Workshop(canvas_id=canvas_id, code=codes.new_join_code(), private=private,
                            facilitator_token_hash=codes.token_hash(token), vote_allowance=vote_allowance,
                            created_at=_now(now))
        session.add(workshop)
        try:
            session.commit()
        except IntegrityError:  # the code is taken: draw another
            session.rollback()
            continue
        return StartedWorkshop(workshop_id=workshop.id, code=workshop.code, facilitator_token=token)
    raise RuntimeError("could not draw a free join code")  # 8 clashes in a row: not a user's doing


def find_workshop(*, session: Session, code: str) -> JoinTarget:
    """The running workshop a typed join code leads to: ``MalformedJoinCode`` when it cannot be a
    code, ``UnknownJoinCode`` when no workshop has it, ``WorkshopEnded`` when its workshop is over."""
    normal = codes.normalise_code(code)
    workshop = session.exec(select(Workshop).where(Workshop.code == normal)).first()
    if workshop is None:
        raise UnknownJoinCode(
            f"No workshop has the code {codes.format_code(normal)}. Check it on the facilitator's "
            "screen (a new workshop gets a new code) and type it again."
        )
    if workshop.state == "ended":
        raise WorkshopEnded(
            f"Workshop {codes.format_code(normal)} has ended, so it takes no new participants. "
            "Ask the facilitator for the code of the current one."
        )
    canvas = get_canvas(session=session, canvas_id=workshop.canvas_id, include_trashed=True)
    if canvas.deleted_at is not None:
        raise WorkshopEnded(
            f"The canvas of workshop {codes.format_code(normal)} was deleted, so the workshop takes no "
            "participants. Ask the facilitator for the code of the current one."
        )
    return JoinTarget(workshop_id=workshop.id, canvas_name=canvas.name, code=normal)


def join_workshop(*, session: Session, code: str, name: str, now: datetime | None = None) -> Joined:
    """Join a running workshop by its code under a display name unique in the workshop (ignoring
    case); each refusal (code, ended, name empty, too long or taken) says what to do."""
    authorize(session, None)
    target = find_workshop(session=session, code=code)
    taken = session.exec(select(WorkshopParticipant.name).where(
        WorkshopParticipant.workshop_id == target.workshop_id)).all()
    clean = clean_participant_name(name, taken=taken)
    token = codes.new_token()
    participant = WorkshopParticipant(workshop_id=target.workshop_id, name=clean, name_key=name_key(clean),
                                      token_hash=codes.token_hash(token), joined_at=_now(now))
    session.add(participant)
    try:
        session.flush()
        count_change(session, target.workshop_id, shared=False)  # the facilitator's list of who joined
        session.commit()
    except IntegrityError:  # someone took the name a moment ago
        session.rollback()
        raise NameTaken(f"Someone in this workshop is already called “{clean}”. Add an initial or pick "
                        "another name.", field="name") from None
    return Joined(workshop_id=target.workshop_id, participant_id=participant.id, name=clean, token=token)

