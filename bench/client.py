"""The benchmark's client: a separate process driving complete lifecycles over keep-alive HTTP connections.

    python bench/client.py --base http://127.0.0.1:PORT --tokens tokens.json --lifecycles N --concurrency C \
        [--reads M] --out result.json

Forms are prepared beforehand; each thread keeps one connection per user. Records client-side latency and
the server's own time (its Server-Timing header) per request kind.
"""
from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

STEPS = [
    ("dispatcher", "Task_route",
     {"is_police_matter": False, "category": "labour_dispute", "township": "xiuzhou-gaozhao"}),
    ("gaozhao", "Task_handle", {"result": "needs_mediation"}),
    ("gaozhao", "Task_mediate", {"outcome": "agreement", "apply_judicial_confirmation": True}),
    ("court", "Task_judicial", {"decision": "confirmed"}),
    ("callback", "Task_callback", {"satisfaction": "satisfied"}),
]
USERS = ("intake", "dispatcher", "gaozhao", "court", "callback")


class Connection:
    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, float, float]:
        payload = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        self.conn.request(method, "/api/v1" + path, body=payload, headers=self.headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        elapsed = time.perf_counter() - started
        timing = resp.getheader("Server-Timing") or "app;dur=0"
        server_ms = float(timing.split("dur=")[1])
        return resp.status, json.loads(raw) if raw else None, elapsed * 1000, server_ms


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[tuple[float, float]]] = {}

    def add(self, kind: str, client_ms: float, server_ms: float) -> None:
        with self.lock:
            self.samples.setdefault(kind, []).append((client_ms, server_ms))


def lifecycle(conns: dict[str, Connection], rec: Recorder, steps: int = len(STEPS)) -> int | None:
    body = {"channel": "12345", "external_ref": f"bench-{uuid.uuid4().hex}", "description": "货车司机反映运费被拖欠",
            "reporter": {"name": "谢师傅", "phone": "13800138000"}, "township": "高照街道", "category": "劳资纠纷"}
    status, case, client_ms, server_ms = conns["intake"].call("POST", "/cases", body)
    assert status == 201, case
    rec.add("open", client_ms, server_ms)
    item = case["open_tasks"][0]["id"]
    for user, element, data in STEPS[:steps]:
        status, done, client_ms, server_ms = conns[user].call("POST", f"/tasks/{item}/complete", {"data": data})
        assert status == 200, done
        rec.add("complete", client_ms, server_ms)
        rec.add(f"complete:{element}", client_ms, server_ms)
        item = done["next"][0]["id"] if done["next"] else None
    return item


def run(base: str, tokens: dict[str, str], lifecycles: int, concurrency: int, reads: int) -> dict[str, Any]:
    rec = Recorder()
    per_thread = [lifecycles // concurrency + (1 if i < lifecycles % concurrency else 0) for i in range(concurrency)]

    def writer(count: int) -> None:
        conns = {u: Connection(base, tokens[u]) for u in USERS}
        for _ in range(count):
            lifecycle(conns, rec)

    threads = [threading.Thread(target=writer, args=(n,)) for n in per_thread]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    write_seconds = time.perf_counter() - started

    # Reads: a caseworker's queue and task page, against open handling steps of the team.
    read_rec = Recorder()
    if reads:
        conns = {u: Connection(base, tokens[u]) for u in USERS}
        open_items = [lifecycle(conns, Recorder(), steps=1) for _ in range(min(20, reads))]

        def reader(count: int) -> None:
            mine = Connection(base, tokens["gaozhao"])
            for i in range(count):
                status, _, client_ms, server_ms = mine.call("GET", "/tasks?scope=team&per_page=20")
                assert status == 200
                read_rec.add("list_tasks", client_ms, server_ms)
                status, _, client_ms, server_ms = mine.call("GET", f"/tasks/{open_items[i % len(open_items)]}")
                assert status == 200
                read_rec.add("get_task", client_ms, server_ms)

        readers = [threading.Thread(target=reader, args=(reads // concurrency or 1,)) for _ in range(concurrency)]
        for t in readers:
            t.start()
        for t in readers:
            t.join()
    rec.samples.update(read_rec.samples)
    return {"lifecycles": lifecycles, "concurrency": concurrency, "write_seconds": write_seconds,
            "lifecycles_per_s": lifecycles / write_seconds, "samples": rec.samples}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--lifecycles", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.tokens) as f:
        tokens = json.load(f)
    result = run(args.base, tokens, args.lifecycles, args.concurrency, args.reads)
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
