"""The reports page (/reports): the day's, the week's or the month's figures of the city, a county or a township,
with charts (Apache ECharts, served by the app), every figure's definition, drill-down from a township to its
cases, and each table as CSV or the whole report as XLSX."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.auth import permissions, policy
from app.errors import ApiError
from app.reports import definitions, service
from app.reports.api import requested
from app.reports.periods import KINDS, Period
from app.reports.schemas import ReportArgsSchema
from app.routing.gazetteer import gazetteer
from app.vendor import available
from app.web import page_message

bp = Blueprint("reports", __name__)


def _labels() -> dict[str, Any]:
    """What the page and its charts call the codes of a report (never a raw code on the page)."""
    return {
        "kinds": {"daily": _("Daily (cleared daily)"), "weekly": _("Weekly (closed weekly)"),
                  "monthly": _("Monthly (analysed monthly)")},
        "escalations": {"opened": _("New escalations"), "remind": _("Remind"), "reassign": _("Reassign"),
                        "extend": _("Extend"), "take_over": _("Take over")},
        "mediation": {"started": _("Started"), "agreement": _("Agreement"), "no_agreement": _("No agreement"),
                      "withdrawn": _("Withdrawn")},
        "judicial": {"applied": _("Applied"), "confirmed": _("Confirmed"), "rejected": _("Rejected")},
        "identification": {"is_police_matter": _("Police work or not"), "category": _("Category"),
                           "township": _("Township")},
        "opened": _("Cases opened"), "closed": _("Cases closed"), "overdue": _("Overdue"), "open": _("Open steps"),
    }


def _neighbours(kind: str, day: date) -> tuple[date, date]:
    period = Period.containing(kind, day)
    return period.first - timedelta(days=1), period.last + timedelta(days=1)


@bp.get("/reports")
@permissions.page(policy.can_supervise)
def report_page() -> Any:
    kind = request.args.get("kind", "daily")
    kind = kind if kind in KINDS else "daily"
    problem = None
    try:
        args = ReportArgsSchema().load({k: v for k, v in request.args.items() if k in ("date", "township", "county")
                                        and v.strip()})
        day, scope = requested(args)
    except (ValidationError, ApiError) as err:
        problem = page_message(err) if isinstance(err, ApiError) else _("Give a valid date and place.")
        day, scope = requested({})
        args = {}
    report = service.build(kind, day, scope)
    earlier, later = _neighbours(kind, day)
    places = gazetteer()
    counties = sorted({(p.county_code, p.county_name) for p in places.places})
    query = {k: v for k, v in (("township", args.get("township")), ("county", args.get("county"))) if v}
    return render_template(
        "reports/report.html", report=report, kind=kind, day=day, labels=_labels(), problem=problem,
        summary=[(key, label, meaning) for key, label, meaning in definitions.SUMMARY if key in report],
        tables=definitions.TABLES, earlier=earlier, later=later, counties=counties, townships=places.places,
        query=query, charts=available("echarts"),
        heat_max=max([t["opened"] for t in report["by_township"]] or [0]))
