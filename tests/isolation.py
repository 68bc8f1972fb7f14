"""Each test starts from the database the session set up: no cases, and the reference tables (places, teams,
process versions, users, their teams, qualifications and duty, tokens, sessions, the sign-in trail) exactly as
they were.

The baseline is read once after set-up. After every test the case tables are emptied and each reference
table whose content differs from its baseline (a cheap fingerprint of its rows) is put back row for row —
with the tables that hang off it — and the app's in-process caches of those rows are dropped.
"""
from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Table, delete, insert, select

from app.extensions import db

CASE_TABLES = ("case_experts", "attachments", "outbox", "case_events", "work_items", "cases")
# Parents before children; a restored table takes its children along.
REFERENCE_TABLES = ("townships", "teams", "process_versions", "users", "team_memberships", "qualifications",
                    "duty_shifts", "api_tokens", "web_sessions", "auth_events")
CHILDREN = {"townships": ("teams",), "teams": ("team_memberships", "duty_shifts"),
            "users": ("team_memberships", "qualifications", "duty_shifts", "api_tokens", "web_sessions")}
# Compared by what changes: a version's files never do.
SKIP_IN_FINGERPRINT = {"process_versions": {"files"}}


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _rows(name: str) -> list[dict[str, Any]]:
    table = _table(name)
    return [dict(r) for r in db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings()]


def _fingerprint(name: str) -> str:
    table = _table(name)
    columns = [c for c in table.columns if c.name not in SKIP_IN_FINGERPRINT.get(name, set())]
    rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _with_children(names: set[str]) -> set[str]:
    out = set(names)
    while True:
        more = {child for name in out for child in CHILDREN.get(name, ())} - out
        if not more:
            return out
        out |= more


class Baseline:
    def __init__(self) -> None:
        self.rows = {name: _rows(name) for name in REFERENCE_TABLES}
        self.fingerprints = {name: _fingerprint(name) for name in REFERENCE_TABLES}

    def restore(self) -> list[str]:
        """Back to the baseline; returns the reference tables that had to be put back."""
        for name in CASE_TABLES:
            db.session.execute(delete(_table(name)))
        changed = {name for name in REFERENCE_TABLES if _fingerprint(name) != self.fingerprints[name]}
        restored = [name for name in REFERENCE_TABLES if name in _with_children(changed)]
        for name in reversed(restored):
            db.session.execute(delete(_table(name)))
        for name in restored:
            if self.rows[name]:
                db.session.execute(insert(_table(name)), self.rows[name])
        db.session.commit()
        if restored:
            from app.auth.service import principals

            principals.clear()
        return restored
