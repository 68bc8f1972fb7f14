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
from app.errors import Invalid
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
        field = "township" if args.get("township") else "county"
        raise Invalid(f"no such {field}: {args.get(field)}", {field: ["not a township or county of Jiaxing"]})
    return day, scope


def answer(report: dict[str, Any], fmt: str, table: str | None) -> Any:
    if fmt == "xlsx":
        return Response(export.as_xlsx(report), mimetype=XLSX, headers={
            "Content-Disposition": f"attachment; filename={export.file_name(report, 'xlsx')}"})
    if fmt == "csv":
        name = table or "summary"
        text = export.as_csv(report, name)
        if text is None:
            raise Invalid(f"this report has no table {name}", {"table": [f"one of {', '.join(export.tables(report))}"]})
        return Response(text, mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={export.file_name(report, 'csv', name)}"})
    return report


@blp.route(f"/reports/<any({', '.join(KINDS)}):kind>")
class Report(MethodView):
    @operation(blp, ok={200: ReportSchema}, errors=(*COMMON, 404, 422), query=ReportArgsSchema,
               summary="Supervisor: the daily, weekly or monthly report of the city, a county or a township")
    @permissions.api(policy.can_supervise)
    def get(self, kind: str) -> Any:
        args = query(ReportArgsSchema())
        day, scope = requested(args)
        return answer(service.build(kind, day, scope), args["format"], args.get("table"))
