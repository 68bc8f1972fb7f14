"""Remote experts (专家团一键连线): a caseworker, dispatcher or supervisor invites an expert — a lawyer, a
labour-relations officer, a psychologist — to a case, with the video call's link; the expert then sees that case
(and only the cases they are invited to: the case service's visibility) and records their advice. Each act is
one transaction with one audit event (the unit of work's)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from app.auth import policy
from app.auth.models import User
from app.auth.principal import Principal
from app.cases import attachments
from app.cases.models import CaseExpert
from app.casework import operations
from app.casework.unit import CaseRef, CaseUnit
from app.engine import clock
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db

FIELDS = {"lawyer": "律师", "labour": "劳动保障", "psychologist": "心理咨询师", "other": "其他专家"}
experts_t = CaseExpert.__table__
users_t = User.__table__


def available() -> list[Any]:
    """The experts one may invite: active users with the expert role, by name."""
    rows = db.session.execute(select(users_t.c.username, users_t.c.display_name, users_t.c.roles)
                              .where(users_t.c.active.is_(True)).order_by(users_t.c.display_name)).all()
    return [r for r in rows if "expert" in (r.roles or "").split(",")]


def invite(principal: Principal, case_no: str, username: str, field: str, video_url: str | None,
           visible: Any) -> dict[str, Any]:
    if not policy.can_invite_experts(principal):
        raise Forbidden("inviting experts needs the caseworker, dispatcher or supervisor role")
    case = visible(principal, case_no)
    if field not in FIELDS:
        raise Invalid("unknown field of expertise", {"field": [f"one of {', '.join(FIELDS)}"]})
    if username not in {e.username for e in available()}:
        raise Invalid(f"{username} is not an expert one may invite", {"username": ["an active expert's user name"]})
    link = attachments.video_link(video_url) if (video_url or "").strip() else None
    already = db.session.execute(select(experts_t.c.id).where(experts_t.c.case_id == case.id,
                                                              experts_t.c.username == username)).first()
    if already is not None:
        raise Invalid(f"{username} is invited to this case already", {"username": ["invited already"]})
    row = {"case_id": case.id, "username": username, "field": field, "video_url": link,
           "invited_by": principal.username, "invited_at": clock.now(), "advice": None, "advised_at": None}
    expert_id = db.session.execute(insert(experts_t).values(**row).returning(experts_t.c.id)).scalar_one()
    operations.invite_expert(CaseUnit(CaseRef(case.id, case.case_no, case.status)), expert_id, username, field,
                             principal.username)
    return {"id": expert_id, **row}


def advise(principal: Principal, case_no: str, advice: str | None, visible: Any) -> dict[str, Any]:
    if not policy.gives_advice(principal):
        raise Forbidden("advice is recorded by an invited expert")
    case = visible(principal, case_no)
    text = (advice or "").strip()
    if not text or len(text) > 5000:
        raise Invalid("write the advice (at most 5,000 characters)", {"advice": ["1–5,000 characters"]})
    mine = db.session.execute(select(experts_t).where(experts_t.c.case_id == case.id,
                                                      experts_t.c.username == principal.username)).first()
    if mine is None:
        raise NotFound(f"no case {case_no}")
    now = clock.now()
    db.session.execute(update(experts_t).where(experts_t.c.id == mine.id).values(advice=text, advised_at=now))
    operations.record_advice(CaseUnit(CaseRef(case.id, case.case_no, case.status)), mine.id, principal.username)
    return {**mine._mapping, "advice": text, "advised_at": now}


def of_case(case_id: int) -> list[Any]:
    return list(db.session.execute(select(experts_t).where(experts_t.c.case_id == case_id)
                                   .order_by(experts_t.c.id)).all())


def forget(case_id: int) -> None:
    """Retention: an expert's advice is about the people of the case; who advised and when stay."""
    db.session.execute(update(experts_t).where(experts_t.c.case_id == case_id).values(advice=None, video_url=None))
