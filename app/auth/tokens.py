"""API tokens: random secrets, stored as SHA-256 hashes, resolved from a short in-process cache.

A request with a known token costs no database round trip; a revoked token stops working within
TOKEN_CACHE_SECONDS (and at once in the process that revoked it).
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time

from sqlalchemy import select

from app.auth.models import ApiToken, User
from app.auth.principal import Principal
from app.auth.service import principal_for
from app.engine import clock
from app.extensions import db

TOKEN_PREFIX = "ms_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, label: str | None = None) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), label=label,
                            created_at=clock.now()))
    return token


class TokenCache:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[Principal | None, float]] = {}
        self._lock = threading.Lock()

    def resolve(self, token: str, ttl: float) -> Principal | None:
        digest = hash_token(token)
        entry = self._entries.get(digest)
        now = time.monotonic()
        if entry is not None and entry[1] > now:
            return entry[0]
        principal = self._load(digest)
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (principal, now + ttl)
        return principal

    def forget_all(self) -> None:
        with self._lock:
            self._entries.clear()

    @staticmethod
    def _load(digest: str) -> Principal | None:
        row = db.session.execute(
            select(ApiToken.user_id).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None), User.active.is_(True))
        ).first()
        return principal_for(row.user_id) if row is not None else None


token_cache = TokenCache()
