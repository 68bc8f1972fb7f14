"""The case page: details, open steps and the timeline (the diagram view arrives with the web issue)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import login_required

from app.auth.policy import is_staff
from app.cases import service
from app.web import session_principal

bp = Blueprint("cases", __name__)


@bp.get("/cases/<case_no>")
@login_required
def case_page(case_no: str) -> str:
    principal = session_principal()
    if principal is None or not is_staff(principal):
        abort(403)
    case = service.get_case(principal, case_no)
    events, _total = service.list_events(principal, case_no, 1, 500)
    return render_template("cases/case.html", case=case, events=events)
