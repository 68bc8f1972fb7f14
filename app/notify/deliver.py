"""Delivering the outbox, at least once. A batch of due messages is leased first (their next try moved a lease
ahead, in a short transaction), then each is sent with no transaction open (a slow receiver holds up nobody)
and marked in a transaction of its own. A notifier killed at any point leaves its leased messages to come due
again when the lease runs out: delivered again, under the same key, never lost. A refusal is tried again with
a doubling back-off and, after the last try, stays visible as failed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from app.casework.models import Case, Notification
from app.database import execute
from app.extensions import db
from app.notify.messages import message
from app.notify.senders import DeliveryFailed, Sender
from app.people import duty
from app.routing.models import Team

outbox_t = Notification.__table__
cases_t = Case.__table__


@dataclass
class Delivered:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """After the n-th failed try: NOTIFY_RETRY_SECONDS doubled each time, at most an hour."""
    first = float(current_app.config["NOTIFY_RETRY_SECONDS"])
    return timedelta(seconds=min(3600.0, first * 2 ** max(0, attempts - 1)))


def _lease(now: datetime, batch: int) -> list[int]:
    due = select(outbox_t.c.id).where(outbox_t.c.state == "pending", outbox_t.c.next_attempt_at <= now) \
        .order_by(outbox_t.c.next_attempt_at, outbox_t.c.id).limit(batch)
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)  # several notifiers lease disjoint batches
    ids = list(execute(due).scalars())
    if ids:
        lease = timedelta(seconds=float(current_app.config["NOTIFY_LEASE_SECONDS"]))
        execute(update(outbox_t).where(outbox_t.c.id.in_(ids)).values(next_attempt_at=now + lease))
    db.session.commit()
    return ids


def _rows(ids: list[int]) -> list[Any]:
    query = select(outbox_t, cases_t.c.reporter_phone, cases_t.c.external_ref.label("case_external_ref")) \
        .join(cases_t, cases_t.c.id == outbox_t.c.case_id).where(outbox_t.c.id.in_(ids)).order_by(outbox_t.c.id)
    rows: list[Any] = list(execute(query).all())
    db.session.commit()
    return rows


def _mark(row_id: int, values: dict[str, Any]) -> None:
    execute(update(outbox_t).where(outbox_t.c.id == row_id, outbox_t.c.state == "pending").values(**values))
    db.session.commit()


def deliver_due(sender: Sender, now: datetime, batch: int = 50) -> Delivered:
    """Send what is due at ``now``; returns what happened to it."""
    result = Delivered()
    ids = _lease(now, batch)
    if not ids:
        return result
    teams = dict(execute(select(Team.code, Team.name)).all())
    limit = int(current_app.config["NOTIFY_MAX_ATTEMPTS"])
    rows = _rows(ids)
    # A team's notice goes to its members on duty at delivery (the rota may change between the step and now).
    on_duty = duty.on_duty(sorted({r.team_code for r in rows if r.audience == "team" and r.team_code}), now)
    db.session.commit()
    for row in rows:
        if row.audience == "reporter" and not row.reporter_phone:
            _mark(row.id, {"attempts": row.attempts + 1, "state": "skipped", "sent_at": now, "sender": sender.name,
                           "last_error": "the reporter left no phone"})
            continue
        try:
            sender.send(message(row, row.reporter_phone, row.case_external_ref, teams,
                                on_duty.get(row.team_code or "", [])))
        except DeliveryFailed as err:
            attempts = row.attempts + 1
            gave_up = attempts >= limit
            _mark(row.id, {"attempts": attempts, "last_error": str(err)[:512], "state": "failed" if gave_up else
                           "pending", "next_attempt_at": now + backoff(attempts)})
            result.failed += gave_up
            result.retried += not gave_up
            result.errors.append(f"{row.key}: {err}")
            continue
        _mark(row.id, {"attempts": row.attempts + 1, "state": "sent", "sent_at": now, "sender": sender.name})
        result.sent += 1
    return result
