"""The contract's commands: users create / users token, demo load (idempotent)."""
from __future__ import annotations

import requests


def test_users_create_and_token_give_a_working_bearer_token(app, server):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "xucun1", "--role", "caseworker", "--team",
                                  "ms-haining-xucun", "--password", "xucun-river-lantern"])
    assert created.exit_code == 0, created.output
    token = runner.invoke(args=["users", "token", "xucun1"])
    assert token.exit_code == 0
    value = token.output.strip()
    assert value.startswith("ms_") and len(value) > 30
    resp = requests.get(f"{server}/api/v1/tasks", headers={"Authorization": f"Bearer {value}"}, timeout=10)
    assert resp.status_code == 200


def test_users_create_refuses_unknown_teams_and_roles(app):
    runner = app.test_cli_runner()
    bad_team = runner.invoke(args=["users", "create", "ghost", "--role", "caseworker", "--team", "no-such-team"])
    assert bad_team.exit_code != 0 and "no-such-team" in bad_team.output
    bad_role = runner.invoke(args=["users", "create", "ghost", "--role", "wizard"])
    assert bad_role.exit_code != 0
    missing = runner.invoke(args=["users", "token", "nobody-here"])
    assert missing.exit_code != 0 and "no user" in missing.output


def test_tokens_are_stored_hashed(app, sql):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "hashcheck", "--role", "intake"])
    token = runner.invoke(args=["users", "token", "hashcheck"]).output.strip()
    stored = [r[0] for r in sql("SELECT token_hash FROM api_tokens")]
    assert token not in stored and all(len(h) == 64 for h in stored)


def test_demo_load_is_idempotent(app, sql):
    runner = app.test_cli_runner()
    before = sql("SELECT count(*) FROM teams")[0][0], sql("SELECT count(*) FROM users")[0][0]
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "townships added: 0, teams added: 0" in result.output
    assert (sql("SELECT count(*) FROM teams")[0][0], sql("SELECT count(*) FROM users")[0][0]) == before
    assert sql("SELECT count(*) FROM townships")[0][0] == 72


def test_users_create_gives_qualifications_and_leadership(app, clients):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "xucun2", "--role", "caseworker", "--team", "ms-haining-xucun",
                                  "--qualification", "mediator:嘉调证-77", "--qualification", "counsellor",
                                  "--leads", "ms-haining-xucun"])
    assert created.exit_code == 0, created.output
    person = clients("admin").get("/users/xucun2").json()
    assert sorted(person["qualifications"]) == ["counsellor", "mediator"]
    assert person["certificates"] == {"mediator": "嘉调证-77"} and person["leads"] == ["ms-haining-xucun"]
    wrong = runner.invoke(args=["users", "create", "xucun3", "--role", "caseworker", "--qualification", "wizard"])
    assert wrong.exit_code != 0 and "wizard" in wrong.output


def test_demo_roster_writes_a_roster_the_import_reads(app, clients, tmp_path):
    target = tmp_path / "roster.xlsx"
    written = app.test_cli_runner().invoke(args=["demo", "roster", str(target), "--members", "50", "--bad", "2"])
    assert written.exit_code == 0, written.output
    checked = clients("admin").post("/users/import?dry_run=1", files={"file": ("roster.xlsx", target.read_bytes())})
    assert checked.status_code == 200 and len(checked.json()["problems"]) == 2 and checked.json()["created"] == 48
