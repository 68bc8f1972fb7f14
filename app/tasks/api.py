from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, fields, validate

from app.apidoc import READ_ONE, WRITE, OpenSchema, operation
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases.schemas import (
    CompletedItemSchema,
    TaskDetailSchema,
    WorkItemPageSchema,
    WorkItemReadSchema,
)
from app.casework.models import STATES
from app.database import one_statement_writer
from app.extensions import db
from app.fields import Moment, Str
from app.http import MAX_PAGE, deferred, json_body, load, page_of, query
from app.tasks import completion, pass_on, service, supervision

blp = Blueprint("api_tasks", __name__, url_prefix="/api/v1", description="Work items (待办)")


class TaskFilterSchema(OpenSchema):
    class Meta:
        unknown = EXCLUDE

    scope = Str(load_default="all", validate=validate.OneOf(("mine", "team", "all")))
    state = Str(validate=validate.OneOf(STATES))
    case_no = Str(validate=validate.Length(max=32))
    overdue = fields.Boolean()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


@blp.route("/tasks")
class Tasks(MethodView):
    @operation(blp, ok={200: WorkItemPageSchema}, errors=(*READ_ONE, 400, 422), query=TaskFilterSchema,
               summary="Work items visible to the caller, most urgent first")
    @permissions.api(policy.sees_cases)
    def get(self) -> Any:
        principal = caller()
        args = query(TaskFilterSchema())
        items, total = service.list_items(principal, args)
        return page_of(items, total, args["page"], args["per_page"])


@blp.route("/tasks/<id:item_id>")
class Task(MethodView):
    @operation(blp, ok={200: TaskDetailSchema}, errors=(*READ_ONE, 400),
               summary="A work item with its form (JSON Schema) and the data the form starts from")
    @permissions.api(policy.sees_cases)
    def get(self, item_id: int) -> Any:
        return service.get_item(caller(), item_id)


@blp.route("/tasks/<id:item_id>/claim")
class Claim(MethodView):
    @operation(blp, ok={200: WorkItemReadSchema}, errors=WRITE, summary="Take the work item")
    @permissions.api(policy.works_on_steps, conceal=service.conceal_item)
    def post(self, item_id: int) -> Any:
        out = service.claim(caller(), item_id)
        db.session.commit()
        return out


@blp.route("/tasks/<id:item_id>/release")
class Release(MethodView):
    @operation(blp, ok={200: WorkItemReadSchema}, errors=WRITE, summary="Give the work item back to the team queue")
    @permissions.api(policy.works_on_steps, conceal=service.conceal_item)
    def post(self, item_id: int) -> Any:
        out = service.release(caller(), item_id)
        db.session.commit()
        return out


class AssignSchema(OpenSchema):
    username = Str(required=True, validate=validate.Length(min=1, max=64))


class ReassignSchema(OpenSchema):
    team = Str(required=True, validate=validate.Length(min=1, max=64))


class ExtendSchema(OpenSchema):
    due_at = Moment(required=True)


class RemindSchema(OpenSchema):
    note = Str(required=True, validate=validate.Length(min=1, max=2000))


class PassOnSchema(OpenSchema):
    team = Str(required=True, validate=validate.Length(min=1, max=64),
               metadata={"description": "a unit of the same centre, one of GET /tasks/{id}'s pass_on_to"})
    note = Str(validate=validate.Length(max=2000))


class CompleteSchema(OpenSchema):
    data = fields.Dict(required=True, metadata={"description": "the form's fields (see GET /tasks/{id})"})


@blp.route("/tasks/<id:item_id>/assign")
class Assign(MethodView):
    @operation(blp, ok={200: WorkItemReadSchema}, errors=WRITE, body=AssignSchema,
               summary="Supervisor: hand the work item to a member of its team")
    @permissions.api(policy.can_supervise, conceal=service.conceal_item)
    def post(self, item_id: int) -> Any:
        args = load(AssignSchema(unknown=EXCLUDE), json_body())
        out = supervision.act_on_item(caller(), item_id, "assign", args)
        db.session.commit()
        return out


@blp.route("/tasks/<id:item_id>/reassign")
class Reassign(MethodView):
    @operation(blp, ok={200: WorkItemReadSchema}, errors=WRITE, body=ReassignSchema,
               summary="Supervisor: move the work item to another team of the kind its lane needs")
    @permissions.api(policy.can_supervise, conceal=service.conceal_item)
    def post(self, item_id: int) -> Any:
        args = load(ReassignSchema(unknown=EXCLUDE), json_body())
        out = supervision.act_on_item(caller(), item_id, "reassign", args)
        db.session.commit()
        return out


@blp.route("/tasks/<id:item_id>/extend")
class Extend(MethodView):
    @operation(blp, ok={200: WorkItemReadSchema}, errors=WRITE, body=ExtendSchema,
               summary="Supervisor: give the work item a later limit")
    @permissions.api(policy.can_supervise, conceal=service.conceal_item)
    def post(self, item_id: int) -> Any:
        args = load(ExtendSchema(unknown=EXCLUDE), json_body())
        out = supervision.act_on_item(caller(), item_id, "extend", args)
        db.session.commit()
        return out


@blp.route("/tasks/<id:item_id>/remind")
class Remind(MethodView):
    @operation(blp, ok={200: WorkItemReadSchema}, errors=WRITE, body=RemindSchema,
               summary="Supervisor: remind the step's team; the note shows on the step until it is done")
    @permissions.api(policy.can_supervise, conceal=service.conceal_item)
    def post(self, item_id: int) -> Any:
        args = load(RemindSchema(unknown=EXCLUDE), json_body())
        out = supervision.act_on_item(caller(), item_id, "remind", args)
        db.session.commit()
        return out


@blp.route("/tasks/<id:item_id>/pass-on")
class PassOn(MethodView):
    @operation(blp, ok={200: WorkItemReadSchema}, errors=WRITE, body=PassOnSchema,
               summary="A centre's team: pass the step to one of the centre's units (the Puyuan market centre's "
                       "market regulation or emergency management), or a unit back")
    @permissions.api(policy.works_on_steps, conceal=service.conceal_item)
    def post(self, item_id: int) -> Any:
        args = load(PassOnSchema(unknown=EXCLUDE), json_body())
        out = pass_on.pass_on(caller(), item_id, args["team"], args.get("note") or "")
        db.session.commit()
        return out


@blp.route("/tasks/<id:item_id>/complete")
class Complete(MethodView):
    @operation(blp, ok={200: CompletedItemSchema}, errors=WRITE, body=CompleteSchema,
               summary="Complete the step with its form's data (validated against the step's JSON Schema)")
    @permissions.api(policy.works_on_steps, conceal=service.conceal_item)
    def post(self, item_id: int) -> Any:
        out = completion.complete(caller(), item_id, deferred(json_body))
        db.session.commit()
        return out


# Their writes are one statement on PostgreSQL (the unit of work's save; app/database.py says why that matters).
for _view in ("Claim", "Release", "Complete"):
    one_statement_writer(f"{blp.name}.{_view}")
