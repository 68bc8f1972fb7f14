"""POST/GET /api/v1/cases/{case_no}/experts and POST /api/v1/cases/{case_no}/advice: remote experts."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.apidoc import READ_ONE, WRITE, OpenSchema, operation
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases import experts, service
from app.extensions import db
from app.fields import LocalTime, Str
from app.http import json_body, load

blp = Blueprint("api_experts", __name__, url_prefix="/api/v1", description="Remote experts (专家团一键连线)")


class InviteSchema(OpenSchema):
    username = Str(required=True, validate=validate.Length(min=1, max=64))
    field = Str(required=True, validate=validate.OneOf(list(experts.FIELDS)))
    video_url = Str(allow_none=True, validate=validate.Length(max=2048))


class AdviceSchema(OpenSchema):
    advice = Str(required=True, validate=validate.Length(min=1, max=5000))


class ExpertSchema(OpenSchema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    field = fields.String(required=True)
    video_url = fields.String(allow_none=True)
    invited_by = fields.String(required=True)
    invited_at = LocalTime(required=True)
    advice = fields.String(allow_none=True)
    advised_at = LocalTime(allow_none=True)


class ExpertListSchema(OpenSchema):
    items = fields.List(fields.Nested(ExpertSchema), required=True)


def _out(row: Any) -> dict[str, Any]:
    data = dict(row) if isinstance(row, dict) else dict(row._mapping)
    return {k: data.get(k) for k in ExpertSchema().fields}


@blp.route("/cases/<case_no>/experts")
class CaseExperts(MethodView):
    @operation(blp, ok={200: ExpertListSchema}, errors=READ_ONE, summary="The experts invited to the case")
    @permissions.api(policy.sees_cases)
    def get(self, case_no: str) -> Any:
        case = service.visible_case(caller(), case_no)
        return {"items": [_out(r) for r in experts.of_case(case.id)]}

    @operation(blp, ok={201: ExpertSchema}, errors=WRITE, body=InviteSchema,
               summary="Invite an expert (lawyer, labour, psychologist) to the case, with the video call's link")
    @permissions.api(policy.can_invite_experts)
    def post(self, case_no: str) -> Any:
        args = load(InviteSchema(), json_body())
        out = experts.invite(caller(), case_no, args["username"], args["field"], args.get("video_url"),
                             service.visible_case)
        db.session.commit()
        return _out(out), 201


@blp.route("/cases/<case_no>/advice")
class CaseAdvice(MethodView):
    @operation(blp, ok={200: ExpertSchema}, errors=WRITE, body=AdviceSchema,
               summary="An invited expert records their advice on the case")
    @permissions.api(policy.gives_advice)
    def post(self, case_no: str) -> Any:
        args = load(AdviceSchema(), json_body())
        out = experts.advise(caller(), case_no, args["advice"], service.visible_case)
        db.session.commit()
        return _out(out)
