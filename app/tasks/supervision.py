"""A supervisor's hands on a work item: assign to a person, move to another team, give more time.

Each is one transaction and one audit event; the ones that change what the workflow will do (team,
limit) load the case's workflow, change it, and save it under the optimistic lock. The checks and
workflow changes are also used by the escalation desk, which combines them with closing an escalation.
"""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select, update

from app import moments
from app.auth import policy
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.service import principal_for
from app.cases import present
from app.cases.progress import save_progress
from app.database import affected
from app.designer.service import bundle_for
from app.engine import CaseRun, TaskNotReady, clock
from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.http import Deferred
from app.routing.lanes import lane_role, team_kinds_for
from app.routing.models import Team
from app.tasks.models import OPEN_STATES, WorkItem
from app.tasks.service import load_item, not_open_message, record_event

items_t = WorkItem.__table__


# --- checks and workflow changes, shared with the escalation desk ---------------------------------

def check_assignee(username: str, team_code: str | None, lane: str | None) -> None:
    """The person must be active, in the step's team (supervisors oversee every team) and hold the
    lane's role where the step is reserved to it (a court's decision goes to a judge, nobody else)."""
    user = db.session.execute(select(User).where(User.username == username, User.active.is_(True))).scalar_one_or_none()
    if user is None:
        raise Invalid(f"no active user {username}", {"username": ["no such user"]})
    assignee = principal_for(user.id)
    if assignee is None or not policy.can_work_on(assignee, team_code):
        raise Invalid(f"{username} is not in team {team_code}; reassign the item to their team first",
                      {"username": ["not a member of the item's team"]})
    if not policy.can_decide(assignee, lane_role(lane), team_code):
        raise Invalid(f"{username} may not decide a step of the lane {lane}",
                      {"username": [f"this step needs the {lane_role(lane)} role"]})


def check_team(team_code: str, lane: str | None, current_team: str | None) -> Team:
    """An active team of a kind that may do the step: court steps to courts, township steps to township
    and specialised teams, callbacks to callback teams."""
    team = db.session.get(Team, team_code)
    if team is None or not team.active:
        raise Invalid(f"no active team {team_code}", {"team": ["no such team"]})
    current = db.session.get(Team, current_team) if current_team else None
    kinds = team_kinds_for(lane, current.kind if current is not None else None)
    if team.kind not in kinds:
        raise Invalid(f"a step of the lane {lane} can only go to a team of kind {' or '.join(kinds) or '-'}; "
                      f"{team.name} is {team.kind}",
                      {"team": [f"must be a team of kind {' or '.join(kinds) or '-'} (this one is {team.kind})"]})
    return team


def check_take_over(lane: str | None) -> None:
    if lane_role(lane) in policy.RESERVED_LANE_ROLES:
        raise Invalid(f"a step of the lane {lane} is decided by the {lane_role(lane)}; it cannot be taken over",
                      {"action": ["remind, extend or reassign to another team of the same kind instead"]})


def check_later(current_due: datetime | None, due_at: datetime) -> None:
    if not moments.in_range(due_at):
        raise Invalid(f"the new limit {moments.OUT_OF_RANGE}", {"due_at": [moments.OUT_OF_RANGE]})
    if due_at <= clock.now():
        raise Invalid("the new limit must be in the future", {"due_at": ["must be later than now"]})
    if current_due is not None and due_at <= current_due:
        raise Invalid("extending means a later limit than the current one",
                      {"due_at": [f"must be later than {present.iso(current_due)}"]})


def move_team(run: CaseRun, task_id: str, from_team: str | None, to_team: str) -> None:
    """The handling team is case data: when this step had the case's team, later steps follow the new one."""
    if run.snapshot().variables.get("team_code") == from_team:
        run.set_variables(task_id, {"team_code": to_team})


def resumed(row: Any) -> CaseRun:
    return CaseRun.resume(bundle_for(row.process_version), row.workflow_state)


def _open_item(principal: Principal, item_id: int, *, with_case: bool = False) -> Any:
    row = load_item(principal, item_id, with_case=with_case)  # 404 first: invisible items stay invisible
    if not policy.can_supervise(principal):
        raise Forbidden("only a supervisor can do this")
    if row.state not in OPEN_STATES:
        raise Conflict(not_open_message(row), code="not_open")
    return row


def _result(row: Any, **changes: Any) -> dict[str, Any]:
    return present.work_item(SimpleNamespace(**{**row._mapping, **changes}))


def _moved_on() -> Conflict:
    return Conflict("the case has moved on: this step is no longer waiting", code="case_changed")


# --- the work-item actions -----------------------------------------------------------------------

def assign(principal: Principal, item_id: int, body: Deferred) -> dict[str, Any]:
    row = _open_item(principal, item_id)
    username: str = body.get()["username"]
    check_assignee(username, row.team_code, row.lane)
    now = clock.now()
    changed = affected(db.session.execute(
        update(items_t).where(items_t.c.id == item_id, items_t.c.state.in_(OPEN_STATES))
        .values(state="claimed", assignee=username, claimed_at=now)))
    if changed != 1:
        raise Conflict("the work item changed meanwhile; reload it", code="not_open")
    record_event(row.case_id, principal.username, "task.assigned", f"督办指派：{row.name} → {username}",
                 {"work_item": item_id, "element_id": row.element_id, "assignee": username, "was": row.assignee})
    return _result(row, state="claimed", assignee=username, claimed_at=now)


def reassign(principal: Principal, item_id: int, body: Deferred) -> dict[str, Any]:
    row = _open_item(principal, item_id, with_case=True)
    team = check_team(body.get()["team"], row.lane, row.team_code)
    if team.code == row.team_code:
        return _result(row)
    run = resumed(row)
    try:
        move_team(run, row.task_id, row.team_code, team.code)
    except TaskNotReady:
        raise _moved_on() from None
    save_progress(case_id=row.case_id, case_no=row.case_no, lock_version=row.lock_version,
                  current_status=row.case_status, run=run, now=clock.now(), event_kind="task.reassigned",
                  event_summary=f"督办改派：{row.name} → {team.name}",
                  event_data={"work_item": item_id, "element_id": row.element_id, "from": row.team_code,
                              "to": team.code},
                  actor=principal.username)
    db.session.execute(update(items_t).where(items_t.c.id == item_id)
                       .values(team_code=team.code, state="open", assignee=None, claimed_at=None))
    return _result(row, team_code=team.code, team_name=team.name, state="open", assignee=None)


def extend(principal: Principal, item_id: int, body: Deferred) -> dict[str, Any]:
    row = _open_item(principal, item_id, with_case=True)
    due_at: datetime = body.get()["due_at"]
    check_later(row.due_at, due_at)
    run = resumed(row)
    try:
        run.extend(row.task_id, due_at)
    except TaskNotReady:
        raise _moved_on() from None
    save_progress(case_id=row.case_id, case_no=row.case_no, lock_version=row.lock_version,
                  current_status=row.case_status, run=run, now=clock.now(), event_kind="task.extended",
                  event_summary=f"督办延期：{row.name} 至 {present.iso(due_at)}",
                  event_data={"work_item": item_id, "element_id": row.element_id,
                              "from": present.iso(row.due_at), "to": present.iso(due_at)},
                  actor=principal.username)
    db.session.execute(update(items_t).where(items_t.c.id == item_id).values(due_at=due_at))
    return _result(row, due_at=due_at)
