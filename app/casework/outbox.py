"""What a case change owes people, as outbox rows the save writes in its own transaction: the reporter is told
their matter was accepted (with the tracking link), which team has it, that it was handled and a callback is
coming, and that it was closed; a team is told of a new step in its queue, the supervisors of an escalation; an
online post's or a 12345 work order's channel gets the official reply when the case closes. Each row's key is
unique per save (the case's lock version after it) and is the receiver's idempotency key."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app.casework.models import ENDED_STATUSES

# The channels whose adapters take the official reply back (a forum's post, a 12345 work order).
REPLYING_CHANNELS = ("online", "12345")


def _row(case_id: int, case_no: str, version: int, kind: str, audience: str, now: datetime, *,
         team: str | None = None, part: str = "", data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"key": f"{case_no}:{version}:{kind}:{part or audience}"[:160], "case_id": case_id, "case_no": case_no,
            "kind": kind, "audience": audience, "team_code": team, "data": data or {}, "state": "pending",
            "attempts": 0, "next_attempt_at": now, "last_error": None, "created_at": now, "sent_at": None,
            "sender": None}


def owed(*, case_id: int, case_no: str, version: int, event_kind: str, before: str, after: str,
         team: str | None, channel: str | None, reply: str | None, new_items: list[dict[str, Any]],
         now: datetime) -> list[dict[str, Any]]:
    """``version``: the case's lock version after this save; ``reply``: the official reply the step recorded."""
    out: list[dict[str, Any]] = []

    def add(kind: str, audience: str, **more: Any) -> None:
        out.append(_row(case_id, case_no, version, kind, audience, now, **more))

    if event_kind == "case.opened":
        add("accepted", "reporter")
    elif after != before:
        if after == "in_progress" and before == "open":
            add("dispatched", "reporter", data={"team": team})
        if after == "callback":
            add("handled", "reporter")
        if after in ENDED_STATUSES and before not in ENDED_STATUSES:
            add("closed", "reporter", data={"status": after, "reply": reply})
            if after == "closed" and channel in REPLYING_CHANNELS:
                add("reply", "channel", data={"channel": channel, "reply": reply})
    for item in new_items:
        if not item.get("team_code"):
            continue
        kind = "escalation" if item.get("origin_timer") else "step"
        add(kind, "team", team=item["team_code"], part=str(item["task_id"]),
            data={"step": item["name"], "due_at": item["due_at"].isoformat() if item.get("due_at") else None})
    return out
