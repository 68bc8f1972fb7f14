"""GET /api/v1/public/cases/{case_no}?phone_last4=: a reporter's view of their case, for anyone holding the
pair (citizen apps, the government app, the tracking link in a notification)."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.apidoc import operation
from app.auth import permissions
from app.errors import ApiError
from app.http import query
from app.public import limits, service
from app.public.schemas import LookupArgsSchema, PublicCaseSchema

blp = Blueprint("api_public", __name__, url_prefix="/api/v1", description="Citizens (群众查询)")

WRONG_PAIR = "no case with this number was reported from a phone ending in these digits"


@blp.route("/public/cases/<case_no>")
class PublicCase(MethodView):
    @blp.doc(security=[])
    @operation(blp, ok={200: PublicCaseSchema}, errors=(404, 422, 429), query=LookupArgsSchema,
               summary="Anyone: a reporter's view of their case, by its number and the last four digits of the "
                       "phone it was reported from (wrong pairs are 404 and throttled per address)")
    @permissions.public
    @limits.throttled(["GET"])
    def get(self, case_no: str) -> Any:
        args = query(LookupArgsSchema())
        row = service.find(case_no, args["phone_last4"])
        if row is None:
            raise ApiError(404, WRONG_PAIR, code="not_found")
        return service.citizen_view(row), 200, {"Cache-Control": "no-store"}
