"""An outbox row as the message a sender delivers: who it is for (resolved now: the reporter's phone is read
from the case, never copied into the outbox), its text in Chinese, the tracking link, and its key."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import current_app

from app.moments import SHANGHAI, local_iso, parse

BRAND = "【民声一键办】"


@dataclass
class Message:
    key: str  # the receiver's idempotency key: the same message delivered twice carries the same key
    kind: str
    audience: str
    case_no: str
    to: dict[str, Any]
    text: str
    tracking_url: str
    created_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "audience": self.audience, "case_no": self.case_no,
                "to": self.to, "text": self.text, "tracking_url": self.tracking_url,
                "created_at": local_iso(self.created_at), "data": self.data}


def tracking_url(case_no: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/track?case_no={quote(case_no)}"


def _local(text: str | None) -> str:
    when = parse(text) if text else None
    return when.astimezone(SHANGHAI).strftime("%m月%d日 %H:%M") if when else ""


def text_of(kind: str, case_no: str, data: dict[str, Any], team_name: str | None, track: str) -> str:
    if kind == "accepted":
        return f"{BRAND}您反映的事项已受理，受理编号 {case_no}。查询办理进度：{track}（需输入手机号码后四位）。"
    if kind == "dispatched":
        return f"{BRAND}您反映的事项（{case_no}）已交由{team_name or '承办单位'}办理，工作人员将尽快与您联系。"
    if kind == "handled":
        return f"{BRAND}您反映的事项（{case_no}）已办理完毕，近期将有回访员联系您了解是否满意。"
    if kind == "closed":
        if data.get("status") == "returned_to_police":
            return f"{BRAND}您反映的事项（{case_no}）属于警情，已转交公安机关处理。"
        reply = f"答复：{data['reply']}" if data.get("reply") else ""
        return f"{BRAND}您反映的事项（{case_no}）已办结。{reply}"
    if kind == "step":
        return f"【新待办】{case_no}：{data.get('step') or '待办事项'}，时限 {_local(data.get('due_at'))}。"
    if kind == "escalation":
        return f"【督办】{case_no}：{data.get('step') or '超时事项'}，请及时处理。"
    if kind == "reply":
        return str(data.get("reply") or "您反映的问题已办结，感谢您的监督。")
    return f"{BRAND}{case_no}"


def message(row: Any, phone: str | None, external_ref: str | None, team_names: dict[str, str],
            on_duty: list[dict[str, Any]] | None = None) -> Message:
    """``on_duty``: the team's members on duty now (a team's notice is for them: name, user name, phone)."""
    data = dict(row.data or {})
    if row.audience == "reporter":
        to: dict[str, Any] = {"phone": phone}
    elif row.audience == "team":
        to = {"team": row.team_code, "team_name": team_names.get(row.team_code or ""),
              "on_duty": [{"username": p["username"], "name": p["name"], "phone": p["phone"]} for p in on_duty or []]}
    else:
        to = {"channel": data.get("channel"), "external_ref": external_ref}
    track = tracking_url(row.case_no)
    text = text_of(row.kind, row.case_no, data, team_names.get(data.get("team") or ""), track)
    return Message(row.key, row.kind, row.audience, row.case_no, to, text, track, row.created_at, data)
