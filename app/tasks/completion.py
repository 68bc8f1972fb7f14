"""Completing a step from its form, whatever the step: an escalation's form is a supervisor's action on the
step it escalates (extend really extends, reassign really moves), not a form that closes and changes nothing."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app import moments
from app.auth import policy
from app.auth.principal import Principal
from app.cases import present
from app.casework.models import OPEN_STATES
from app.errors import Forbidden, Invalid
from app.extensions import db
from app.http import Deferred
from app.routing.models import Team
from app.tasks import service, supervision


def complete(principal: Principal, item_id: int, request_body: Deferred) -> dict[str, Any]:
    row = service.load_item(principal, item_id, with_case=True)
    if row.origin_timer is None or row.escalated_item_id is None:
        return service.complete(principal, item_id, request_body, row)
    body = request_body.get()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or data.get("action") not in supervision.ESCALATION_ACTIONS:
        return service.complete(principal, item_id, request_body, row)  # its own checks say what is wrong
    data = service.form_data(row, data)  # the escalation's own form: extend needs due_at, reassign reassign_to
    if not policy.can_supervise(principal):
        raise Forbidden("only a supervisor can close an escalation")
    escalation = supervision.load_escalation(item_id)
    if escalation.step_id is None or escalation.step_state not in OPEN_STATES:
        # The escalated step is gone (a court's review period ran out): the form closes the escalation.
        return service.complete(principal, item_id, request_body, row)
    action = data["action"]
    result = supervision.act_on_escalation(principal, escalation, action, _action_args(action, data))
    out = present.work_item(service.load_item(principal, item_id))
    out.update(case_status=row.case_status, next=[], supervision=result)
    return out


def _action_args(action: str, data: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {"note": data.get("note") or ""}
    if action == "extend":
        when = moments.parse_local(str(data.get("due_at", "")))
        if when is None:
            raise Invalid("extending needs the new limit", {"due_at": ["required"]})
        args["due_at"] = when
    if action == "reassign":
        target = str(data.get("reassign_to", "")).strip()
        is_team = db.session.execute(select(Team.code).where(Team.code == target)).first() is not None
        args["team" if is_team else "username"] = target
    return args
