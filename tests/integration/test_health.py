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


def test_an_unreachable_database_answers_503_in_the_contract_shape(tmp_path):
    class Gone(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}"

    client = create_app(Gone).test_client()
    api = client.get("/api/v1/tasks", headers={"Authorization": "Bearer ms_" + "x" * 40})
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "database_unavailable"
    assert client.post("/api/v1/cases", json={"channel": "110"}, headers={
        "Authorization": "Bearer ms_" + "y" * 40}).status_code == 503
    page = client.get("/cases", headers={"Accept": "text/html"})
    assert page.status_code in (302, 503)
    signing_in = client.post("/login", data={"username": "a", "password": "b"})
    assert signing_in.status_code in (400, 503), "a 400 is the CSRF check, before any database use"
    open311 = client.get("/open311/v2/requests.json")
    assert open311.status_code == 503 and open311.get_json()[0]["code"] == 503
