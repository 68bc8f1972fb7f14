"""The modeler page: the current diagrams, routing table and forms, edited in the browser and deployed
through the JSON API (validation problems come back as a list and as markers on the diagram)."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth import permissions, policy
from app.auth.permissions import caller
from app.vendor import available
from app.versions.service import current_version_key, get_version

bp = Blueprint("designer", __name__)


@bp.get("/designer")
@permissions.page(policy.reads_versions)
def modeler() -> str:
    principal = caller()
    version = get_version(current_version_key())
    files = dict(sorted(version.files.items(), key=lambda kv: (not kv[0].endswith(".bpmn"), kv[0])))
    return render_template("designer/modeler.html", version=version, files=files,
                           can_deploy=policy.can_design(principal),
                           ready=available("bpmn-js") and available("dmn-js"))
