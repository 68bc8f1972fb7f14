from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import policy
from app.auth.request import require_staff
from app.cases.present import iso
from app.designer.service import list_versions
from app.errors import Forbidden

blp = Blueprint("api_processes", __name__, url_prefix="/api/v1", description="Process versions (流程版本)")


@blp.route("/processes")
class Processes(MethodView):
    def get(self) -> Any:
        principal = require_staff()
        if not (policy.can_design(principal) or policy.can_supervise(principal)):
            raise Forbidden("process versions are for designers and supervisors")
        versions = list_versions()
        items = [{"key": v.key, "process_id": v.process_id, "author": v.author, "note": v.note,
                  "created_at": iso(v.created_at), "files": sorted(v.files), "current": i == 0}
                 for i, v in enumerate(versions)]
        return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}
