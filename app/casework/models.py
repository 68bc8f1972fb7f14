"""The case tables: cases, their work items and their audit timeline. Only the unit of work writes them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import BigId, UTCDateTime

CHANNELS = ("110", "12345", "online", "market", "walk_in")
STATUSES = ("open", "in_progress", "mediation", "judicial_confirmation", "callback", "closed",
            "returned_to_police")
OPEN_STATES = ("open", "claimed")
ENDED_STATUSES = ("closed", "returned_to_police")
# A step's `milestone` property names one of these: the case column of its time, and the column that keeps
# the value of the step's field named after the colon ("mediation:outcome").
MILESTONES: dict[str, tuple[str, str | None]] = {
    "handled": ("handled_at", None), "mediation": ("mediated_at", "mediation_outcome"),
    "judicial": ("judged_at", "judicial_decision"), "callback": ("callback_at", "satisfaction"),
}
# Milestones of the case's status itself (the diagram's `caseStatus` properties say when a case enters one):
# the column and whether it keeps the first time (a second mediation after a reopening is not a new start).
STATUS_MILESTONES: dict[str, tuple[str, bool]] = {
    "mediation_started_at": ("mediation", True), "judicial_applied_at": ("judicial_confirmation", True),
}
# A case that leaves the callback for more work (not for an end) was reopened; the latest reopening is kept.
REOPENED_FROM = "callback"
STATES = ("open", "claimed", "completed", "cancelled")
# An anonymised case's reporter phone: a keyed pseudonym, so that repeat complaints still count as before.
PSEUDONYM_PREFIX = "anon-"


class Case(db.Model):  # type: ignore[name-defined]
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("channel", "external_ref"),
        # Intake looks for the same reporter's phone in the last days (possible duplicates).
        Index("ix_cases_reporter_phone_opened", "reporter_phone", "opened_at"),
        # ... and the same township's cases of the last day; the pair's prefix also serves township filters.
        Index("ix_cases_township_opened", "township_code", "opened_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_ref: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(32), index=True)
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    township_code: Mapped[str | None] = mapped_column(ForeignKey("townships.code"))
    team_code: Mapped[str | None] = mapped_column(String(64), index=True)
    reporter_name: Mapped[str | None] = mapped_column(String(64))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(256))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the channel added (CONTRACT.md, "Intake by channel") and the call or post time it gave: response
    # times are measured from called_at when there is one, else from opened_at.
    channel_details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Cases that may be the same matter (app/cases/duplicates.py), for the dispatcher to judge.
    possible_duplicates: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    # The identification's suggestion made at intake (POST /suggestions' shape), and what the route step
    # decided beside it ({"decided", "agreed", "by"}): live accuracy and retraining read these two.
    suggestion: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    identification: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    identified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The primary case this one was linked to as a duplicate; the primary carries the matter.
    duplicate_of: Mapped[str | None] = mapped_column(String(32), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    opened_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Milestones, written by the case's save (a step's spiff property `milestone`; the first response by the
    # first claim or completion of a team's step): the reports aggregate these, never the workflows.
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    mediated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    mediation_outcome: Mapped[str | None] = mapped_column(String(32))
    judged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    judicial_decision: Mapped[str | None] = mapped_column(String(32))
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    satisfaction: Mapped[str | None] = mapped_column(String(32))
    mediation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    judicial_applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    process_version: Mapped[str] = mapped_column(ForeignKey("process_versions.key"))
    workflow_state: Mapped[bytes] = mapped_column(LargeBinary, doc="SpiffWorkflow state only, zlib-compressed JSON")
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    completed_elements: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A timer that could not fire: the case waits for a supervisor (or a fixed diagram) instead.
    error_element: Mapped[str | None] = mapped_column(String(128))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When retention (`flask retention`) rewrote the case without what identifies a person.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseEvent(db.Model):  # type: ignore[name-defined]
    """The append-only audit timeline: one row per state change."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(48))
    summary: Mapped[str] = mapped_column(String(512))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class WorkItem(db.Model):  # type: ignore[name-defined]
    """One row per user task that is (or was) waiting for a person: lists never load a workflow."""

    __tablename__ = "work_items"
    __table_args__ = (
        UniqueConstraint("case_id", "task_id"),
        # Queues read the open items of some teams, most urgent first: partial indexes over open items only
        # hand the first page out in order, however many completed items pile up behind them.
        Index("ix_work_items_open_team_due", "team_code", "due_at", "id",
              sqlite_where=text("state IN ('open', 'claimed')"), postgresql_where=text("state IN ('open', 'claimed')")),
        Index("ix_work_items_open_due", "due_at", "id",
              sqlite_where=text("state IN ('open', 'claimed')"), postgresql_where=text("state IN ('open', 'claimed')")),
        Index("ix_work_items_assignee_state", "assignee", "state"),
        Index("ix_work_items_case_state", "case_id", "state"),
        # The reports count escalations opened and closed in a period: partial indexes over escalations only.
        Index("ix_work_items_escalation_created", "created_at",
              sqlite_where=text("origin_timer IS NOT NULL"), postgresql_where=text("origin_timer IS NOT NULL")),
        Index("ix_work_items_escalation_completed", "completed_at",
              sqlite_where=text("origin_timer IS NOT NULL"), postgresql_where=text("origin_timer IS NOT NULL")),
        Index("ix_work_items_milestone_created", "milestone", "created_at"),
        # A month's steps (the reports' limit breaches by step).
        Index("ix_work_items_created_at", "created_at"),
        Index("ix_work_items_milestone_completed", "milestone", "completed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    case_no: Mapped[str] = mapped_column(String(32))
    task_id: Mapped[str] = mapped_column(String(36))
    process_id: Mapped[str] = mapped_column(String(128))
    element_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(256))
    lane: Mapped[str | None] = mapped_column(String(128))
    team_code: Mapped[str | None] = mapped_column(String(64))
    assignee: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    form_file: Mapped[str | None] = mapped_column(String(256))
    ui_file: Mapped[str | None] = mapped_column(String(256))
    form_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Escalation steps: the timer that created them and the work item they escalate.
    origin_timer: Mapped[str | None] = mapped_column(String(128))
    escalated_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"), index=True)
    # 2 and up: the step comes again (a reopened case, a return to routing); its form then starts empty.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # A supervisor's reminder ({note, by, at}), shown on the step until it is done.
    reminder: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The step's `milestone` property's name (diagram data: "callback", "mediation"), and on completion the value
    # of the field it names: the reports count callbacks, mediations and decisions per period from these.
    milestone: Mapped[str | None] = mapped_column(String(64))
    milestone_value: Mapped[str | None] = mapped_column(String(64))
    # The step's `qualification` property (diagram data): only a holder may claim, be handed or decide it.
    qualification: Mapped[str | None] = mapped_column(String(32))


def is_open() -> Any:
    """The open-items condition with its values written into the SQL, so that the planner can match it to
    the partial indexes (a bound parameter would hide them)."""
    return WorkItem.__table__.c.state.in_(bindparam("open_states", list(OPEN_STATES), expanding=True,
                                                     literal_execute=True))


class Notification(db.Model):  # type: ignore[name-defined]
    """The outbox: a message owed to someone, written in the same transaction as the case change that owes it
    (so none is lost and none is sent for a change that rolled back), and delivered by `flask notify run`,
    at least once, under its key (the receiver's idempotency key). Who receives it is resolved at delivery
    (the reporter's phone is read then, not copied here)."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The notifier's due batch: pending messages whose next try has come.
        Index("ix_outbox_pending_due", "next_attempt_at", "id",
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        Index("ix_outbox_case", "case_id", "id"),
        Index("ix_outbox_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    case_no: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))  # accepted, dispatched, handled, closed, step, escalation, reply
    audience: Mapped[str] = mapped_column(String(16))  # reporter, team, channel
    team_code: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sender: Mapped[str | None] = mapped_column(String(32))
