"""Shared fixtures: a migrated database (SQLite file, or PostgreSQL from TEST_DATABASE_URL), the app served
over real HTTP by a threaded server, and bearer tokens for the demo users."""
from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from app import create_app
from app.engine import clock
from config import TestConfig
from tests.isolation import Baseline
from tests.statements import SUITE_STATEMENTS, case_table_writers

REPO = Path(__file__).resolve().parent.parent


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as conn:  # a throwaway database: start from an empty schema every run
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_root / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from app.demo.loader import load_demo
    from app.extensions import db

    url = _database_url(tmp_path_factory.mktemp("db"))
    files = tmp_path_factory.mktemp("attachments")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        ATTACHMENTS_ROOT = str(files)

    application = create_app(Config)
    with application.app_context():
        SUITE_STATEMENTS.attach(db.engine)
        SUITE_STATEMENTS.on = True
        upgrade()
        load_demo(application.config["PROCESSES_DIR"])
        db.session.commit()
        TOKENS.update(_test_users_and_tokens())
        application.extensions["test_baseline"] = Baseline()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def server(app: Flask) -> Iterator[str]:
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


class Client:
    """A requests session speaking to the live server as one user."""

    def __init__(self, base: str, token: str | None) -> None:
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.base + "/api/v1" + path, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)


class Clients:
    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base = base
        self.tokens = tokens
        self._clients: dict[str, Client] = {}

    def __call__(self, username: str | None) -> Client:
        if username is None:
            return Client(self.base, None)
        if username not in self._clients:
            self._clients[username] = Client(self.base, self.tokens[username])
        return self._clients[username]


# Bearer tokens of the demo users and two test users, issued once with the session's database.
TOKENS: dict[str, str] = {}


def _test_users_and_tokens() -> dict[str, str]:
    from app.auth.service import create_user, get_user
    from app.auth.tokens import issue_token
    from app.demo.loader import DEMO_USERS
    from app.extensions import db

    out: dict[str, str] = {}
    from app.demo.loader import DEMO_PASSWORD

    # 孙丽 works in 李强's team and is no people's mediator (the qualification tests sign in as her).
    create_user("gaozhao2", ["caseworker"], ["ms-xiuzhou-gaozhao"], display_name="高照街道民声服务队 孙丽",
                password=DEMO_PASSWORD)
    create_user("designer_only", ["designer"], [])
    create_user("prometheus", ["monitor"], [], display_name="监控采集")
    for name in [d.username for d in DEMO_USERS] + ["gaozhao2", "designer_only", "prometheus"]:
        user = get_user(name)
        assert user is not None
        out[name], _row = issue_token(user, "tests")
    db.session.commit()
    return out


@pytest.fixture(scope="session")
def tokens(app: Flask) -> dict[str, str]:
    return TOKENS


@pytest.fixture(scope="session")
def clients(server: str, tokens: dict[str, str]) -> Clients:
    return Clients(server, tokens)


@pytest.fixture(autouse=True)
def _known_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts from the session's database (tests/isolation.py) with a running clock and no
    sign-in attempts counted."""
    uses_app = "app" in request.fixturenames or "clients" in request.fixturenames
    if uses_app:
        _restore(request.getfixturevalue("app"))
    yield
    clock.set(None)


def _restore(flask_app: Flask) -> None:
    from app.extensions import limiter

    with flask_app.app_context():
        flask_app.extensions["test_baseline"].restore()
        limiter.reset()


@pytest.fixture
def sql(app: Flask) -> Any:
    """Run one statement on a fresh connection and return its rows (no transaction is left open)."""
    from app.extensions import db

    def run(statement: str, **params: Any) -> list[Any]:
        with app.app_context(), db.engine.connect() as conn:
            rows = list(conn.execute(text(statement), params))
            conn.rollback()
            return rows

    return run


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The whole run's guarantee: only the unit of work (app.casework) wrote the case tables."""
    writers = case_table_writers(SUITE_STATEMENTS.writes())
    others = {module: tables for module, tables in writers.items() if not module.startswith("app.casework.")}
    if others:
        print(f"\nCASE TABLES WRITTEN OUTSIDE app.casework: {others}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif writers:
        print(f"\ncase tables written by: {sorted(writers)}", file=sys.stderr)
