"""The outbox (issue 14): messages written in the case change's own transaction, delivered by the notifier at
least once under their key — through a real HTTP webhook receiver, a failing one retried with back-off until it
shows as failed, and a notifier SIGKILLed mid-batch that, restarted, still delivers every message."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.engine import clock
from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


class Receiver:
    """A webhook on a local port: records what it is sent, answers ``status`` after ``delay`` seconds."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status, self.delay = status, delay
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.received.append((self.headers.get("Idempotency-Key"), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def keys(self) -> set[str]:
        with self.lock:
            return {key for key, _body in self.received if key}


@contextmanager
def webhook(app, receiver: Receiver, **config: Any) -> Iterator[None]:
    saved = {k: app.config[k] for k in ("NOTIFY_SENDER", "NOTIFY_WEBHOOK_URL", *config)}
    app.config.update(NOTIFY_SENDER="webhook", NOTIFY_WEBHOOK_URL=receiver.url, **config)
    try:
        yield
    finally:
        app.config.update(saved)
        receiver.server.shutdown()


def notify_once(app) -> str:
    result = app.test_cli_runner().invoke(args=["notify", "once"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def _closed_case(clients) -> str:
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    clients("gaozhao").post(f"/tasks/{item['id']}/claim")
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "已协调，运费当场付清。"})
    act(clients, "callback", no, {"satisfaction": "satisfied"})
    return no


def test_each_change_owes_its_messages_in_its_own_transaction(clients, sql):
    no = _closed_case(clients)
    rows = sql("SELECT o.kind, o.audience, o.team_code, o.key, o.state FROM outbox o JOIN cases c ON c.id = o.case_id "
               "WHERE c.case_no = :no ORDER BY o.id", no=no)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("accepted", "reporter", None), ("step", "team", "dispatch-city"),
        ("dispatched", "reporter", None), ("step", "team", "ms-xiuzhou-gaozhao"),
        ("handled", "reporter", None), ("step", "team", "callback-city"),
        ("closed", "reporter", None)], rows
    assert len({r[3] for r in rows}) == len(rows) and {r[4] for r in rows} == {"pending"}
    assert not any(r[0] == "reply" for r in rows), "a 110 transfer has no channel to answer"

    other = new_case(clients)["case_no"]
    before = sql("SELECT count(*) FROM outbox")[0][0]
    item = open_item(clients, "dispatcher", other)
    refused = clients("dispatcher").post(f"/tasks/{item['id']}/complete", json={"data": {"township": 5}})
    assert refused.status_code == 422
    assert sql("SELECT count(*) FROM outbox")[0][0] == before, "a refused change owes nothing"


def test_the_notifier_delivers_each_message_once_with_its_key(app, clients, sql):
    no = _closed_case(clients)
    receiver = Receiver()
    with webhook(app, receiver):
        assert "sent 7, to retry 0, failed 0" in notify_once(app)
        assert "sent 0" in notify_once(app), "nothing twice"
    keys = [k for k, _ in receiver.received]
    bodies = {body["kind"] + ":" + body["audience"]: body for _k, body in receiver.received}
    assert len(keys) == 7 and all(keys) and keys == [b["key"] for _k, b in receiver.received]
    accepted = bodies["accepted:reporter"]
    assert accepted["to"] == {"phone": "13800138000"} and no in accepted["text"]
    assert accepted["tracking_url"].endswith(f"/track?case_no={no}") and accepted["tracking_url"] in accepted["text"]
    assert "高照街道民声服务队" in bodies["dispatched:reporter"]["text"]
    assert bodies["closed:reporter"]["text"].startswith("【民声一键办】")
    states = {r[0] for r in sql("SELECT state FROM outbox")}
    assert states == {"sent"}


def test_an_online_post_gets_its_official_reply_back(app, clients, sql):
    no = new_case(clients, channel="online", external_ref="post-8812",
                  channel_details={"platform": "南湖论坛"})["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "已处理。"})
    act(clients, "callback", no, {"satisfaction": "satisfied",
                                  "official_reply": "您好，您反映的运费问题已协调解决，感谢监督。"})
    public = clients(None).get(f"/public/cases/{no}", params={"phone_last4": "8000"}).json()
    assert public["reply"] == "您好，您反映的运费问题已协调解决，感谢监督。" and public["reply_at"]
    receiver = Receiver()
    with webhook(app, receiver):
        notify_once(app)
    reply = next(body for _k, body in receiver.received if body["kind"] == "reply")
    assert reply["to"] == {"channel": "online", "external_ref": "post-8812"}
    assert reply["text"] == "您好，您反映的运费问题已协调解决，感谢监督。"


def test_a_refusing_webhook_is_retried_with_back_off_then_shows_failed(app, clients, sql):
    clock.set(T0)
    new_case(clients)
    receiver = Receiver(status=500)
    with webhook(app, receiver, NOTIFY_MAX_ATTEMPTS=3, NOTIFY_RETRY_SECONDS=30):
        assert "to retry 2" in notify_once(app)  # accepted (reporter) and the route step (team)
        assert len(receiver.received) == 2
        clock.set(T0 + timedelta(seconds=20))
        notify_once(app)
        assert len(receiver.received) == 2, "not before its back-off"
        clock.set(T0 + timedelta(seconds=31))
        notify_once(app)
        assert len(receiver.received) == 4, "the second try after 30 s"
        clock.set(T0 + timedelta(seconds=31 + 59))
        notify_once(app)
        assert len(receiver.received) == 4, "the third try waits twice as long"
        clock.set(T0 + timedelta(seconds=31 + 61))
        assert "failed 2" in notify_once(app)
        clock.set(T0 + timedelta(days=1))
        notify_once(app)
        assert len(receiver.received) == 6, "a failed message is not tried again"
    failed = clients("supervisor").get("/notifications", params={"state": "failed"}).json()
    assert failed["total"] == 2
    assert {i["last_error"] for i in failed["items"]} == {"HTTP 500 from the webhook"}
    assert {i["attempts"] for i in failed["items"]} == {3}
    assert clients("gaozhao").get("/notifications").status_code == 403
    assert "13800138000" not in json.dumps(failed)


def test_a_notifier_killed_mid_batch_delivers_everything_after_restart(app, clients, sql):
    for _ in range(8):
        new_case(clients)
    total = sql("SELECT count(*) FROM outbox")[0][0]
    assert total == 16
    receiver = Receiver(delay=0.15)
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PYTHONPATH": str(REPO),
           "NOTIFY_SENDER": "webhook", "NOTIFY_WEBHOOK_URL": receiver.url, "NOTIFY_LEASE_SECONDS": "1",
           "NOTIFY_INTERVAL": "0.2"}

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "notify", "run", "--batch", "10"],
                                cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    proc = start()
    try:
        deadline = time.monotonic() + 60
        while len(receiver.keys()) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        got_before = len(receiver.keys())
        assert 4 <= got_before < total, "killed mid-batch"
        proc = start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if sql("SELECT count(*) FROM outbox WHERE state <> 'sent'")[0][0] == 0:
                break
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        receiver.server.shutdown()
    keys = {r[0] for r in sql("SELECT key FROM outbox WHERE state = 'sent'")}
    assert len(keys) == total
    assert keys <= receiver.keys(), "every message delivered at least once, each under its key"


def test_an_escalation_is_owed_to_the_supervisors(app, clients, sql):
    from tests.flows import tick

    clock.set(T0)
    no = new_case(clients)["case_no"]
    tick(app, T0 + timedelta(minutes=10))  # past the routing's limit: an escalation step for the desk
    rows = sql("SELECT o.kind, o.team_code, o.data FROM outbox o JOIN cases c ON c.id = o.case_id "
               "WHERE c.case_no = :no AND o.kind = 'escalation'", no=no)
    assert rows and rows[0][1] == "supervision-city", rows
