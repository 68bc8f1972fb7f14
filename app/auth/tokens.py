"""API tokens: random secrets stored as SHA-256 hashes, with an expiry, revocable at once.

Every request looks its token up (one indexed read that also returns the user's auth_version); what
the principal may do is cached per (user, auth_version). A revoked or expired token is therefore
refused on the very next request in every process, and a role or team change applies at once.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from app.auth import audit
from app.auth.audit import real_now
from app.auth.models import ApiToken, User
from app.auth.principal import Principal
from app.auth.service import get_user, principals
from app.database import execute
from app.errors import Invalid, NotFound
from app.extensions import db

TOKEN_PREFIX = "ms_"
# A token's use is written to the audit trail at most this often per token and process.
USE_AUDIT_SECONDS = 3600

tokens_t = ApiToken.__table__
users_t = User.__table__
_RESOLVE = select(tokens_t.c.id, tokens_t.c.user_id, tokens_t.c.expires_at, users_t.c.auth_version,
                  users_t.c.username).select_from(tokens_t.join(users_t, users_t.c.id == tokens_t.c.user_id)) \
    .where(tokens_t.c.token_hash == bindparam("b_hash"), tokens_t.c.revoked_at.is_(None), users_t.c.active.is_(True))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, label: str | None = None, *, days: int | None = 90) -> tuple[str, ApiToken]:
    """A new token for the user; days=None never expires (refused by the CLI unless asked for)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = real_now()
    row = ApiToken(user_id=user.id, token_hash=hash_token(token), label=label, created_at=now,
                   expires_at=(now + timedelta(days=days)) if days is not None else None)
    db.session.add(row)
    db.session.flush()
    audit.record("token.issued", username=user.username, user_id=user.id, token_id=row.id,
                 detail=f"label={label or '-'}; expires={row.expires_at.isoformat() if row.expires_at else 'never'}")
    return token, row


def revoke(target: str, *, actor: str) -> list[int]:
    """Revoke one token (by its id) or every live token of a user (by user name). Returns the ids."""
    user = get_user(target)
    if user is not None:
        where: Any = (tokens_t.c.user_id == user.id)
    elif target.isdigit() and len(target) < 18:
        where = tokens_t.c.id == int(target)
    else:
        raise NotFound(f"no user or token id {target}")
    live = db.session.execute(select(tokens_t.c.id, users_t.c.username, users_t.c.id.label("user_id"))
                              .select_from(tokens_t.join(users_t, users_t.c.id == tokens_t.c.user_id))
                              .where(where, tokens_t.c.revoked_at.is_(None))).all()
    ids = [row.id for row in live]
    if not ids and user is None:
        if db.session.execute(select(tokens_t.c.id).where(where)).first() is None:
            raise NotFound(f"no token with id {target}")
        raise Invalid(f"token {target} is revoked already", {"token": ["revoked already"]})
    db.session.execute(update(tokens_t).where(tokens_t.c.id.in_(ids))
                       .values(revoked_at=real_now(), revoked_by=actor))
    for row in live:
        audit.record("token.revoked", username=row.username, user_id=row.user_id, token_id=row.id, detail=f"by {actor}")
    return ids


def list_tokens(user: User) -> list[Any]:
    return list(db.session.execute(select(tokens_t).where(tokens_t.c.user_id == user.id)
                                   .order_by(tokens_t.c.id)).all())


class _UseNotes:
    """When each token's use was last written to the audit trail (per process)."""

    def __init__(self) -> None:
        self._last: dict[int, float] = {}
        self._lock = threading.Lock()

    def due(self, token_id: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(token_id, -USE_AUDIT_SECONDS) < USE_AUDIT_SECONDS:
                return False
            self._last[token_id] = now
            return True


_uses = _UseNotes()


def resolve(token: str) -> Principal | None:
    row = execute(_RESOLVE, {"b_hash": hash_token(token)}).first()
    if row is None or (row.expires_at is not None and row.expires_at <= real_now()):
        return None
    principal = principals.get(row.user_id, row.auth_version)
    if principal is not None and _uses.due(row.id):
        audit.later("token.used", username=row.username, user_id=row.user_id, token_id=row.id)
    return principal
