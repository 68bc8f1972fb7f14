"""Scale-out on PostgreSQL (issue 15): 2 web processes + 2 timer workers against 1 + 1, on this machine.

For each layout: a fresh database; gunicorn with W workers; whole lifecycles driven over HTTP by the benchmark's
client process (concurrency 8); then a backlog of cases left at routing, whose timers T sweeps fire at once
(`flask timers tick` processes side by side: FOR UPDATE SKIP LOCKED shares the due cases out), timed to the last.

    BENCH_POSTGRES_URL=postgresql+psycopg://app:apppw@127.0.0.1:54329/appdb \\
        .venv/bin/python bench/scale.py [--lifecycles 300] [--backlog 1000] [--out bench/results/scale.json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from client import Connection  # noqa: E402
from run import VENV_BIN, Server, drive, prepare  # noqa: E402


def backlog(base: str, token: str, n: int) -> float:
    """n cases opened and left at routing (each with its routing reminder and escalation timers)."""
    def one(i: int) -> None:
        conn = Connection(base, token)
        status, body, _c, _s = conn.call("POST", "/cases", {
            "channel": "12345", "external_ref": f"backlog-{i}-{time.time_ns()}", "description": "路面有碎玻璃",
            "reporter": {"name": "王女士", "phone": "13900139000"}, "township": "高照街道"})
        assert status == 201, body

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(n)))
    return time.perf_counter() - started


def _tick(env: dict[str, str], when: str) -> subprocess.Popen[str]:
    return subprocess.Popen([str(VENV_BIN / "flask"), "--app", "app", "timers", "tick", "--now", when],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)


def sweep(url: str, workers: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    # A process's start (imports, the app) is not sweeping: measured alone, on a tick with nothing due.
    started = time.perf_counter()
    _tick(env, (datetime.now(UTC) - timedelta(days=1)).isoformat()).communicate(timeout=120)
    startup = time.perf_counter() - started
    when = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    started = time.perf_counter()
    procs = [_tick(env, when) for _ in range(workers)]
    fired = []
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0
        fired.append(int(out.split()[1]))
    seconds = time.perf_counter() - started
    sweeping = max(seconds - startup, 1e-3)
    return {"seconds": round(seconds, 2), "process_start_seconds": round(startup, 2), "timers_fired": sum(fired),
            "per_worker": fired, "timers_per_s": round(sum(fired) / sweeping, 1)}


def layout(url: str, web_workers: int, timer_workers: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    print(f"== {web_workers} web + {timer_workers} timer workers", flush=True)
    tokens_path = prepare(url, work)
    tokens = json.loads(tokens_path.read_text())
    web = Server(url, 4, workers=web_workers, warm=True)
    try:
        driven = drive(web, tokens_path, args.lifecycles, 8, 0, work)
        opened = backlog(web.base, tokens["intake"], args.backlog)
    finally:
        web.stop()
    swept = sweep(url, timer_workers)
    result = {"web_workers": web_workers, "timer_workers": timer_workers,
              "lifecycles_per_s": round(driven["lifecycles_per_s"], 2),
              "complete_p95_ms": round(driven["latency"]["complete"]["p95"], 1),
              "open_p95_ms": round(driven["latency"]["open"]["p95"], 1),
              "intake_per_s": round(args.backlog / opened, 1), "sweep": swept}
    print(f"   {result}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=300)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    url = os.environ.get("BENCH_POSTGRES_URL")
    if not url:
        raise SystemExit("set BENCH_POSTGRES_URL to a PostgreSQL database the benchmark may wipe")
    work = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    one = layout(url, 1, 1, args, work)
    two = layout(url, 2, 2, args, work)
    result = {"cpus": os.cpu_count(), "database": "postgresql (same machine)", "lifecycles": args.lifecycles,
              "backlog": args.backlog, "layouts": [one, two],
              "speedup": {"lifecycles": round(two["lifecycles_per_s"] / one["lifecycles_per_s"], 2),
                          "intake": round(two["intake_per_s"] / one["intake_per_s"], 2),
                          "sweep": round(two["sweep"]["timers_per_s"] / one["sweep"]["timers_per_s"], 2)}}
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
