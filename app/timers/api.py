from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from app.auth.request import require_staff
from app.cases.schemas import SHANGHAI, PageArgsSchema, Str
from app.errors import Invalid, NotFound
from app.extensions import db
from app.http import json_body, load, query
from app.timers import desk

blp = Blueprint("api_escalations", __name__, url_prefix="/api/v1", description="The supervisor's desk (督办)")


class ActionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    note = Str(validate=validate.Length(max=2000), load_default="")
    team = Str(validate=validate.Length(max=64))
    username = Str(validate=validate.Length(max=64))
    due_at = fields.AwareDateTime(default_timezone=SHANGHAI)


@blp.route("/escalations")
class Escalations(MethodView):
    def get(self) -> Any:
        principal = require_staff()
        args = query(PageArgsSchema())
        return desk.list_escalations(principal, args["page"], args["per_page"])


@blp.route("/escalations/<int:escalation_id>/<string:action>")
class EscalationAction(MethodView):
    def post(self, escalation_id: int, action: str) -> Any:
        principal = require_staff()
        if action not in desk.ACTIONS:
            raise NotFound(f"no action {action}; actions are {', '.join(desk.ACTIONS)}")
        args = load(ActionSchema(), json_body() if request.get_data(cache=True).strip() else {})
        if action == "extend" and "due_at" not in args:
            raise Invalid("extending needs the new limit", {"due_at": ["required"]})
        out = desk.act(principal, escalation_id, action, args)
        db.session.commit()
        return out

