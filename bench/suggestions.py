"""How long one suggestion takes (issue 12: ≤ 20 ms per report at p95, model loaded once per process).

    .venv/bin/python bench/suggestions.py [--rounds N] [--out PATH]

Times suggest() on every labelled report (held-out writer included), in-process and through POST
/api/v1/suggestions on the Flask test client (routing, auth, validation and serialization included), after
one warm-up call that loads jieba's dictionary and the model."""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _figures(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)

    return {"n": len(times), "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "max_ms": round(ordered[-1] * 1000, 2), "mean_ms": round(statistics.mean(times) * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from app import create_app
    from app.routing.suggestions import model
    from app.routing.suggestions.suggest import suggest

    reports = model.read_reports(model.labelled_files(held_out=False) + model.labelled_files(held_out=True))
    started = time.perf_counter()
    suggest(reports[0].text, reports[0].address)
    first = time.perf_counter() - started

    direct = []
    for _ in range(args.rounds):
        for r in reports:
            t0 = time.perf_counter()
            suggest(r.text, r.address)
            direct.append(time.perf_counter() - t0)

    with tempfile.TemporaryDirectory() as tmp:
        from flask_migrate import upgrade

        from app.auth.service import create_user
        from app.auth.tokens import issue_token
        from app.extensions import db
        from config import TestConfig

        class BenchConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"
            REQUEST_LOG = False  # the benchmark's own requests are not an operator's log

        app = create_app(BenchConfig)
        with app.app_context():
            upgrade()
            token, _row = issue_token(create_user("bench-intake", ["intake"], [], display_name="识别基准"), "bench")
            db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        over_http = []
        for r in reports:
            t0 = time.perf_counter()
            resp = client.post("/api/v1/suggestions", json={"text": r.text, "address": r.address or None},
                               headers=headers)
            over_http.append(time.perf_counter() - t0)
            assert resp.status_code == 200, resp.get_data(as_text=True)

    result = {"first_call_s": round(first, 2), "suggest": _figures(direct), "http": _figures(over_http),
              "reports": len(reports), "rounds": args.rounds, "target_p95_ms": 20}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
