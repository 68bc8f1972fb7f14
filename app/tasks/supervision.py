"""A supervisor's hands on a step — assign, reassign, extend, take over, remind — in one place, used by the
work-item routes (`/tasks/{id}/assign|reassign|extend`), by the escalation routes (`/escalations/{id}/*`) and
by the desk page alike. Each action checks what it is given, changes the step (and, where the workflow is
concerned, the case's workflow) through the case's unit of work; on the desk it also closes the escalation.
One transaction, one audit event."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app import moments
from app.auth import policy
from app.auth.models import Membership, Qualification, User
from app.auth.principal import Principal
from app.auth.service import principal_for
from app.cases import present
from app.casework.models import OPEN_STATES, Case, WorkItem
from app.casework.operations import engine_refusals
from app.casework.unit import CaseRef, CaseUnit
from app.engine import CaseRun, clock
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.people import workload
from app.routing.lanes import lane_role, team_kinds_for
from app.routing.models import Team
from app.tasks import forms
from app.tasks.service import load_item, not_open_message
from app.versions.service import bundle_for

# --- the checks ------------------------------------------------------------------------------------

def check_assignee(username: str, team_code: str | None, lane: str | None, qualification: str | None = None) -> None:
    """The person must be active, in the step's team (supervisors oversee every team) and hold the
    lane's role where the step is reserved to it (a court's decision goes to a judge, nobody else)."""
    user = db.session.execute(select(User).where(User.username == username, User.active.is_(True))).scalar_one_or_none()
    if user is None:
        raise Invalid(f"no active user {username}", {"username": ["no such user"]})
    assignee = principal_for(user.id)
    if assignee is None or not policy.can_work_on(assignee, team_code):
        raise Invalid(f"{username} is not in team {team_code}; reassign the item to their team first",
                      {"username": ["not a member of the item's team"]})
    if not policy.holds(assignee, qualification):
        raise Invalid(f"{username} does not hold the {qualification} qualification this step needs",
                      {"username": [f"this step needs the {qualification} qualification"]})
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


def escalation_query() -> Any:
    """Escalation work items with the step each escalates (the desk's rows)."""
    step = aliased(items_t, name="step")
    step_team = aliased(teams_t, name="step_team")
    esc_team = aliased(teams_t, name="esc_team")
    return step, select(
        items_t, esc_team.c.name.label("team_name"),
        step.c.id.label("step_id"), step.c.task_id.label("step_task_id"),
        step.c.element_id.label("step_element_id"), step.c.name.label("step_name"), step.c.lane.label("step_lane"),
        step.c.team_code.label("step_team_code"), step_team.c.name.label("step_team_name"),
        step_team.c.kind.label("step_team_kind"),
        step.c.assignee.label("step_assignee"), step.c.state.label("step_state"), step.c.due_at.label("step_due_at"),
        step.c.qualification.label("step_qualification"),
        cases_t.c.status.label("case_status"), cases_t.c.township_code, cases_t.c.category,
    ).select_from(
        items_t.join(cases_t, cases_t.c.id == items_t.c.case_id)
        .outerjoin(esc_team, esc_team.c.code == items_t.c.team_code)
        .outerjoin(step, step.c.id == items_t.c.escalated_item_id)
        .outerjoin(step_team, step_team.c.code == step.c.team_code)
    )


def load_escalation(escalation_id: int) -> Any:
    _step, query = escalation_query()
    row = db.session.execute(
        query.add_columns(cases_t.c.lock_version, cases_t.c.workflow_state, cases_t.c.process_version)
        .where(items_t.c.id == escalation_id, items_t.c.origin_timer.is_not(None))
    ).first()
    if row is None:
        raise NotFound(f"no escalation {escalation_id}")
    if row.state not in OPEN_STATES:
        raise Conflict(f"this escalation is {row.state} already", code="not_open")
    return row


# --- the actions on a step -----------------------------------------------------------------------

@dataclass
class Step:
    """The step an action works on, as read: its work item (id None when an escalation's step is gone)."""

    id: int | None
    task_id: str | None
    name: str
    element_id: str | None
    lane: str | None
    team_code: str | None
    team_name: str | None
    assignee: str | None
    state: str | None
    due_at: datetime | None
    qualification: str | None = None

    @property
    def waiting(self) -> bool:
        return self.id is not None and self.state in OPEN_STATES


items_t = WorkItem.__table__
cases_t = Case.__table__
teams_t = Team.__table__
STALE = "the work item changed meanwhile; reload it"


@dataclass
class Outcome:
    """What an action did: the step's changed fields (for the answer), what the work item's own audit event
    says (its summary's target and its data), and what the desk reports (team, assignee, due_at)."""

    changes: dict[str, Any]
    target: str = ""
    event: dict[str, Any] = field(default_factory=dict)
    desk: dict[str, Any] = field(default_factory=dict)


def _assign(unit: CaseUnit, step: Step, args: dict[str, Any], principal: Principal) -> Outcome:
    username: str = args["username"]
    check_assignee(username, step.team_code, step.lane, step.qualification)
    assert step.id is not None
    unit.change_item("assign", step.id, STALE, assignee=username, claimed_at=unit.now)
    return Outcome({"state": "claimed", "assignee": username, "claimed_at": unit.now}, username,
                   {"assignee": username, "was": step.assignee}, {"assignee": username})


def _reassign(unit: CaseUnit, step: Step, args: dict[str, Any], principal: Principal) -> Outcome:
    """To another team of the lane's kind, and (given a username) to one of its members at once."""
    if not args.get("team") and not args.get("username"):
        raise Invalid("reassign to a team or a person", {"team": ["give team or username"]})
    if not args.get("team"):
        return _assign(unit, step, args, principal)
    assert step.id is not None and step.task_id is not None
    team = check_team(args["team"], step.lane, step.team_code)
    username = args.get("username")
    if username:
        check_assignee(username, team.code, step.lane, step.qualification)
    desk = {"team": team.code, **({"assignee": username} if username else {})}
    if team.code == step.team_code:
        if username:
            outcome = _assign(unit, step, args, principal)
            return Outcome(outcome.changes, outcome.target, outcome.event, desk)
        return Outcome({}, desk=desk)
    with engine_refusals():
        move_team(unit.run, step.task_id, step.team_code, team.code)
    changes: dict[str, Any] = {"team_code": team.code, "team_name": team.name}
    if username:
        unit.change_item("move_to_person", step.id, STALE, team_code=team.code, assignee=username,
                         claimed_at=unit.now)
        changes.update(state="claimed", assignee=username, claimed_at=unit.now)
    else:
        unit.change_item("move", step.id, STALE, team_code=team.code)
        changes.update(state="open", assignee=None, claimed_at=None)
    event = {"from": step.team_code, "to": team.code, **({"assignee": username} if username else {})}
    return Outcome(changes, team.name, event, desk)


def _extend(unit: CaseUnit, step: Step, args: dict[str, Any], principal: Principal) -> Outcome:
    due_at: datetime = args["due_at"]
    check_later(step.due_at, due_at)
    assert step.id is not None and step.task_id is not None
    with engine_refusals():
        unit.run.extend(step.task_id, due_at)
    unit.change_item("limit", step.id, STALE, due_at=due_at)
    written = present.iso(due_at) or ""
    return Outcome({"due_at": due_at}, written, {"from": present.iso(step.due_at), "to": written},
                   {"due_at": written})


def _take_over(unit: CaseUnit, step: Step, args: dict[str, Any], principal: Principal) -> Outcome:
    if lane_role(step.lane) in policy.RESERVED_LANE_ROLES:
        raise Invalid(f"a step of the lane {step.lane} is decided by the {lane_role(step.lane)}; it cannot be "
                      f"taken over",
                      {"action": ["remind, extend or reassign to another team of the same kind instead"]})
    if not policy.holds(principal, step.qualification):
        raise Invalid(f"this step needs the {step.qualification} qualification, which you do not hold; assign it to "
                      f"a member who does", {"action": ["assign or reassign to a qualified member instead"]})
    assert step.id is not None
    unit.change_item("assign", step.id, STALE, assignee=principal.username, claimed_at=unit.now)
    return Outcome({"state": "claimed", "assignee": principal.username, "claimed_at": unit.now})


def _remind(unit: CaseUnit, step: Step, args: dict[str, Any], principal: Principal) -> Outcome:
    """The reminder stays on the step (its queue card and page) until the step is done."""
    if not step.waiting:
        return Outcome({})  # the step is done: the escalation closes with nothing left to remind
    assert step.id is not None
    reminder = {"note": args.get("note") or "", "by": principal.username, "at": present.iso(unit.now)}
    unit.change_item("remind", step.id, STALE, reminder=reminder)
    return Outcome({"reminder": reminder}, args.get("note") or "", {"note": args.get("note") or ""},
                   {"reminded": True})


Action = Callable[[CaseUnit, Step, dict[str, Any], Principal], Outcome]
ACTIONS: dict[str, Action] = {"assign": _assign, "reassign": _reassign, "extend": _extend,
                              "take_over": _take_over, "remind": _remind}
ACTION_NAMES = {"assign": "指派", "remind": "提醒承办人", "reassign": "改派", "extend": "延期", "take_over": "接手办理"}
ESCALATION_ACTIONS = ("remind", "reassign", "extend", "take_over")
# A work item's own routes: the event each records and how its summary joins the step and the target.
ITEM_EVENTS = {"assign": ("task.assigned", "→"), "reassign": ("task.reassigned", "→"),
               "extend": ("task.extended", "至"), "remind": ("task.reminded", "：")}


def act_on_item(principal: Principal, item_id: int, action: str, args: dict[str, Any]) -> dict[str, Any]:
    """A supervisor's action through the work item's own route; answers the item as it is now."""
    row = load_item(principal, item_id, with_case=True)  # 404 first: invisible items stay invisible
    if not policy.can_supervise(principal):
        raise Forbidden("only a supervisor can do this")
    if row.state not in OPEN_STATES:
        raise Conflict(not_open_message(row), code="not_open")
    step = Step(row.id, row.task_id, row.name, row.element_id, row.lane, row.team_code, row.team_name,
                row.assignee, row.state, row.due_at, row.qualification)
    unit = CaseUnit(CaseRef.of_item(row))
    outcome = ACTIONS[action](unit, step, args, principal)
    if not outcome.changes:
        return present.work_item(row)  # already so: nothing to record
    kind, joined_by = ITEM_EVENTS[action]
    # The summary is a line of the timeline (512 characters at most); a long note stays whole in the data.
    target = outcome.target if len(outcome.target) <= 80 else outcome.target[:79] + "…"
    unit.record(kind, f"督办{ACTION_NAMES[action]}：{row.name} {joined_by} {target}",
                {"work_item": item_id, "element_id": row.element_id, **outcome.event}, principal.username)
    unit.save()
    return present.work_item(SimpleNamespace(**{**row._mapping, **outcome.changes}))


def act_on_escalation(principal: Principal, escalation: Any, action: str, args: dict[str, Any]) -> dict[str, Any]:
    """Close an escalation with a supervisor's action, applied to the step it escalates."""
    step = Step(escalation.step_id, escalation.step_task_id, escalation.step_name or escalation.name,
                escalation.step_element_id, escalation.step_lane, escalation.step_team_code,
                escalation.step_team_name, escalation.step_assignee, escalation.step_state, escalation.step_due_at,
                escalation.step_qualification)
    if action != "remind" and not step.waiting:
        raise Conflict("the escalated step is not waiting any more; close the escalation with 'remind'",
                       code="step_closed")
    note = args.get("note") or ""
    unit = CaseUnit(CaseRef.of_item(escalation))
    detail = {"note": note, **ACTIONS[action](unit, step, args, principal).desk}
    form = bundle_for(escalation.process_version).form(escalation.form_file) or {}
    with engine_refusals():
        unit.run.complete(escalation.task_id, forms.prepare(form, {"action": action, "note": note}))
    unit.change_item("complete", escalation.id, "this escalation was closed meanwhile; reload the desk",
                     finishes=escalation.task_id, assignee=principal.username, completed_at=unit.now,
                     completed_by=principal.username, result_data={"action": action, **detail},
                     milestone_value=None)
    unit.record(f"escalation.{action}", f"督办{ACTION_NAMES[action]}：{step.name}",
                {"escalation": escalation.id, "work_item": step.id, "element_id": step.element_id, **detail},
                principal.username)
    unit.save()
    return {"escalation": escalation.id, "action": action, "case_no": escalation.case_no, "step": step.id, **detail}


# --- what the pages offer --------------------------------------------------------------------------

def pickers(lane: str | None, team_code: str | None, qualification: str | None = None) -> dict[str, Any]:
    """The assign and reassign choices for a step: the teams of the kind its lane needs, each with its
    active members who may decide the step (holding its qualification, if it needs one), with what each holds
    now (names, not usernames, on the page)."""
    current = db.session.get(Team, team_code) if team_code else None
    kinds = team_kinds_for(lane, current.kind if current is not None else None)
    teams = db.session.execute(select(Team.code, Team.name).where(Team.kind.in_(kinds), Team.active.is_(True))
                               .order_by(Team.kind, Team.code)).all()
    codes = [t.code for t in teams]
    members: dict[str, list[tuple[str, str, workload.Load]]] = {}
    role = lane_role(lane)
    query = select(Membership.team_code, User.username, User.display_name, User.roles) \
        .join(User, User.id == Membership.user_id) \
        .where(Membership.team_code.in_(codes), User.active.is_(True)).order_by(User.display_name)
    if qualification is not None:
        query = query.where(User.id.in_(select(Qualification.user_id).where(Qualification.code == qualification)))
    found = db.session.execute(query).all()
    loads = workload.by_member(usernames=sorted({r.username for r in found}))
    for code, username, name, roles in found:
        held = set((roles or "").split(","))
        if role in policy.RESERVED_LANE_ROLES and role not in held and "admin" not in held:
            continue  # a court's step goes to a judge of the court, nobody else
        members.setdefault(code, []).append((username, name, loads.get(username, workload.Load())))
    return {"teams": [{"code": t.code, "name": t.name, "members": members.get(t.code, [])} for t in teams],
            "current": team_code}
