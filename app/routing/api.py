from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, validate

from app.auth.request import require_staff
from app.cases.schemas import Str
from app.http import query
from app.routing.models import TEAM_KINDS
from app.routing.service import list_teams

blp = Blueprint("api_teams", __name__, url_prefix="/api/v1", description="Teams")


class TeamFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    kind = Str(validate=validate.OneOf(TEAM_KINDS))
    township = Str()


@blp.route("/teams")
class Teams(MethodView):
    def get(self) -> Any:
        require_staff()
        args = query(TeamFilterSchema())
        items = list_teams(args.get("kind"), args.get("township"))
        return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}
