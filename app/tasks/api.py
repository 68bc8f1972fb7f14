from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from app.auth.request import require_staff
from app.cases.schemas import SHANGHAI, Str, WorkItemReadSchema
from app.extensions import db
from app.http import deferred, json_body, load, page_of, query
from app.tasks import service, supervision
from app.tasks.models import STATES

blp = Blueprint("api_tasks", __name__, url_prefix="/api/v1", description="Work items (待办)")


class TaskFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    scope = Str(load_default="all", validate=validate.OneOf(("mine", "team", "all")))
    state = Str(validate=validate.OneOf(STATES))
    case_no = Str(validate=validate.Length(max=32))
    overdue = fields.Boolean()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


@blp.route("/tasks")
class Tasks(MethodView):
    @blp.alt_response(200, schema=WorkItemReadSchema(many=True), description="work items, most urgent first")
    def get(self) -> Any:
        principal = require_staff()
        args = query(TaskFilterSchema())
        items, total = service.list_items(principal, args)
        return page_of(items, total, args["page"], args["per_page"])


@blp.route("/tasks/<int:item_id>")
class Task(MethodView):
    def get(self, item_id: int) -> Any:
        return service.get_item(require_staff(), item_id)


@blp.route("/tasks/<int:item_id>/claim")
class Claim(MethodView):
    def post(self, item_id: int) -> Any:
        out = service.claim(require_staff(), item_id)
        db.session.commit()
        return out


@blp.route("/tasks/<int:item_id>/release")
class Release(MethodView):
    def post(self, item_id: int) -> Any:
        out = service.release(require_staff(), item_id)
        db.session.commit()
        return out


class AssignSchema(Schema):
    username = Str(required=True, validate=validate.Length(min=1, max=64))


class ReassignSchema(Schema):
    team = Str(required=True, validate=validate.Length(min=1, max=64))


class ExtendSchema(Schema):
    due_at = fields.AwareDateTime(required=True, default_timezone=SHANGHAI)


@blp.route("/tasks/<int:item_id>/assign")
class Assign(MethodView):
    def post(self, item_id: int) -> Any:
        principal = require_staff()
        body = deferred(lambda: load(AssignSchema(unknown=EXCLUDE), json_body()))
        out = supervision.assign(principal, item_id, body)
        db.session.commit()
        return out


@blp.route("/tasks/<int:item_id>/reassign")
class Reassign(MethodView):
    def post(self, item_id: int) -> Any:
        principal = require_staff()
        body = deferred(lambda: load(ReassignSchema(unknown=EXCLUDE), json_body()))
        out = supervision.reassign(principal, item_id, body)
        db.session.commit()
        return out


@blp.route("/tasks/<int:item_id>/extend")
class Extend(MethodView):
    def post(self, item_id: int) -> Any:
        principal = require_staff()
        body = deferred(lambda: load(ExtendSchema(unknown=EXCLUDE), json_body()))
        out = supervision.extend(principal, item_id, body)
        db.session.commit()
        return out


@blp.route("/tasks/<int:item_id>/complete")
class Complete(MethodView):
    def post(self, item_id: int) -> Any:
        principal = require_staff()
        out = service.complete(principal, item_id, deferred(json_body))
        db.session.commit()
        return out
