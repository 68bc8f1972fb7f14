"""The timer sweep: fire every timer due at an instant, case by case, each in its case's transaction.

Due cases are found by the indexed ``next_timer_at`` column, so the cost follows the number of due
timers, not the number of waiting cases. On PostgreSQL a batch is locked with FOR UPDATE SKIP LOCKED,
so several workers can sweep at once without firing anything twice; on SQLite run one worker.
A worker killed mid-batch loses its uncommitted batch as a whole; the next sweep fires it then.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, insert, or_, select, update

from app.cases.models import Case, CaseEvent
from app.cases.progress import save_progress
from app.designer.service import bundle_for
from app.engine import CaseRun, EngineError, clock
from app.extensions import db

log = logging.getLogger(__name__)
cases_t = Case.__table__
events_t = CaseEvent.__table__


@dataclass
class TickResult:
    cases: int = 0
    timers: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)


def _due_batch(now: datetime, after: tuple[datetime, int] | None, limit: int) -> list[tuple[datetime, int]]:
    """The next due cases in (next_timer_at, id) order, walking the index from where the last batch ended:
    the cost follows the due rows, and a case that stays due after firing is not taken twice in one tick."""
    due = cases_t.c.next_timer_at
    query = select(due, cases_t.c.id).where(due < now).order_by(due, cases_t.c.id).limit(limit)
    if after is not None:
        query = query.where(or_(due > after[0], and_(due == after[0], cases_t.c.id > after[1])))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [(r.next_timer_at, r.id) for r in db.session.execute(query)]


def fire_case(case_id: int, now: datetime) -> int:
    """Fire the due timers of one case and save; returns how many fired. Raises EngineError."""
    row = db.session.execute(
        select(cases_t.c.case_no, cases_t.c.status, cases_t.c.lock_version, cases_t.c.workflow_state,
               cases_t.c.process_version).where(cases_t.c.id == case_id)
    ).one()
    run = CaseRun.resume(bundle_for(row.process_version), row.workflow_state)
    fired = run.fire_timers()
    if not fired:
        # Nothing was due after all (the row's time was stale): correct the index, no state changed.
        db.session.execute(update(cases_t).where(cases_t.c.id == case_id)
                           .values(next_timer_at=run.snapshot().next_timer_at))
        return 0
    names = "、".join(f.name for f in fired)
    save_progress(case_id=case_id, case_no=row.case_no, lock_version=row.lock_version, current_status=row.status,
                  run=run, now=now, event_kind="timer.fired", event_summary=f"计时器触发：{names}",
                  event_data={"timers": [{"element_id": f.element_id, "name": f.name, "step": f.host_element_id,
                                          "interrupting": f.interrupting,
                                          "due_at": f.due_at.isoformat() if f.due_at else None} for f in fired]},
                  actor=None, fired=fired)
    return len(fired)


def _record_failure(case_id: int, now: datetime, err: EngineError) -> None:
    element = err.element_id or "timer"
    db.session.execute(update(cases_t).where(cases_t.c.id == case_id).values(
        error_element=element, error_message=str(err), error_at=now, next_timer_at=None,
        lock_version=cases_t.c.lock_version + 1, updated_at=now))
    db.session.execute(insert(events_t).values(
        case_id=case_id, at=now, actor=None, kind="timer.failed",
        summary=f"计时器执行出错：{element}", data={"element_id": element, "message": str(err)}))


def tick(now: datetime, batch_size: int = 20) -> TickResult:
    """Fire everything due strictly before ``now``. Commits once per batch."""
    result = TickResult()
    last: tuple[datetime, int] | None = None
    with clock.frozen_at(now):
        while True:
            batch = _due_batch(now, last, batch_size)
            if not batch:
                db.session.commit()
                break
            for _due, case_id in batch:
                try:
                    with db.session.begin_nested():
                        fired = fire_case(case_id, now)
                except EngineError as err:
                    log.warning("timer failed on case %s at %s: %s", case_id, err.element_id, err)
                    _record_failure(case_id, now, err)
                    result.failed += 1
                    result.failures.append(f"{case_id}:{err.element_id}")
                    continue
                if fired:
                    result.cases += 1
                    result.timers += fired
            db.session.commit()
            last = batch[-1]
    return result
