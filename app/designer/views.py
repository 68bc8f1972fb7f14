"""The modeler page: the current diagrams, routing table and forms, edited in the browser and deployed
through the JSON API (validation problems come back as a list and as markers on the diagram)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import login_required

from app.auth import policy
from app.designer.service import current_version_key, get_version
from app.vendor import available
from app.web import session_principal

bp = Blueprint("designer", __name__)


@bp.get("/designer")
@login_required
def modeler() -> str:
    principal = session_principal()
    if principal is None or not (policy.can_design(principal) or policy.can_supervise(principal)):
        abort(403)
    version = get_version(current_version_key(current_app.config["PROCESSES_DIR"]))
    files = dict(sorted(version.files.items(), key=lambda kv: (not kv[0].endswith(".bpmn"), kv[0])))
    return render_template("designer/modeler.html", version=version, files=files,
                           can_deploy=policy.can_design(principal),
                           ready=available("bpmn-js") and available("dmn-js"))
