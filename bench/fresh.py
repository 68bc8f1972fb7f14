"""A fresh benchmark database: migrated, with the demo townships, teams, users and diagrams, and bearer
tokens for the users who drive a lifecycle (client.USERS)."""
from __future__ import annotations

from typing import Any

from client import USERS


def make_app(url: str, **settings: Any) -> Any:
    from app import create_app
    from config import Config

    bench_config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "REQUEST_LOG": False,
                                                   **settings})
    return create_app(bench_config)


def fresh_database(app: Any, token_label: str) -> dict[str, str]:
    """Empty the database (PostgreSQL: its public schema; SQLite files start empty), migrate, load the demo
    data; returns a bearer token per lifecycle user."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.auth.service import get_user
    from app.auth.tokens import issue_token
    from app.demo.loader import load_demo
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        load_demo(app.config["PROCESSES_DIR"])
        tokens = {}
        for name in USERS:
            user = get_user(name)
            assert user is not None
            tokens[name], _row = issue_token(user, token_label)
        db.session.commit()
    return tokens
