from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, RAISE, fields, validate

from app.apidoc import READ_ONE, WRITE, OpenSchema, operation
from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases.schemas import PageSchema
from app.extensions import db
from app.fields import Str, StrictBoolean, Trimmed
from app.http import json_body, load, query
from app.routing.models import TEAM_KINDS
from app.routing.service import TEAM_CODE, create_team, list_teams, update_team

blp = Blueprint("api_teams", __name__, url_prefix="/api/v1", description="Teams")


class TeamFilterSchema(OpenSchema):
    class Meta:
        unknown = EXCLUDE

    kind = Str(validate=validate.OneOf(TEAM_KINDS))
    township = Str()


class TeamSchema(OpenSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    township = fields.Dict(allow_none=True)
    county = fields.String(allow_none=True)
    unit_of = fields.String(allow_none=True, metadata={
        "description": "for a unit of a specialised centre (Puyuan's market regulation), the centre's team"})
    active = fields.Boolean()


class TeamCreateSchema(OpenSchema):
    class Meta:
        unknown = RAISE

    code = Trimmed(required=True, validate=validate.Regexp(TEAM_CODE.pattern, error="lower-case letters, digits "
                                                                                      "and '-', 2–64 characters"))
    name = Trimmed(required=True, validate=validate.Length(min=1, max=128))
    kind = Str(required=True, validate=validate.OneOf(TEAM_KINDS))
    township = Trimmed(allow_none=True, validate=validate.Length(max=64),
                       metadata={"description": "the township's code (required for a township team)"})


class TeamChangeSchema(OpenSchema):
    class Meta:
        unknown = RAISE

    name = Trimmed(validate=validate.Length(min=1, max=128))
    active = StrictBoolean(metadata={"description": "false closes the team (refused while it has open steps)"})


class TeamPageSchema(PageSchema):
    items = fields.List(fields.Nested(TeamSchema), required=True)


@blp.route("/teams")
class Teams(MethodView):
    @operation(blp, ok={200: TeamPageSchema}, errors=(*READ_ONE, 400, 422), query=TeamFilterSchema,
               summary="Teams, with their kind and township")
    @permissions.api(policy.sees_cases)
    def get(self) -> Any:
        args = query(TeamFilterSchema())
        items = list_teams(args.get("kind"), args.get("township"))
        return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}

    @operation(blp, ok={201: TeamSchema}, errors=WRITE, body=TeamCreateSchema,
               summary="Create a team (a department, a new service team)")
    @permissions.api(policy.administers_people)
    def post(self) -> Any:
        data = load(TeamCreateSchema(), json_body())
        team = create_team(caller().username, data["code"], data["name"], data["kind"], data.get("township"))
        db.session.commit()
        return team, 201


@blp.route("/teams/<string:code>")
class OneTeam(MethodView):
    @operation(blp, ok={200: TeamSchema}, errors=WRITE, body=TeamChangeSchema,
               summary="Rename a team, or close it (deactivated teams are no longer offered anywhere)")
    @permissions.api(policy.administers_people)
    def patch(self, code: str) -> Any:
        data = load(TeamChangeSchema(), json_body())
        team = update_team(caller().username, code, data.get("name"), data.get("active"))
        db.session.commit()
        return team
