"""The unit of work's statements, built once at import: each save only binds its values."""
from __future__ import annotations

from sqlalchemy import String, bindparam, func, insert, select, update

from app.casework.models import OPEN_STATES, Case, CaseEvent, WorkItem
from app.types import UTCDateTime

cases_t = Case.__table__
items_t = WorkItem.__table__
events_t = CaseEvent.__table__

_in_case = items_t.c.case_id == bindparam("b_case")
_open = items_t.c.state.in_(OPEN_STATES)

SAVE_CASE = update(cases_t).where(
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

# A timer that cannot fire: the case waits for a supervisor, its timers no longer swept.
PARK_CASE = update(cases_t).where(
    cases_t.c.id == bindparam("b_id"), cases_t.c.lock_version == bindparam("b_lock")
).values(error_element=bindparam("error_element"), error_message=bindparam("error_message"),
         error_at=bindparam("error_at"), next_timer_at=None, lock_version=bindparam("lock_version"),
         updated_at=bindparam("updated_at"))

# The sweep found a case whose indexed due time was stale: correct the index (no state changed, no event).
CORRECT_TIMER_INDEX = update(cases_t).where(cases_t.c.id == bindparam("b_id")).values(
    next_timer_at=bindparam("next_timer_at"))

INSERT_CASE = insert(cases_t).returning(cases_t.c.id)
INSERT_EVENT = insert(events_t)
INSERT_ITEMS = insert(items_t).returning(items_t.c.id, sort_by_parameter_order=True)
CANCEL_ITEMS = update(items_t).where(
    _in_case, items_t.c.task_id.in_(bindparam("b_tasks", expanding=True)), _open
).values(state="cancelled", completed_at=bindparam("completed_at")).returning(items_t.c.id)
ITEM_IDS_OF_TASKS = select(items_t.c.id, items_t.c.task_id).where(
    _in_case, items_t.c.task_id.in_(bindparam("b_tasks", expanding=True)))

_item = items_t.c.id == bindparam("b_item")

# The work-item state changes, one statement each; the WHERE clause is the state the change starts from.
ITEM_CHANGES = {
    "complete": update(items_t).where(_item, _open).values(
        state="completed", assignee=bindparam("assignee"), completed_at=bindparam("completed_at"),
        completed_by=bindparam("completed_by"), result_data=bindparam("result_data")),
    "claim": update(items_t).where(_item, items_t.c.state == "open").values(
        state="claimed", assignee=bindparam("assignee"), claimed_at=bindparam("claimed_at")),
    "release": update(items_t).where(_item, items_t.c.state == "claimed",
                                     items_t.c.assignee == bindparam("b_was")).values(
        state="open", assignee=None, claimed_at=None),
    "assign": update(items_t).where(_item, _open).values(
        state="claimed", assignee=bindparam("assignee"), claimed_at=bindparam("claimed_at")),
    "move": update(items_t).where(_item, _open).values(
        team_code=bindparam("team_code"), state="open", assignee=None, claimed_at=None),
    "limit": update(items_t).where(_item, _open).values(due_at=bindparam("due_at")),
}

# A case moved to another version: its open steps take the new names, lanes and forms.
RESTATE_ITEM = update(items_t).where(_in_case, items_t.c.task_id == bindparam("b_task"), _open).values(
    name=bindparam("name"), lane=bindparam("lane"), process_id=bindparam("process_id"),
    form_file=bindparam("form_file"), ui_file=bindparam("ui_file"))
