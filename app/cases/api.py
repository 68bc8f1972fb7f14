from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, validate

from app.apidoc import COMMON, READ_ONE, WRITE, OpenSchema, operation
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases import service
from app.cases.schemas import (
    CaseCreateSchema,
    CaseFilterSchema,
    CasePageSchema,
    CaseReadSchema,
    DiagramSchema,
    EventPageSchema,
    PageArgsSchema,
)
from app.extensions import db
from app.fields import Str, Trimmed
from app.http import json_body, load, page_of, query

blp = Blueprint("api_cases", __name__, url_prefix="/api/v1", description="Cases (诉求)")

_create_schema = CaseCreateSchema()


@blp.route("/cases")
class Cases(MethodView):
    @operation(blp, ok={201: CaseReadSchema, 200: CaseReadSchema}, errors=(*COMMON, 400, 413, 422, 503),
               body=CaseCreateSchema, summary="Open a case (idempotent on channel + external_ref)")
    @permissions.api(policy.can_open_case)
    def post(self) -> Any:
        principal = caller()
        payload = json_body()
        data = load(_create_schema, payload)
        ignored = sorted(k for k in payload if k not in _create_schema.fields)
        case_no, created = service.open_case(principal, data, ignored)
        body = service.intake_answer(principal, case_no)  # read in the same transaction: no second one
        db.session.commit()
        return body, (201 if created else 200), {"Location": url_for("api_cases.Case", case_no=case_no)}

    @operation(blp, ok={200: CasePageSchema}, errors=(*COMMON, 400, 422), query=CaseFilterSchema,
               summary="Search and list the cases the caller may see, newest first")
    @permissions.api(policy.sees_cases)
    def get(self) -> Any:
        principal = caller()
        args = query(CaseFilterSchema())
        items, total = service.list_cases(principal, args)
        return page_of(items, total, args["page"], args["per_page"])


@blp.route("/cases/<string:case_no>")
class Case(MethodView):
    @operation(blp, ok={200: CaseReadSchema}, errors=(*READ_ONE, 400), summary="One case with its open work items")
    @permissions.api(policy.sees_cases)
    def get(self, case_no: str) -> Any:
        return service.get_case(caller(), case_no)


class LinkSchema(OpenSchema):
    primary = Trimmed(required=True, validate=validate.Length(min=1, max=32),
                      metadata={"description": "the primary case's number; it carries the matter from now on"})
    note = Str(validate=validate.Length(max=2000))


@blp.route("/cases/<string:case_no>/link")
class CaseLink(MethodView):
    @operation(blp, ok={200: CaseReadSchema}, errors=WRITE, body=LinkSchema,
               summary="Dispatcher or supervisor: link a duplicate to its primary case; the duplicate's steps end")
    @permissions.api(policy.can_link_duplicates)
    def post(self, case_no: str) -> Any:
        args = load(LinkSchema(unknown=EXCLUDE), json_body())
        out = service.link_duplicate(caller(), case_no, args["primary"], args.get("note") or "")
        db.session.commit()
        return out


@blp.route("/cases/<string:case_no>/events")
class CaseEvents(MethodView):
    @operation(blp, ok={200: EventPageSchema}, errors=(*READ_ONE, 400, 422), query=PageArgsSchema,
               summary="The case's audit timeline, oldest first")
    @permissions.api(policy.sees_cases)
    def get(self, case_no: str) -> Any:
        principal = caller()
        args = query(PageArgsSchema())
        items, total = service.list_events(principal, case_no, args["page"], args["per_page"])
        return page_of(items, total, args["page"], args["per_page"])


@blp.route("/cases/<string:case_no>/diagram")
class CaseDiagram(MethodView):
    @operation(blp, ok={200: DiagramSchema}, errors=(*READ_ONE, 400),
               summary="The case's BPMN diagram with its active and completed steps")
    @permissions.api(policy.sees_cases)
    def get(self, case_no: str) -> Any:
        return service.diagram(caller(), case_no)
