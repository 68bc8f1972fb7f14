"""The supervisor's desk page: escalations, most overdue first, and the four actions."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.auth import permissions, policy
from app.auth.permissions import caller
from app.errors import ApiError
from app.extensions import db
from app.http import page_arg
from app.tasks import supervision
from app.tasks.views import action_args
from app.timers import desk
from app.web import page_message

bp = Blueprint("supervisor", __name__)


@bp.get("/supervisor")
@permissions.page(policy.can_supervise)
def desk_page() -> str:
    principal = caller()
    page = page_arg(request.args)
    board = desk.list_escalations(principal, page, 50)
    chosen: dict[tuple[str | None, str | None, str | None], dict[str, Any]] = {}

    def pickers_for(lane: str | None, team_code: str | None, qualification: str | None = None) -> dict[str, Any]:
        # One read per kind of step on the board, not per card.
        if (lane, team_code, qualification) not in chosen:
            chosen[(lane, team_code, qualification)] = supervision.pickers(lane, team_code, qualification)
        return chosen[(lane, team_code, qualification)]

    return render_template("supervisor/desk.html", board=board, pickers_for=pickers_for)


@bp.post("/supervisor/escalations/<id:escalation_id>/<action>")
@permissions.page(policy.can_supervise)
def act(escalation_id: int, action: str) -> Response:
    principal = caller()
    if action not in desk.ACTIONS:
        abort(404)
    try:
        result = desk.act(principal, escalation_id, action, action_args(action, request.form))
        db.session.commit()
        labels = {"remind": _("Remind"), "reassign": _("Reassign"), "extend": _("Extend"),
                  "take_over": _("Take over")}
        flash(_("Done: %(action)s on case %(case)s.", action=labels[action], case=result["case_no"]), "ok")
    except ApiError as err:
        db.session.rollback()
        flash(page_message(err), "error")
    return redirect(url_for("supervisor.desk_page"))
