"""Database round trips per request of the lifecycle, counted from what the database driver really sent.

On PostgreSQL libpq traces every protocol message of the app's connections; a round trip is one wait for
the server, i.e. one ReadyForQuery message back (the implicit BEGIN, each statement, the COMMIT). On SQLite
there is no server to wait for: the statements are counted instead. The app runs in this process and is
driven through Flask's test client with bearer tokens (no HTTP: only the database is counted).

    .venv/bin/python bench/roundtrips.py sqlite:////tmp/rt.sqlite3 [-n 5]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from client import STEPS  # noqa: E402
from fresh import fresh_database, make_app  # noqa: E402


class Counter:
    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements = 0
        self.postgres = engine.dialect.name == "postgresql"
        self.trace = tempfile.NamedTemporaryFile(prefix="libpq-", suffix=".trace", delete=False)  # noqa: SIM115
        event.listen(engine, "before_cursor_execute", self._statement)
        if self.postgres:
            event.listen(engine, "connect", self._traced)
            engine.dispose()  # connections opened from now on are traced

    def _statement(self, *_args: Any) -> None:
        self.statements += 1

    def _traced(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.pgconn.trace(self.trace.fileno())

    def round_trips(self) -> int:
        self.trace.flush()
        return Path(self.trace.name).read_text(errors="replace").count("\tReadyForQuery")

    def mark(self) -> tuple[int, int]:
        return self.statements, self.round_trips() if self.postgres else 0


def measure(url: str, lifecycles: int) -> dict[str, Any]:
    from app.extensions import db

    app = make_app(url, SERVER_TIMING=False)
    tokens = fresh_database(app, "round trips")
    with app.app_context():
        counter = Counter(db.engine)
    client = app.test_client()
    per: dict[str, list[tuple[int, int]]] = {}

    def counted(kind: str, user: str, method: str, path: str, body: Any = None) -> Any:
        before = counter.mark()
        resp = client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {tokens[user]}"})
        after = counter.mark()
        assert resp.status_code < 300, (path, resp.status_code, resp.get_data(as_text=True)[:300])
        per.setdefault(kind, []).append((after[0] - before[0], after[1] - before[1]))
        return resp.get_json()

    for n in range(lifecycles + 1):  # the first lifecycle warms the caches and is not counted
        case = counted("open", "intake", "POST", "/api/v1/cases", {
            "channel": "12345", "external_ref": f"rt-{n}", "description": "物流平台拖欠运费",
            "reporter": {"name": "谢师傅", "phone": "13800138000"}})
        for user, element_id, data in STEPS:
            items = client.get(f"/api/v1/tasks?case_no={case['case_no']}",
                               headers={"Authorization": f"Bearer {tokens[user]}"}).get_json()["items"]
            item = next(i for i in items if i["element_id"] == element_id)
            counted(f"complete:{element_id}", user, "POST", f"/api/v1/tasks/{item['id']}/complete",
                    {"data": data})
        if n == 0:
            per.clear()
    with app.app_context():
        db.engine.dispose()
    os.unlink(counter.trace.name)
    return {kind: {"statements": max(s for s, _r in rows), "round_trips": max(r for _s, r in rows)
                   if counter.postgres else None} for kind, rows in per.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("-n", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.url, args.n), indent=1))


if __name__ == "__main__":
    main()
