"""/healthz (the process answers) and /readyz (it can serve: the database answers, its schema is at the
migrations' head, a process version is deployed) for load balancers and orchestrators; no credential, nothing
personal, 503 when not ready."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app.auth import permissions
from app.extensions import db
from app.versions.service import NoProcessDeployed, current_version_key

bp = Blueprint("health", __name__)


@lru_cache(maxsize=4)
def _heads(directory: str) -> tuple[str, ...]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return tuple(sorted(ScriptDirectory.from_config(config).get_heads()))


@bp.get("/healthz")
@permissions.public
def healthz() -> Response:
    return jsonify({"status": "up"})


def _checks() -> dict[str, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = {"ok": True, "dialect": db.engine.dialect.name}
    except SQLAlchemyError as err:
        db.session.rollback()
        return {"database": {"ok": False, "error": type(err).__name__}}
    head = list(_heads(current_app.extensions["migrate"].directory))
    try:
        current = sorted(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:
        db.session.rollback()
        current = []
    checks["migrations"] = {"ok": current == head, "current": current, "head": head}
    try:
        checks["diagrams"] = {"ok": True, "version": current_version_key()[:12]}
    except (NoProcessDeployed, SQLAlchemyError):
        db.session.rollback()
        checks["diagrams"] = {"ok": False, "version": None}
    return checks


@bp.get("/readyz")
@permissions.public
def readyz() -> Response:
    checks = _checks()
    ready = all(c["ok"] for c in checks.values())
    answer = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    answer.status_code = 200 if ready else 503
    answer.headers["Cache-Control"] = "no-store"
    db.session.rollback()
    return answer
