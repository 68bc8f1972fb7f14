"""Each test starts from the session's database: what one test adds or changes is gone for the next."""
from __future__ import annotations

from app.auth.service import get_user
from app.extensions import db
from app.versions.service import current_version, list_versions
from tests.flows import new_case

STATE: dict[str, object] = {}


def test_a_test_that_changes_reference_data(app, clients):
    from app.auth.service import create_user
    from app.auth.tokens import issue_token
    from app.designer.service import deploy, shipped_files

    with app.app_context():
        STATE["version"] = current_version().key
        STATE["versions"] = len(list_versions())
        user = create_user("leaky", ["supervisor"], [])
        issue_token(user, "leak")
        files = shipped_files(app.config["PROCESSES_DIR"])
        files["forms/leak.schema.json"] = b'{"type": "object"}'
        version, created, problems = deploy(files, "tester")
        assert created and not problems
        gaozhao = get_user("gaozhao")
        gaozhao.active = False
        db.session.commit()
        assert current_version().key == version.key
    new_case(clients)


def test_the_next_test_sees_none_of_it(app, clients, sql):
    with app.app_context():
        assert get_user("leaky") is None
        assert get_user("gaozhao").active
        assert current_version().key == STATE["version"] and len(list_versions()) == STATE["versions"]
    assert sql("SELECT count(*) FROM cases")[0][0] == 0
    assert clients("gaozhao").get("/tasks").status_code == 200  # the demo user's token works again
