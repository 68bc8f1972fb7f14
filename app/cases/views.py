"""The case page: details, open steps, the timeline, and the BPMN diagram with its progress marked."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.auth import permissions, policy
from app.auth.permissions import caller
from app.cases import service
from app.errors import NotFound
from app.vendor import available

bp = Blueprint("cases", __name__)


@bp.get("/cases/<case_no>")
@permissions.page(policy.sees_cases)
def case_page(case_no: str) -> str:
    principal = caller()
    try:
        case = service.get_case(principal, case_no)
    except NotFound:
        abort(404)
    events, _total = service.list_events(principal, case_no, 1, 500)
    diagram = service.diagram(principal, case_no)
    return render_template("cases/case.html", case=case, events=events, diagram=diagram,
                           sections=service.record_of(principal, case_no), viewer=available("bpmn-js"))
