"""The city's roster imported over HTTP on SQLite (issue 16): 1,400 members of 87 teams with 20 bad rows — the dry
run's time and its problems — then the fixed roster imported in one transaction (target < 10 s), and the
caseworker's queue (the page and GET /tasks) timed before and after, so that 1,400 more people leave it as fast.

    .venv/bin/python bench/roster.py [--members 1400] [--bad 20] [--rounds 40] [--out bench/results/roster.json]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from fresh import fresh_database, make_app  # noqa: E402
from run import Server  # noqa: E402

from app.demo.rosters import generate  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _timed(call: Any, rounds: int) -> dict[str, float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
            "rounds": rounds}


def _signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/login", timeout=10).text)
    assert token is not None
    resp = session.post(f"{base}/login", data={"username": username, "password": "minsheng-demo",
                                               "csrf_token": token.group(1)}, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    return session


def _queue(base: str, token: str, page: requests.Session, rounds: int) -> dict[str, Any]:
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"

    def read_page() -> None:
        assert page.get(f"{base}/", timeout=30).status_code == 200

    def read_api() -> None:
        assert api.get(f"{base}/api/v1/tasks", params={"scope": "team"}, timeout=30).status_code == 200

    read_page(), read_api()  # warm
    return {"page": _timed(read_page, rounds), "api": _timed(read_api, rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1400)
    parser.add_argument("--bad", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--cases", type=int, default=200, help="cases waiting in the Gaozhao team's queue")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-roster-"))
    url = f"sqlite:///{work / 'roster.sqlite3'}"
    app = make_app(url)
    tokens = fresh_database(app, "bench-roster")
    from sqlalchemy import select

    from app.auth.service import get_user
    from app.auth.tokens import issue_token
    from app.extensions import db
    from app.routing.models import Team

    with app.app_context():
        admin_token, _row = issue_token(get_user("admin"), "bench-roster")  # type: ignore[arg-type]
        db.session.commit()
        teams = list(db.session.execute(select(Team.code).where(Team.kind.in_(("township", "specialised")))
                                        .order_by(Team.kind.desc(), Team.code)).scalars())[:87]
        db.engine.dispose()
    server = Server(url, threads=4)
    try:
        base = server.base
        intake = requests.Session()
        intake.headers["Authorization"] = f"Bearer {tokens['intake']}"
        dispatcher = requests.Session()
        dispatcher.headers["Authorization"] = f"Bearer {tokens['dispatcher']}"
        for i in range(args.cases):
            case = intake.post(f"{base}/api/v1/cases", timeout=30, json={
                "channel": "12345", "external_ref": f"roster-bench-{i}", "description": "拖欠工资，老板失联",
                "reporter": {"name": "王女士", "phone": "13900139000"}, "township": "高照街道"}).json()
            item = dispatcher.get(f"{base}/api/v1/tasks", params={"case_no": case["case_no"]}, timeout=30).json()
            dispatcher.post(f"{base}/api/v1/tasks/{item['items'][0]['id']}/complete", timeout=30, json={"data": {
                "is_police_matter": False, "category": "wage_arrears", "township": "xiuzhou-gaozhao"}})
        page = _signed_in(base, "gaozhao")
        before = _queue(base, tokens["gaozhao"], page, args.rounds)

        roster = generate(teams, args.members, args.bad)
        admin = requests.Session()
        admin.headers["Authorization"] = f"Bearer {admin_token}"

        def upload(data: bytes, name: str, dry_run: bool) -> tuple[float, dict[str, Any], int]:
            started = time.perf_counter()
            resp = admin.post(f"{base}/api/v1/users/import" + ("?dry_run=1" if dry_run else ""), timeout=120,
                              files={"file": (name, data, "application/octet-stream")})
            return round(time.perf_counter() - started, 3), resp.json(), resp.status_code

        xlsx = roster.xlsx_bytes()
        dry_seconds, dry, _status = upload(xlsx, "roster.xlsx", True)
        assert sorted((p["row"], p["column"]) for p in dry["problems"]) == roster.expected, dry["problems"][:5]
        fixed = roster.fixed().xlsx_bytes()
        import_seconds, done, status = upload(fixed, "roster-fixed.xlsx", False)
        assert status == 200 and done["created"] == args.members, done
        after = _queue(base, tokens["gaozhao"], page, args.rounds)
        result = {
            "members": args.members, "teams": len(teams), "bad_rows": args.bad, "database": "sqlite",
            "file_bytes": len(xlsx), "dry_run_seconds": dry_seconds, "problems": len(dry["problems"]),
            "import_seconds": import_seconds, "created": done["created"], "target_import_seconds": 10,
            "queue_cases": args.cases, "queue_before": before, "queue_after": after,
        }
    finally:
        server.stop()
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
