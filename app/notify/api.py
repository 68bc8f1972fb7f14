"""GET /api/v1/notifications: the outbox for supervisors — failed deliveries first of all."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from app.apidoc import COMMON, operation
from app.auth import permissions, policy
from app.casework.models import Notification
from app.database import execute
from app.http import page_of, query
from app.notify.schemas import NotificationFilterSchema, NotificationPageSchema

blp = Blueprint("api_notifications", __name__, url_prefix="/api/v1", description="Notifications (通知)")
outbox_t = Notification.__table__


def _item(row: Any) -> dict[str, Any]:
    return {"id": row.id, "key": row.key, "case_no": row.case_no, "kind": row.kind, "audience": row.audience,
            "team": row.team_code, "state": row.state, "attempts": row.attempts,
            "next_attempt_at": row.next_attempt_at if row.state == "pending" else None,
            "last_error": row.last_error, "created_at": row.created_at, "sent_at": row.sent_at, "sender": row.sender}


@blp.route("/notifications")
class Notifications(MethodView):
    @operation(blp, ok={200: NotificationPageSchema}, errors=(*COMMON, 422), query=NotificationFilterSchema,
               summary="Supervisor: the outbox, newest first (state=failed: what could not be delivered)")
    @permissions.api(policy.can_supervise)
    def get(self) -> Any:
        args = query(NotificationFilterSchema())
        where = [outbox_t.c[name] == args[name] for name in ("state", "kind", "case_no") if args.get(name)]
        total = execute(select(func.count()).select_from(outbox_t).where(*where)).scalar_one()
        rows = execute(select(outbox_t).where(*where).order_by(outbox_t.c.id.desc()).limit(args["per_page"])
                       .offset((args["page"] - 1) * args["per_page"])).all()
        return page_of([_item(r) for r in rows], total, args["page"], args["per_page"])
