"""The sign-in and token audit trail: who signed in or failed to, from where, and which tokens were used."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import insert

from app.auth.models import AuthEvent
from app.database import read_only
from app.extensions import db

events_t = AuthEvent.__table__


def real_now() -> datetime:
    """Credentials and their trail live by the wall clock, whatever clock the workflow's timers are
    being driven by (tests and `timers tick --now` move that one)."""
    return datetime.now(UTC)


def client_address() -> str | None:
    return (request.remote_addr or None) if has_request_context() else None


def _row(kind: str, username: str | None, user_id: int | None, token_id: int | None,
         detail: str | None) -> dict[str, Any]:
    return {"at": real_now(), "kind": kind, "username": (username or "")[:64] or None, "user_id": user_id,
            "token_id": token_id, "address": client_address(), "detail": (detail or "")[:256] or None}


def record(kind: str, *, username: str | None = None, user_id: int | None = None, token_id: int | None = None,
           detail: str | None = None) -> None:
    """Part of the caller's transaction (sign-in, sign-out, token issued or revoked)."""
    _insert_here(_row(kind, username, user_id, token_id, detail))


def record_many(events: list[tuple[str, str, str]]) -> None:
    """(kind, username, detail) events in one statement, part of the caller's transaction (a roster import)."""
    if events:
        db.session.execute(insert(events_t), [_row(kind, username, None, None, detail)
                                              for kind, username, detail in events])


def _insert_here(row: dict[str, Any]) -> None:
    db.session.execute(insert(events_t).values(**row))


def _insert_apart(rows: list[dict[str, Any]]) -> None:
    marker = read_only.set(False)  # on SQLite this transaction writes, so it must take the write lock
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(events_t), rows)
    finally:
        read_only.reset(marker)


def later(kind: str, *, username: str | None = None, user_id: int | None = None, token_id: int | None = None,
          detail: str | None = None) -> None:
    """Written in a transaction of its own once the request's transaction has ended (see init_audit): a
    refused request still leaves its trace, and on SQLite no second writer waits on the request's lock."""
    row = _row(kind, username, user_id, token_id, detail)
    if has_request_context():
        g.setdefault("auth_events", []).append(row)
    else:
        # A command or worker: its own transaction is the edge; a second writer here would wait on the
        # first one's SQLite write lock.
        _insert_here(row)


def init_audit(app: Flask) -> None:
    def _flush(_exc: BaseException | None) -> None:
        pending = g.pop("auth_events", None)
        if pending:
            _insert_apart(pending)

    # Teardown functions run in reverse order of registration: first in the list = after Flask-SQLAlchemy
    # has closed the request's session (and released SQLite's write lock).
    app.teardown_appcontext_funcs.insert(0, _flush)
