from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, fields, validate

from app.apidoc import READ_ONE, WRITE, OpenSchema, operation
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases.schemas import CodeNameSchema, PageArgsSchema, PageSchema, WorkItemReadSchema
from app.errors import Invalid
from app.extensions import db
from app.fields import LocalTime, Moment, Str
from app.http import json_body, load, query
from app.timers import desk

blp = Blueprint("api_escalations", __name__, url_prefix="/api/v1", description="The supervisor's desk (督办)")


class ActionSchema(OpenSchema):
    class Meta:
        unknown = EXCLUDE

    note = Str(validate=validate.Length(max=2000), load_default="")
    team = Str(validate=validate.Length(max=64))
    username = Str(validate=validate.Length(max=64))
    due_at = Moment()


class StepSchema(OpenSchema):
    id = fields.Integer(required=True)
    element_id = fields.String(required=True)
    name = fields.String(allow_none=True)
    lane = fields.String(allow_none=True)
    team_kinds = fields.List(fields.String(), required=True)
    team = fields.Nested(CodeNameSchema, allow_none=True)
    assignee = fields.String(allow_none=True)
    state = fields.String(required=True)
    due_at = LocalTime(allow_none=True)
    qualification = fields.String(allow_none=True, metadata={"description": "the qualification the step needs"})


class EscalationSchema(WorkItemReadSchema):
    kind = fields.String(required=True)
    timer = fields.String(allow_none=True)
    township = fields.Dict(allow_none=True)
    category = fields.String(allow_none=True)
    step = fields.Nested(StepSchema, allow_none=True)
    late_seconds = fields.Integer(required=True)
    late = fields.String(required=True)


class TimerErrorSchema(OpenSchema):
    kind = fields.String(required=True)
    case_no = fields.String(required=True)
    case_status = fields.String(required=True)
    element_id = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    at = LocalTime(allow_none=True)
    late_seconds = fields.Integer(required=True)
    late = fields.String(required=True)


class EscalationPageSchema(PageSchema):
    items = fields.List(fields.Nested(EscalationSchema), required=True)
    errors = fields.List(fields.Nested(TimerErrorSchema), required=True)
    reviews = fields.List(fields.Nested(WorkItemReadSchema), metadata={
        "description": "steps the diagram hands to supervisors without a timer (e.g. a second unsatisfied callback)"})


class ActionResultSchema(OpenSchema):
    escalation = fields.Integer(required=True)
    action = fields.String(required=True)
    case_no = fields.String(required=True)
    step = fields.Integer(allow_none=True)
    note = fields.String()
    team = fields.String()
    assignee = fields.String()
    due_at = fields.String()
    reminded = fields.Boolean(metadata={"description": "remind: the reminder now shows on the step"})


@blp.route("/escalations")
class Escalations(MethodView):
    @operation(blp, ok={200: EscalationPageSchema}, errors=(*READ_ONE, 400, 422), query=PageArgsSchema,
               summary="Supervisor: open escalations, most overdue first, and cases whose timers failed")
    @permissions.api(policy.can_supervise)
    def get(self) -> Any:
        principal = caller()
        args = query(PageArgsSchema())
        return desk.list_escalations(principal, args["page"], args["per_page"])


@blp.route(f"/escalations/<id:escalation_id>/<any({', '.join(desk.ACTIONS)}):action>")
class EscalationAction(MethodView):
    @operation(blp, ok={200: ActionResultSchema}, errors=WRITE, body=ActionSchema, body_required=False,
               summary="Supervisor: close an escalation with remind, reassign, extend or take_over")
    @permissions.api(policy.can_supervise)
    def post(self, escalation_id: int, action: str) -> Any:
        principal = caller()  # an action not in desk.ACTIONS matches no route (404)
        args = load(ActionSchema(), json_body() if request.get_data(cache=True) else {})
        if action == "extend" and "due_at" not in args:
            raise Invalid("extending needs the new limit", {"due_at": ["required"]})
        out = desk.act(principal, escalation_id, action, args)
        db.session.commit()
        return out

