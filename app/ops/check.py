"""`flask check`: does the stored state agree with itself? Every case's status, open work items, next timer and
last recorded status are compared with what its workflow state implies; an open case must wait on a step or a
timer; every work item belongs to its case. Read-only: the repair is casework.operations.repair."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.casework.models import ENDED_STATUSES, OPEN_STATES, Case, CaseEvent, WorkItem
from app.casework.rows import case_status
from app.engine import CaseRun
from app.extensions import db
from app.versions.service import bundle_for

cases_t, items_t, events_t = Case.__table__, WorkItem.__table__, CaseEvent.__table__

# What a repair can derive from the workflow state alone (casework.operations.repair): the status, the timer
# index and the work items. A parked timer, an unreadable state or a case waiting on nothing needs a person.
REPAIRABLE = frozenset({"status", "next_timer", "missing_item", "orphan_item", "last_event"})


@dataclass(frozen=True)
class Finding:
    case_id: int
    case_no: str
    kind: str
    message: str

    @property
    def repairable(self) -> bool:
        return self.kind in REPAIRABLE


@dataclass
class Checked:
    cases: int = 0


def check(*, case_no: str | None = None, batch: int = 500, checked: Checked | None = None) -> Iterator[Finding]:
    """Every finding, case by case in id order (cases read in batches, their workflows resumed one at a time)."""
    tally = checked or Checked()
    yield from _foreign_items(case_no)
    after = 0
    while True:
        query = select(cases_t.c.id, cases_t.c.case_no, cases_t.c.status, cases_t.c.process_version,
                       cases_t.c.workflow_state, cases_t.c.next_timer_at, cases_t.c.error_element,
                       cases_t.c.error_message).where(cases_t.c.id > after).order_by(cases_t.c.id).limit(batch)
        if case_no is not None:
            query = query.where(cases_t.c.case_no == case_no)
        rows = db.session.execute(query).all()
        if not rows:
            return
        after = rows[-1].id
        ids = [r.id for r in rows]
        open_items = _open_items(ids)
        statuses = _last_statuses(ids)
        for row in rows:
            tally.cases += 1
            yield from _case_findings(row, open_items.get(row.id, []), statuses.get(row.id, _NO_EVENT))


def _foreign_items(case_no: str | None) -> Iterator[Finding]:
    """Work items whose case number is not their case's (the two are written together, never apart)."""
    query = select(items_t.c.id, items_t.c.case_id, items_t.c.case_no, cases_t.c.case_no.label("owner")) \
        .join(cases_t, cases_t.c.id == items_t.c.case_id, isouter=True) \
        .where((cases_t.c.id.is_(None)) | (cases_t.c.case_no != items_t.c.case_no))
    if case_no is not None:
        query = query.where(items_t.c.case_no == case_no)
    for item in db.session.execute(query):
        yield Finding(item.case_id, item.case_no, "foreign_item",
                      f"work item {item.id} names case {item.case_no} but belongs to "
                      f"{item.owner or 'no case'}")


def _open_items(ids: list[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for item in db.session.execute(
            select(items_t.c.id, items_t.c.case_id, items_t.c.task_id, items_t.c.name)
            .where(items_t.c.case_id.in_(ids), items_t.c.state.in_(OPEN_STATES))):
        found[item.case_id].append(item)
    return found


_NO_EVENT = "\0no event"


def _last_statuses(ids: list[int]) -> dict[int, str | None]:
    """Per case, the status its latest workflow-saving event recorded (claims and notes record none)."""
    out: dict[int, str | None] = {}
    query = select(events_t.c.case_id, events_t.c.data).where(events_t.c.case_id.in_(ids)).order_by(events_t.c.id)
    for event in db.session.execute(query):
        data = event.data if isinstance(event.data, dict) else {}
        if "status" in data:
            out[event.case_id] = data["status"]
        else:
            out.setdefault(event.case_id, None)
    return out


def _case_findings(row: Any, open_items: list[Any], last_status: str | None) -> Iterator[Finding]:
    def finding(kind: str, message: str) -> Finding:
        return Finding(row.id, row.case_no, kind, message)

    try:
        run = CaseRun.resume(bundle_for(row.process_version), row.workflow_state)
        snapshot = run.snapshot()
    except Exception as err:  # whatever stops a resume (a corrupt blob, an unknown version) is the finding

        yield finding("unreadable", f"the workflow state cannot be resumed: {err}")
        return
    expected = case_status(snapshot, row.status)
    if expected != row.status:
        yield finding("status", f"stored status {row.status}, the workflow says {expected}")
    if last_status == _NO_EVENT:
        yield finding("last_event", "the case has no audit event")
    elif last_status is not None and last_status != row.status:
        yield finding("last_event", f"the last recorded status is {last_status}, the case's is {row.status}")
    ready = {t.task_id: t for t in snapshot.ready}
    held = {item.task_id for item in open_items}  # one row per step: the (case, task) key is unique
    for task_id, task in ready.items():
        if task_id not in held:
            yield finding("missing_item", f"step {task.name} ({task.element_id}) waits but has no open work item")
    for item in open_items:
        if item.task_id not in ready:
            yield finding("orphan_item", f"work item {item.id} ({item.name}) is open but its step is not waiting")
    if row.error_element:
        yield finding("parked", f"timer {row.error_element} failed and waits for a person: {row.error_message}")
    elif row.next_timer_at != snapshot.next_timer_at:
        yield finding("next_timer", f"the timer index says {_at(row.next_timer_at)}, the workflow "
                                    f"{_at(snapshot.next_timer_at)}")
    if row.status not in ENDED_STATUSES and not snapshot.completed and not ready and \
            snapshot.next_timer_at is None:
        yield finding("stuck", "the case is open but waits on no step and no timer")


def _at(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value is not None else "none"

