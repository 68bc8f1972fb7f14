"""Saving what the engine did: case row (optimistic lock), work items, one audit event.

Used by intake (a new case) and by task completion; both call it once per request, inside the
request's transaction. Plain SQL statements: this is the hot path.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, bindparam, func, insert, select, update

from app.cases.models import Case, CaseEvent
from app.database import affected
from app.engine import CaseRun, FiredTimer, ProcessBundle, ReadyTask, Snapshot
from app.errors import Conflict
from app.extensions import db
from app.routing.gazetteer import categories, gazetteer
from app.routing.lanes import lane_team
from app.tasks.forms import starting_data
from app.tasks.models import OPEN_STATES, WorkItem
from app.types import UTCDateTime

cases_t = Case.__table__
items_t = WorkItem.__table__
events_t = CaseEvent.__table__


# Hot-path statements are built once; each request only binds its values.
_UPDATE_CASE = update(cases_t).where(
    cases_t.c.id == bindparam("b_id"), cases_t.c.lock_version == bindparam("b_lock")
).values(
    workflow_state=bindparam("workflow_state"), lock_version=bindparam("lock_version"),
    status=bindparam("status"), next_timer_at=bindparam("next_timer_at"),
    completed_elements=bindparam("completed_elements"), updated_at=bindparam("updated_at"),
    team_code=func.coalesce(bindparam("team_code", type_=String), cases_t.c.team_code),
    township_code=func.coalesce(bindparam("township_code", type_=String), cases_t.c.township_code),
    category=func.coalesce(bindparam("category", type_=String), cases_t.c.category),
    closed_at=func.coalesce(bindparam("closed_at", type_=UTCDateTime), cases_t.c.closed_at),
)
_OPEN_ITEMS = select(items_t.c.id, items_t.c.task_id).where(
    items_t.c.case_id == bindparam("b_case"), items_t.c.state.in_(OPEN_STATES))
_INSERT_EVENT = insert(events_t)


# Every work item has a limit (the contract says so, and queues sort by it): a step whose diagram draws no
# timer and no dueIn gets this one.
DEFAULT_LIMIT = timedelta(hours=24)


@dataclass
class Progress:
    status: str
    team_code: str | None
    created: list[ReadyTask]
    new_items: list[dict[str, Any]]  # the work-item rows written, with their ids
    cancelled: list[str]
    snapshot: Snapshot


def case_status(snapshot: Snapshot, current: str) -> str:
    if snapshot.completed:
        return snapshot.end_status or "closed"
    for task in snapshot.ready:
        status = task.properties.get("caseStatus")
        if status:
            return status
    return current


def save_progress(*, case_id: int, case_no: str, lock_version: int, current_status: str, run: CaseRun,
                  now: datetime, event_kind: str, event_summary: str, event_data: dict[str, Any],
                  actor: str | None, extra_case_values: dict[str, Any] | None = None,
                  fired: list[FiredTimer] | None = None) -> Progress:
    snapshot = run.snapshot()
    status = case_status(snapshot, current_status)
    team_code = snapshot.variables.get("team_code")
    team_code = team_code if isinstance(team_code, str) else None

    # The dispatcher's routing decision is the case's category and township from then on.
    township = snapshot.variables.get("township")
    category = snapshot.variables.get("category")
    values: dict[str, Any] = {
        "b_id": case_id, "b_lock": lock_version,
        "workflow_state": run.dump(), "lock_version": lock_version + 1, "status": status,
        "next_timer_at": snapshot.next_timer_at, "completed_elements": snapshot.completed_elements,
        "updated_at": now, "team_code": team_code,
        "township_code": township if isinstance(township, str) and township in gazetteer().by_code else None,
        "category": category if isinstance(category, str) and category in categories() else None,
        "closed_at": now if snapshot.completed else None,
    }
    statement = _UPDATE_CASE.values(**extra_case_values) if extra_case_values else _UPDATE_CASE
    changed = affected(db.session.execute(statement, values))
    if changed != 1:
        raise Conflict("the case changed while this request was running; reload and try again",
                       code="case_changed")

    open_rows = db.session.execute(_OPEN_ITEMS, {"b_case": case_id}).all()
    ready_ids = {t.task_id for t in snapshot.ready}
    known = {r.task_id for r in open_rows}
    gone = [r.id for r in open_rows if r.task_id not in ready_ids]
    if gone:
        db.session.execute(update(items_t).where(items_t.c.id.in_(gone)).values(state="cancelled", completed_at=now))
    created = [t for t in snapshot.ready if t.task_id not in known]
    new_items: list[dict[str, Any]] = []
    if created:
        item_ids = {r.task_id: r.id for r in open_rows}
        escalates = {f.element_id: next((item_ids[t] for t in f.covered_task_ids if t in item_ids), None)
                     for f in fired or []}
        new_items = [{**_item_row(case_id, case_no, t, run.bundle, now), "origin_timer": t.origin_timer,
                      "escalated_item_id": escalates.get(t.origin_timer) if t.origin_timer else None}
                     for t in created]
        ids = db.session.execute(insert(items_t).returning(items_t.c.id, sort_by_parameter_order=True),
                                 new_items).scalars().all()
        for row, item_id in zip(new_items, ids, strict=True):
            row["id"] = item_id

    data = {**event_data, "status": status}
    if created:
        data["next"] = [{"work_item": r["id"], "element_id": r["element_id"], "name": r["name"],
                         "team": r["team_code"]} for r in new_items]
    if gone:
        data["cancelled_items"] = gone
    db.session.execute(_INSERT_EVENT, {"case_id": case_id, "at": now, "actor": actor, "kind": event_kind,
                                       "summary": event_summary, "data": data})
    return Progress(status=status, team_code=team_code, created=created, new_items=new_items,
                    cancelled=[str(g) for g in gone], snapshot=snapshot)


def _item_row(case_id: int, case_no: str, task: ReadyTask, bundle: ProcessBundle, now: datetime) -> dict[str, Any]:
    form_file = task.properties.get("formJsonSchemaFilename")
    schema = bundle.form(form_file) or {}
    return {
        "case_id": case_id, "case_no": case_no, "task_id": task.task_id, "process_id": task.process_id,
        "element_id": task.element_id, "name": task.name, "lane": task.lane,
        "team_code": task.team_code or lane_team(task.lane, task.data),
        "assignee": None, "state": "open", "due_at": task.due_at or now + DEFAULT_LIMIT, "created_at": now,
        "form_file": form_file, "ui_file": task.properties.get("formUiSchemaFilename"),
        "form_data": starting_data(schema, task.data) if isinstance(schema, dict) else {},
    }
