"""Signed-in browser sessions, held in the database: the cookie names a random session id, so a
forged or copied cookie is worth nothing once the session has ended."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import bindparam, insert, select, update

from app.auth import audit
from app.auth.audit import real_now
from app.auth.models import User, WebSession
from app.auth.principal import Principal
from app.auth.service import principals
from app.auth.tokens import hash_token
from app.extensions import db

sessions_t = WebSession.__table__
users_t = User.__table__
_RESOLVE = select(sessions_t.c.user_id, users_t.c.auth_version).select_from(
    sessions_t.join(users_t, users_t.c.id == sessions_t.c.user_id)
).where(sessions_t.c.token_hash == bindparam("b_hash"), sessions_t.c.ended_at.is_(None),
        sessions_t.c.expires_at > bindparam("b_now"), users_t.c.active.is_(True))


def start(user: User, hours: float) -> str:
    token = secrets.token_urlsafe(32)
    now = real_now()
    db.session.execute(insert(sessions_t).values(token_hash=hash_token(token), user_id=user.id, created_at=now,
                                                 expires_at=now + timedelta(hours=hours),
                                                 address=audit.client_address()))
    audit.record("login.succeeded", username=user.username, user_id=user.id)
    return token


def resolve(token: str) -> Principal | None:
    if not token or len(token) > 128:
        return None
    row = db.session.execute(_RESOLVE, {"b_hash": hash_token(token), "b_now": real_now()}).first()
    return principals.get(row.user_id, row.auth_version) if row is not None else None


def end(token: str, principal: Principal | None) -> None:
    db.session.execute(update(sessions_t).where(sessions_t.c.token_hash == hash_token(token),
                                                sessions_t.c.ended_at.is_(None)).values(ended_at=real_now()))
    if principal is not None:
        audit.record("logout", username=principal.username, user_id=principal.user_id)
