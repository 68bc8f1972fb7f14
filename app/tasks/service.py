"""Work items: team queues, claim and release, and completing a task through the engine."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, bindparam, func, select

from app.auth import policy
from app.auth.principal import Principal
from app.auth.service import credential
from app.cases import identification, present
from app.casework import operations
from app.casework.models import OPEN_STATES, Case, WorkItem, is_open
from app.casework.unit import CaseRef, CaseUnit
from app.database import execute
from app.engine import clock
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.http import Deferred
from app.routing.lanes import lane_role
from app.routing.models import Team
from app.routing.teams import pass_on_targets
from app.tasks import forms
from app.versions.service import bundle_for

items_t = WorkItem.__table__
cases_t = Case.__table__
teams_t = Team.__table__


def _visible(principal: Principal) -> Any:
    if policy.sees_all_work_items(principal):
        return True
    return items_t.c.team_code.in_(list(principal.teams))


def _item_query() -> Any:
    return select(items_t, teams_t.c.name.label("team_name")).select_from(
        items_t.outerjoin(teams_t, teams_t.c.code == items_t.c.team_code))


def list_items(principal: Principal, args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    now = clock.now()
    conditions: list[Any] = [_visible(principal)]
    scope = args.get("scope", "all")
    if scope == "mine":
        conditions.append(items_t.c.assignee == principal.username)
    elif scope == "team":
        conditions.append(items_t.c.team_code.in_(list(principal.teams)))
    state = args.get("state")
    conditions.append(items_t.c.state == state if state else is_open())
    if args.get("case_no"):
        conditions.append(items_t.c.case_no == args["case_no"])
    if args.get("overdue") is True:
        conditions += [items_t.c.due_at < now, items_t.c.state.in_(OPEN_STATES)]
    elif args.get("overdue") is False:
        conditions.append(~and_(items_t.c.due_at < now, items_t.c.state.in_(OPEN_STATES)))
    total = db.session.execute(select(func.count()).select_from(items_t).where(*conditions)).scalar_one()
    page, per_page = args["page"], args["per_page"]
    rows = db.session.execute(
        _item_query().where(*conditions)
        .order_by(items_t.c.due_at, items_t.c.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return [present.work_item(r, now) for r in rows], total


def _item_statement(with_case: bool) -> Any:
    columns = [items_t, teams_t.c.name.label("team_name")]
    source = items_t.outerjoin(teams_t, teams_t.c.code == items_t.c.team_code)
    if with_case:
        columns += [cases_t.c.status.label("case_status"), cases_t.c.lock_version, cases_t.c.workflow_state,
                    cases_t.c.process_version, cases_t.c.suggestion]
        source = source.join(cases_t, cases_t.c.id == items_t.c.case_id)
    return select(*columns).select_from(source).where(items_t.c.id == bindparam("b_item"))


# Built once: the task page and every completion read an item this way.
_ITEM = {False: _item_statement(False), True: _item_statement(True)}


def load_item(principal: Principal, item_id: int, *, with_case: bool = False) -> Any:
    row = execute(_ITEM[with_case], {"b_item": item_id}).first()
    # Another team's item is indistinguishable from a missing one, whatever the request carried.
    if row is None or not policy.can_work_on(principal, row.team_code):
        raise NotFound(f"no work item {item_id}")
    return row


def conceal_item(principal: Principal, item_id: int, **_: Any) -> None:
    """404 for a work item the principal may not see (the routes' refusals say no more than that)."""
    load_item(principal, item_id)


def check_decides(principal: Principal, row: Any) -> None:
    if not policy.holds(principal, row.qualification):
        raise Forbidden(f"this step ({row.name}) is for holders of the {row.qualification} qualification only",
                        code="qualification_required")
    if not policy.can_decide(principal, lane_role(row.lane), row.team_code):
        raise Forbidden(f"this step ({row.name}) is decided by the {lane_role(row.lane)} role only")


def get_item(principal: Principal, item_id: int) -> dict[str, Any]:
    row = load_item(principal, item_id, with_case=True)
    bundle = bundle_for(row.process_version)
    schema = bundle.form(row.form_file) or {"type": "object", "properties": {}}
    ui_schema = bundle.form(row.ui_file) or {}
    out = present.work_item(row)
    data: dict[str, Any] = row.form_data or {}
    prefilled: list[str] = []
    if row.state in OPEN_STATES and (getattr(row, "round", None) or 1) == 1:
        data, prefilled = identification.prefill(schema, data, row.suggestion)
    out.update(case_status=row.case_status, process_version=row.process_version,
               form={"schema": forms.with_examples(schema), "ui_schema": ui_schema},
               data=data, prefilled=prefilled, result=row.result_data,
               pass_on_to=[{"code": c, "name": n} for c, n in pass_on_targets(row.team_code)]
               if row.state in OPEN_STATES and row.team_code in principal.teams else [])
    return out


def claim(principal: Principal, item_id: int) -> dict[str, Any]:
    row = load_item(principal, item_id)
    check_decides(principal, row)
    if row.state == "claimed" and row.assignee == principal.username:
        return present.work_item(row)
    operations.claim(CaseUnit(CaseRef.of_item(row)), row, principal.username, not_open_message(row))
    return present.work_item(load_item(principal, item_id))


def release(principal: Principal, item_id: int) -> dict[str, Any]:
    row = load_item(principal, item_id)
    if row.state == "open":
        return present.work_item(row)
    if row.state != "claimed":
        raise Conflict(not_open_message(row), code="not_open")
    if row.assignee != principal.username and not policy.can_supervise(principal):
        raise Conflict(f"claimed by {row.assignee}; only they or a supervisor can release it", code="claimed")
    operations.release(CaseUnit(CaseRef.of_item(row)), row, principal.username)
    return present.work_item(load_item(principal, item_id))


def not_open_message(row: Any) -> str:
    if row.state == "claimed":
        return f"already claimed by {row.assignee}"
    return f"this work item is {row.state}; nothing left to do here"


def form_data(row: Any, given: dict[str, Any], schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """The step's form data as its schema takes it (names of townships and categories as codes), or 422 with
    each field's problems. ``schema``: the step's form, when the caller has read it already."""
    schema = schema or bundle_for(row.process_version).form(row.form_file) or {"type": "object"}
    data = forms.prepare(schema, given)
    problems = forms.errors(forms.validator_for(row.process_version, row.form_file or "", schema), data)
    if problems:
        summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(problems.items()))
        raise Invalid(f"the form is not complete or not valid: {summary}", problems)
    return data


def complete(principal: Principal, item_id: int, request_body: Deferred, row: Any = None) -> dict[str, Any]:
    """``row``: the item as load_item(with_case=True) read it, when the caller has it already."""
    row = row if row is not None else load_item(principal, item_id, with_case=True)
    check_decides(principal, row)
    if row.state not in OPEN_STATES:
        raise Conflict(not_open_message(row), code="not_open")
    if row.state == "claimed" and row.assignee != principal.username and not policy.can_supervise(principal):
        raise Conflict(f"claimed by {row.assignee}; ask them or a supervisor to release it", code="claimed")
    body = request_body.get()
    if not isinstance(body, dict) or not isinstance(body.get("data", {}), dict):
        raise Invalid("send {\"data\": {...}} with the form's fields", {"data": ["must be a JSON object"]})

    schema = bundle_for(row.process_version).form(row.form_file) or {"type": "object"}
    data = form_data(row, body.get("data") or {}, schema)
    unit = CaseUnit(CaseRef.of_item(row))
    now = unit.now
    decided = identification.decided(row.suggestion, data, principal.username)
    progress = operations.complete(unit, row, data, principal.username, clears=forms.cleared_when_empty(schema, data),
                                   keeps_case=row.team_code is not None and row.team_code in principal.teams,
                                   qualifications=principal.qualifications,
                                   credential=credential(principal, row.qualification),
                                   case_values={"identification": decided, "identified_at": now} if decided else None)
    done = {**row._mapping, "state": "completed", "assignee": row.assignee or principal.username,
            "completed_at": now, "completed_by": principal.username}
    out = present.work_item(SimpleNamespace(**done), now)
    out["case_status"] = progress.status
    out["next"] = [{"id": r["id"], "element_id": r["element_id"], "name": r["name"], "team": r["team_code"],
                    "due_at": r["due_at"]} for r in progress.new_items]
    return out
