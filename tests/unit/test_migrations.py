"""The schema comes from the migrations (one head) and matches the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db


def test_one_migration_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        conn.rollback()
    assert diff == []


def test_plain_json_states_are_compressed_by_the_migration(tmp_path):
    """A database from before the compressed states keeps its cases through the upgrade."""
    import json

    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.engine.serializer import state_json
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.sqlite3'}"

    old = create_app(Config)
    with old.app_context():
        upgrade(revision="97b9c08da65d")
        now = "2026-11-28 00:00:00"
        db.session.execute(text(
            "INSERT INTO process_versions (key, process_id, files, author, created_at, deployed_at, deployed_by) "
            "VALUES ('k', 'appeal', '{}', 'a', :t, :t, 'a')"), {"t": now})
        db.session.execute(text(
            "INSERT INTO cases (id, case_no, channel, status, description, opened_at, updated_at, warnings, "
            "process_version, workflow_state, lock_version, completed_elements) VALUES (1, 'MS1', '110', 'open', "
            "'d', :t, :t, '[]', 'k', :s, 0, '[]')"), {"t": now, "s": json.dumps({"tasks": {}, "root": "x"})})
        db.session.commit()
        upgrade()
        stored = db.session.execute(text("SELECT workflow_state FROM cases")).scalar_one()
        db.session.rollback()
        assert isinstance(stored, bytes) and json.loads(state_json(stored)) == {"tasks": {}, "root": "x"}
        db.engine.dispose()
