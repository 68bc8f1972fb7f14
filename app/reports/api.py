"""GET /api/v1/reports/{daily,weekly,monthly}: the JSON of CONTRACT.md's "Reports", or the same figures as CSV
(one table) or XLSX (every table)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app import moments
from app.apidoc import COMMON, operation
from app.auth import permissions, policy
from app.engine import clock
from app.errors import ApiError, Invalid
from app.http import query
from app.reports import export, service
from app.reports.periods import KINDS, Scope, scope_of
from app.reports.schemas import ReportArgsSchema, ReportSchema

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1", description="Reports (日清、周结、月分析)")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def requested(args: dict[str, Any]) -> tuple[date, Scope]:
    """The day and scope a request names; 422 naming the field when it names an unknown place."""
    day: date = args.get("date") or clock.now().astimezone(moments.SHANGHAI).date()
    if not moments.FIRST_YEAR <= day.year <= moments.LAST_YEAR:
        raise Invalid("the date is out of range", {"date": [moments.OUT_OF_RANGE]})
    scope = scope_of(args.get("township"), args.get("county"))
    if scope is None:
        # A place the service does not know is a report that does not exist (as an unknown case is).
        field = "township" if args.get("township") else "county"
        raise ApiError(404, f"no such {field} in Jiaxing: {args.get(field)}", code="not_found",
                       fields={field: ["not a township or county of Jiaxing (code or name)"]})
    return day, scope


def answer(report: dict[str, Any], fmt: str, table: str | None) -> Any:
    if fmt == "xlsx":
        return Response(export.as_xlsx(report), mimetype=XLSX, headers={
            "Content-Disposition": f"attachment; filename={export.file_name(report, 'xlsx')}"})
    if fmt == "csv":
        name = table or "summary"
        text = export.as_csv(report, name)
        if text is None:
            raise ApiError(404, f"the {report['kind']} report has no table {name}", code="not_found",
                           fields={"table": [f"this report's tables: {', '.join(export.tables(report))}"]})
        return Response(text, mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={export.file_name(report, 'csv', name)}"})
    return report


# The 200 answer's three forms (the doc replaces the content flask-smorest writes, so JSON is named here too).
FILES = {"200": {"content": {"application/json": {"schema": ReportSchema},
                             "text/csv": {"schema": {"type": "string"}},
                             XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


@blp.route(f"/reports/<any({', '.join(KINDS)}):kind>")
class Report(MethodView):
    @blp.doc(responses=FILES)  # format=csv and format=xlsx answer files of the same figures
    @operation(blp, ok={200: ReportSchema}, errors=(*COMMON, 404, 422), query=ReportArgsSchema,
               summary="Supervisor: the daily, weekly or monthly report of the city, a county or a township")
    @permissions.api(policy.can_supervise)
    def get(self, kind: str) -> Any:
        args = query(ReportArgsSchema())
        day, scope = requested(args)
        return answer(service.build(kind, day, scope), args["format"], args.get("table"))
