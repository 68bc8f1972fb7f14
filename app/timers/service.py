"""The timer sweep: fire every timer due at an instant, case by case, each in its case's transaction.

Due cases are found by the indexed ``next_timer_at`` column, so the cost follows the number of due
timers, not the number of waiting cases. On PostgreSQL a batch is locked with FOR UPDATE SKIP LOCKED,
so several workers can sweep at once without firing anything twice; on SQLite run one worker.
A worker killed mid-batch loses its uncommitted batch as a whole; the next sweep fires it then.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select

from app import metrics
from app.casework import operations
from app.casework.models import Case
from app.database import execute, read_only
from app.engine import EngineError, clock
from app.extensions import db

log = logging.getLogger(__name__)
cases_t = Case.__table__


@dataclass
class TickResult:
    cases: int = 0
    timers: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)


@lru_cache(maxsize=8)
def _due_query(postgresql: bool, walking: bool, limit: int) -> Select[Any]:
    """Built once: a sweep that finds nothing due costs its one indexed read, not the statement's making."""
    due = cases_t.c.next_timer_at
    query = select(due, cases_t.c.id).where(due < bindparam("now")).order_by(due, cases_t.c.id).limit(limit)
    if walking:
        query = query.where(or_(due > bindparam("after_due"),
                                and_(due == bindparam("after_due"), cases_t.c.id > bindparam("after_id"))))
    return query.with_for_update(skip_locked=True) if postgresql else query


def _due_batch(now: datetime, after: tuple[datetime, int] | None, limit: int) -> list[tuple[datetime, int]]:
    """The next due cases in (next_timer_at, id) order, walking the index from where the last batch ended:
    the cost follows the due rows, and a case that stays due after firing is not taken twice in one tick."""
    query = _due_query(db.engine.dialect.name == "postgresql", after is not None, limit)
    params: dict[str, Any] = {"now": now}
    if after is not None:
        params.update(after_due=after[0], after_id=after[1])
    return [(r.next_timer_at, r.id) for r in execute(query, params)]


def _nothing_due(now: datetime) -> bool:
    """SQLite: whether a sweep can stop before taking the database's one write lock. Most sweeps find nothing
    due; their probe is a WAL read, which waits for no writer and makes none wait, where a sweep that took the
    lock up front queued every request behind a read that found nothing (the timer worker ticks every few
    seconds)."""
    if db.engine.dialect.name != "sqlite" or db.session().in_transaction():
        return False
    token = read_only.set(True)
    try:
        return not _due_batch(now, None, 1)
    finally:
        db.session.commit()  # ends the read transaction: a write one begins with BEGIN IMMEDIATE
        read_only.reset(token)


def tick(now: datetime, batch_size: int = 20) -> TickResult:
    """Fire everything due strictly before ``now``. Commits once per batch."""
    result = TickResult()
    started = time.perf_counter()
    if _nothing_due(now):
        metrics.SWEEPS.inc()
        metrics.SWEEP_SECONDS.observe(time.perf_counter() - started)
        return result
    last: tuple[datetime, int] | None = None
    counted = (0, 0)
    with clock.frozen_at(now):
        while True:
            batch = _due_batch(now, last, batch_size)
            if not batch:
                db.session.commit()
                break
            last = batch[-1]
            for _due, case_id in batch:
                try:
                    with db.session.begin_nested():
                        fired = operations.fire_timers(case_id, now)
                except EngineError as err:
                    log.warning("timer failed on case %s at %s: %s", case_id, err.element_id, err)
                    operations.park_failed_timer(case_id, now, err)
                    result.failed += 1
                    result.failures.append(f"{case_id}:{err.element_id}")
                    continue
                if fired:
                    result.cases += 1
                    result.timers += fired
            db.session.commit()
            _count(result, counted)
            counted = (result.timers, result.failed)
    metrics.SWEEPS.inc()
    metrics.SWEEP_SECONDS.observe(time.perf_counter() - started)
    return result


def _count(result: TickResult, counted: tuple[int, int]) -> None:
    """Timers count once their batch is committed: a batch rolled back fired nothing."""
    metrics.TIMERS_FIRED.inc(result.timers - counted[0])
    metrics.TIMERS_FAILED.inc(result.failed - counted[1])
