"""The life of an application: its stages, the moves between them, who makes each move and in which stages.

submitted → (accept) review → (complete_review) decision → (decide: approve) issuing → (issue) issued →
(publish) published. ``return`` from submitted or review sends it to supplementing, and ``supplement`` back to
the stage it was returned from; ``decide`` with a refusal, or the applicant's ``withdraw``, closes it. Some
moves change no stage (uploads, reviewers, findings, accreditation).

Written once here and read by the services (which refuse a move out of its stages), the pages (the actions
open to the viewer), the API, the clock and the figures. Whether a person holds one of the roles below is
:mod:`.access`'s to say.
"""

from __future__ import annotations

from dataclasses import dataclass

from certis.accounts.models import Organisation

from ..models import Application, Body, Decision

Stage = Application.Stage
Kind = Application.Kind

# Who makes a move.
APPLICANT, STAFF, OFFICIAL, REVIEWER = "applicant", "staff", "official", "reviewer"

# Where every application starts.
FIRST_STAGE = Stage.SUBMITTED
# The stages of an open application, each with its clock (supplementing counts against no limit).
OPEN_STAGES = (
    Stage.SUBMITTED,
    Stage.SUPPLEMENTING,
    Stage.REVIEW,
    Stage.DECISION,
    Stage.ISSUING,
    Stage.ISSUED,
)
# The stages that close an application, and those of them that close it with a decision taken through.
CLOSED_STAGES = (Stage.PUBLISHED, Stage.REFUSED, Stage.WITHDRAWN)
FINISHED_STAGES = (Stage.PUBLISHED, Stage.REFUSED)
# The regulator's stages, timed against their limits (every open stage but the applicant's supplementing).
TIMED_STAGES = tuple(stage for stage in OPEN_STAGES if stage != Stage.SUPPLEMENTING)
# The stages in which the approval exists, and its document can be printed.
ISSUED_STAGES = (Stage.ISSUED, Stage.PUBLISHED)


@dataclass(frozen=True)
class Move:
    """A move: who makes it, in which stages, the stage it leads to (None: it changes no stage, or the stage
    depends on the move, see :func:`next_stage`), and the kinds of body it is for (None: all)."""

    who: str
    stages: tuple[str, ...]
    to: str | None = None
    body_kinds: tuple[str, ...] | None = None


MOVES: dict[str, Move] = {
    "accept": Move(STAFF, (Stage.SUBMITTED,), Stage.REVIEW),
    "return": Move(STAFF, (Stage.SUBMITTED, Stage.REVIEW), Stage.SUPPLEMENTING),
    "supplement": Move(APPLICANT, (Stage.SUPPLEMENTING,)),
    "upload": Move(APPLICANT, (Stage.SUBMITTED, Stage.SUPPLEMENTING)),
    "staff_upload": Move(STAFF, OPEN_STAGES),
    "assign_reviewer": Move(STAFF, (Stage.REVIEW,)),
    "record_findings": Move(REVIEWER, (Stage.REVIEW,)),
    "complete_review": Move(STAFF, (Stage.REVIEW,), Stage.DECISION),
    "decide": Move(OFFICIAL, (Stage.DECISION,)),
    "issue": Move(STAFF, (Stage.ISSUING,), Stage.ISSUED),
    "publish": Move(STAFF, (Stage.ISSUED,), Stage.PUBLISHED),
    "withdraw": Move(
        APPLICANT, (Stage.SUBMITTED, Stage.SUPPLEMENTING, Stage.REVIEW, Stage.DECISION), Stage.WITHDRAWN
    ),
    "record_accreditation": Move(STAFF, OPEN_STAGES, body_kinds=(Body.Kind.CERTIFICATION_BODY,)),
}
# Where the decision leads.
DECISION_LEADS_TO = {Decision.Outcome.APPROVE: Stage.ISSUING, Decision.Outcome.REFUSE: Stage.REFUSED}

# The kinds of application: a first one puts a new body on the register (of this kind); an approving one
# gives it a number and a validity (renewal too); the others change a listed body's entry.
NEW_BODY_KINDS = {Kind.APPROVAL: Body.Kind.CERTIFICATION_BODY, Kind.LAB_QUALIFICATION: Body.Kind.LAB}
APPROVING_KINDS = (Kind.APPROVAL, Kind.LAB_QUALIFICATION, Kind.RENEWAL)
LISTED_KINDS = (Kind.RENEWAL, Kind.EXTENSION, Kind.CHANGE)
# Who makes a first application: a certification body applies for approval, a lab for qualification.
FIRST_APPLICANTS: dict[str, str] = {
    Kind.APPROVAL: Organisation.Kind.CERTIFICATION_BODY,
    Kind.LAB_QUALIFICATION: Organisation.Kind.LAB,
}


def first_kinds_for(organisation_kind: str) -> tuple[str, ...]:
    """The first applications an organisation of this kind may make (none for the others)."""
    return tuple(kind for kind, applicant in FIRST_APPLICANTS.items() if applicant == organisation_kind)


def is_open_to(move: str, stage: str) -> bool:
    """Whether the move can be made at this stage."""
    return stage in MOVES[move].stages


def is_for_body(move: str, body_kind: str) -> bool:
    """Whether the move is made for a body of this kind."""
    kinds = MOVES[move].body_kinds
    return kinds is None or body_kind in kinds


def moves_at(application: Application) -> list[str]:
    """The moves the application's stage and body allow, whoever would make them."""
    return [
        name
        for name, move in MOVES.items()
        if application.stage in move.stages and is_for_body(name, application.body.kind)
    ]


def next_stage(application: Application, move: str, outcome: str = "") -> str:
    """The stage the move leads the application to: a return's way back leads to the stage it came from."""
    if move == "supplement":
        return application.returned_from or Stage.SUBMITTED
    if move == "decide":
        return DECISION_LEADS_TO[Decision.Outcome(outcome)]
    to = MOVES[move].to
    if to is None:
        raise ValueError(f"The move {move} changes no stage.")
    return to
