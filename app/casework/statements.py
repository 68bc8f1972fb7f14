"""The unit of work's statements, built once at import: each save only binds its values."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, func, insert, select, update

from app.casework.models import MILESTONES, OPEN_STATES, STATUS_MILESTONES, Case, CaseEvent, Notification, WorkItem
from app.types import UTCDateTime

cases_t = Case.__table__
items_t = WorkItem.__table__
events_t = CaseEvent.__table__
outbox_t = Notification.__table__

_in_case = items_t.c.case_id == bindparam("b_case")
_open = items_t.c.state.in_(OPEN_STATES)

Param = Callable[..., Any]  # (name, type_=None) -> the bound parameter a statement is built with


def bound(name: str, type_: Any = None) -> Any:
    return bindparam(name, type_=type_)


MILESTONE_COLUMNS = [c for time, value in MILESTONES.values() for c in (time, value) if c]
# Columns whose first value stays, and those whose latest does (a status milestone says which it is).
FIRST_KEPT = ["first_response_at", *(c for c, (_s, first) in STATUS_MILESTONES.items() if first)]
LATEST_KEPT = [*MILESTONE_COLUMNS, *(c for c, (_s, first) in STATUS_MILESTONES.items() if not first), "reopened_at"]


def save_case(p: Param) -> Any:
    """The case row after its workflow ran, under its optimistic lock."""
    return update(cases_t).where(cases_t.c.id == p("b_id"), cases_t.c.lock_version == p("b_lock")).values(
        workflow_state=p("workflow_state"), lock_version=p("lock_version"), status=p("status"),
        next_timer_at=p("next_timer_at"), completed_elements=p("completed_elements"), updated_at=p("updated_at"),
        team_code=func.coalesce(p("team_code", String), cases_t.c.team_code),
        township_code=func.coalesce(p("township_code", String), cases_t.c.township_code),
        category=func.coalesce(p("category", String), cases_t.c.category),
        closed_at=func.coalesce(p("closed_at", UTCDateTime), cases_t.c.closed_at),
        # The first response and the first entries stay the first; the other milestones take the latest round's.
        **{column: func.coalesce(cases_t.c[column], p(column, cases_t.c[column].type)) for column in FIRST_KEPT},
        **{column: func.coalesce(p(column, cases_t.c[column].type), cases_t.c[column]) for column in LATEST_KEPT},
    )


SAVE_CASE = save_case(bound)


def save_case_setting(extra: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """SAVE_CASE that also sets ``extra``'s columns, and the parameters that carry their values."""
    return _save_case_setting(tuple(sorted(extra))), {f"x_{c}": v for c, v in extra.items()}


@lru_cache(maxsize=32)
def _save_case_setting(columns: tuple[str, ...]) -> Any:
    # Built once per set of columns: a statement made with literal values per save was cache-keyed anew each
    # time, walking every value.
    return SAVE_CASE.values(**{c: bindparam(f"x_{c}", type_=cases_t.c[c].type) for c in columns})

# A team's first claim of a step, when the case itself is not saved (a claim changes no workflow).
FIRST_RESPONSE = update(cases_t).where(cases_t.c.id == bindparam("b_id"), cases_t.c.first_response_at.is_(None)) \
    .values(first_response_at=bindparam("first_response_at", type_=UTCDateTime))

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
INSERT_NOTICES = insert(outbox_t)
INSERT_ITEMS = insert(items_t).returning(items_t.c.id, sort_by_parameter_order=True)
# Steps that stopped waiting, except the items this save changes (their change says what they are).
CANCEL_ITEMS = update(items_t).where(
    _in_case, items_t.c.task_id.in_(bindparam("b_tasks", expanding=True)), _open,
    items_t.c.id.not_in(bindparam("b_changed", expanding=True))
).values(state="cancelled", completed_at=bindparam("completed_at")).returning(items_t.c.id)
ITEM_IDS_OF_TASKS = select(items_t.c.id, items_t.c.task_id).where(
    _in_case, items_t.c.task_id.in_(bindparam("b_tasks", expanding=True)))

# The work-item state changes: the state each starts from (its WHERE clause) and what it sets.
_CHANGES: dict[str, tuple[Callable[[Param], list[Any]], Callable[[Param], dict[str, Any]]]] = {
    "complete": (lambda p: [items_t.c.id == p("b_item"), _open],
                 lambda p: {"state": "completed", "assignee": p("assignee"), "completed_at": p("completed_at"),
                            "completed_by": p("completed_by"), "result_data": p("result_data"),
                            "milestone_value": p("milestone_value")}),
    "claim": (lambda p: [items_t.c.id == p("b_item"), items_t.c.state == "open"],
              lambda p: {"state": "claimed", "assignee": p("assignee"), "claimed_at": p("claimed_at")}),
    "release": (lambda p: [items_t.c.id == p("b_item"), items_t.c.state == "claimed", items_t.c.assignee == p("b_was")],
                lambda p: {"state": "open", "assignee": None, "claimed_at": None}),
    "assign": (lambda p: [items_t.c.id == p("b_item"), _open],
               lambda p: {"state": "claimed", "assignee": p("assignee"), "claimed_at": p("claimed_at")}),
    "move": (lambda p: [items_t.c.id == p("b_item"), _open],
             lambda p: {"team_code": p("team_code"), "state": "open", "assignee": None, "claimed_at": None}),
    # Another team and one of its members at once (one change: a row takes one change per save).
    "move_to_person": (lambda p: [items_t.c.id == p("b_item"), _open],
                       lambda p: {"team_code": p("team_code"), "state": "claimed", "assignee": p("assignee"),
                                  "claimed_at": p("claimed_at")}),
    "limit": (lambda p: [items_t.c.id == p("b_item"), _open], lambda p: {"due_at": p("due_at")}),
    # A repair (`flask check --repair`): the row of a step that waits again, though it was closed behind the
    # service's back (a step keeps one row: the unique (case, task) key).
    "reopen": (lambda p: [items_t.c.id == p("b_item"), items_t.c.state.in_(("completed", "cancelled"))],
               lambda p: {"state": "open", "assignee": None, "claimed_at": None, "completed_at": None,
                          "completed_by": None}),
    "remind": (lambda p: [items_t.c.id == p("b_item"), _open], lambda p: {"reminder": p("reminder")}),
}


def item_change(name: str, p: Param) -> Any:
    starts_from, sets = _CHANGES[name]
    return update(items_t).where(*starts_from(p)).values(**sets(p))


ITEM_CHANGES = {name: item_change(name, bound) for name in _CHANGES}

# Retention: a case's rows rewritten without what identifies a person (casework.anonymise decides what stays).
SCRUB_ITEM = update(items_t).where(items_t.c.id == bindparam("b_id")).values(
    form_data=bindparam("form_data"), result_data=bindparam("result_data"))
SCRUB_EVENT = update(events_t).where(events_t.c.id == bindparam("b_id")).values(
    data=bindparam("data"), summary=bindparam("summary"))
SCRUB_NOTICE = update(outbox_t).where(outbox_t.c.id == bindparam("b_id")).values(data=bindparam("data"))

# A case moved to another version: its open steps take the new names, lanes and forms.
RESTATE_ITEM = update(items_t).where(_in_case, items_t.c.task_id == bindparam("b_task"), _open).values(
    name=bindparam("name"), lane=bindparam("lane"), process_id=bindparam("process_id"),
    form_file=bindparam("form_file"), ui_file=bindparam("ui_file"), qualification=bindparam("qualification"))
