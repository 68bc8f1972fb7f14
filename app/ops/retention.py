"""`flask retention --older-than 3y`: cases ended longer ago than the law lets personal data be kept are
anonymised (casework.operations.anonymise), one transaction and one audit event per case, and their evidence
files deleted. A dry run (the default) counts and lists them and changes nothing; every run, dry or not, is
recorded in the audit trail."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.auth import audit
from app.cases import attachments, experts
from app.casework import operations
from app.casework.models import ENDED_STATUSES, Case, CaseEvent, Notification, WorkItem
from app.extensions import db

AGE = re.compile(r"^(\d{1,3})([ymd])$")
cases_t, items_t, events_t, outbox_t = (Case.__table__, WorkItem.__table__, CaseEvent.__table__,
                                        Notification.__table__)


class BadAge(ValueError):
    pass


@dataclass
class Retention:
    cutoff: datetime
    apply: bool
    due: int = 0
    anonymised: int = 0
    first: list[str] = field(default_factory=list)
    files_deleted: int = 0


def cutoff_for(age: str, now: datetime) -> datetime:
    """'3y', '36m' or '1095d' before now (a year back from 29 February is 28 February)."""
    match = AGE.match(age.strip())
    if not match or int(match.group(1)) == 0:
        raise BadAge("give an age such as 3y, 36m or 1095d")
    n, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        return now - timedelta(days=n)
    months = n * 12 if unit == "y" else n
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, _days_in(year, month + 1))
    return now.replace(year=year, month=month + 1, day=day)


def _days_in(year: int, month: int) -> int:
    following = datetime(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def due_cases(cutoff: datetime) -> list[tuple[int, str]]:
    return [(r.id, r.case_no) for r in db.session.execute(
        select(cases_t.c.id, cases_t.c.case_no).where(
            cases_t.c.status.in_(ENDED_STATUSES), cases_t.c.closed_at < cutoff, cases_t.c.anonymised_at.is_(None))
        .order_by(cases_t.c.id))]


def run(age: str, now: datetime, *, apply: bool, key: str, actor: str = "retention") -> Retention:
    cutoff = cutoff_for(age, now)
    found = due_cases(cutoff)
    result = Retention(cutoff, apply, due=len(found), first=[no for _id, no in found[:20]])
    why = {"older_than": age, "cutoff": cutoff.isoformat()}
    for case_id, _case_no in found if apply else []:
        files = _anonymise(case_id, key, actor, now, why)
        db.session.commit()
        result.anonymised += 1
        result.files_deleted += _delete(files)
    audit.record("retention.run" if apply else "retention.dry_run", username=actor,
                 detail=f"older than {age} (closed before {cutoff:%Y-%m-%d}): {result.due} due, "
                        f"{result.anonymised} anonymised")
    db.session.commit()
    return result


def _anonymise(case_id: int, key: str, actor: str, now: datetime, why: dict[str, str]) -> list[Path]:
    case = db.session.execute(select(cases_t).where(cases_t.c.id == case_id)).one()
    rows = operations.Rows(
        case=case,
        items=list(db.session.execute(select(items_t.c.id, items_t.c.form_data, items_t.c.result_data)
                                      .where(items_t.c.case_id == case_id))),
        events=list(db.session.execute(select(events_t.c.id, events_t.c.kind, events_t.c.summary, events_t.c.data)
                                       .where(events_t.c.case_id == case_id))),
        notices=list(db.session.execute(select(outbox_t.c.id, outbox_t.c.data).where(outbox_t.c.case_id == case_id))))
    files = attachments.forget(case_id)
    experts.forget(case_id)
    operations.anonymise(case_id, key, rows, actor, now, why)
    return files


def _delete(files: list[Path]) -> int:
    deleted = 0
    for path in files:
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            pass
    return deleted
