"""/healthz and /readyz (issue 15, first part): up, and ready only when the database answers, its schema is at the
migrations' head and a process version is deployed."""
from __future__ import annotations

import requests

from app import create_app
from config import TestConfig


def test_a_migrated_service_with_its_diagrams_is_ready(server):
    assert requests.get(f"{server}/healthz", timeout=10).json() == {"status": "up"}
    ready = requests.get(f"{server}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.headers["Cache-Control"] == "no-store"
    body = ready.json()
    assert body["status"] == "ready"
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"] != []
    assert body["checks"]["diagrams"]["ok"] and body["checks"]["database"]["ok"]


def test_an_unmigrated_database_is_not_ready(tmp_path):
    class Empty(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'empty.sqlite3'}"

    client = create_app(Empty).test_client()
    assert client.get("/healthz").status_code == 200, "the process is up all the same"
    answer = client.get("/readyz")
    assert answer.status_code == 503
    checks = answer.get_json()["checks"]
    assert checks["database"]["ok"] and not checks["migrations"]["ok"] and checks["migrations"]["current"] == []
    assert not checks["diagrams"]["ok"]


def test_an_unreachable_database_is_not_ready(tmp_path):
    class Gone(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}"

    answer = create_app(Gone).test_client().get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["checks"] == {
        "database": {"ok": False, "error": "OperationalError"}}
