from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, fields, validate

from app.apidoc import READ_ONE, OpenSchema, operation
from app.auth import permissions, policy
from app.cases.schemas import PageSchema
from app.fields import Str
from app.http import query
from app.routing.models import TEAM_KINDS
from app.routing.service import list_teams

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
