from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.apidoc import COMMON, operation
from app.auth import permissions, policy
from app.http import json_body, load
from app.routing.suggestions.schemas import SuggestionAskSchema, SuggestionSchema
from app.routing.suggestions.suggest import suggest

blp = Blueprint("api_suggestions", __name__, url_prefix="/api/v1", description="Identification (识别)")

_ask = SuggestionAskSchema()


@blp.route("/suggestions")
class Suggestions(MethodView):
    @operation(blp, ok={200: SuggestionSchema}, errors=(*COMMON, 400, 413, 422), body=SuggestionAskSchema,
               summary="Suggest police or not, the category and the township of a report; writes nothing")
    @permissions.api(policy.can_ask_suggestions)
    def post(self) -> Any:
        data = load(_ask, json_body())
        return suggest(data["text"], data.get("address"))
