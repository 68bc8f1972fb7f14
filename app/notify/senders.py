"""Who carries a message out. Pluggable by configuration (NOTIFY_SENDER): `log` (the default: one line per
message in the service's log, the phone masked) and `webhook` (an HTTP POST of the message as JSON to
NOTIFY_WEBHOOK_URL, for an SMS gateway or the government app, with the message's key as Idempotency-Key)."""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any, Protocol

from app.notify.messages import Message

log = logging.getLogger("app.notify")


class DeliveryFailed(Exception):
    """The receiver did not take the message; it is tried again later."""


class Sender(Protocol):
    name: str

    def send(self, message: Message) -> None: ...


def masked_phone(phone: str | None) -> str | None:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 else ("****" if digits else None)


class LogSender:
    name = "log"

    def send(self, message: Message) -> None:
        to = dict(message.to)
        if "phone" in to:
            to["phone"] = masked_phone(to["phone"])
        if "on_duty" in to:  # a team's notice names its members on duty, with their phones
            to["on_duty"] = [{**p, "phone": masked_phone(p.get("phone"))} for p in to["on_duty"]]
        log.info("notify %s %s %s to=%s %s", message.key, message.kind, message.case_no,
                 json.dumps(to, ensure_ascii=False), message.text)


class WebhookSender:
    name = "webhook"

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, message: Message) -> None:
        body = json.dumps(message.as_json(), ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.key,
            "User-Agent": "minsheng-notify/1"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                answer.read()
        except urllib.error.HTTPError as err:
            raise DeliveryFailed(f"HTTP {err.code} from the webhook") from None
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            raise DeliveryFailed(f"webhook unreachable: {getattr(err, 'reason', err)}") from None


def configured(config: Any) -> Sender:
    kind = config.get("NOTIFY_SENDER", "log")
    if kind == "webhook":
        url = config.get("NOTIFY_WEBHOOK_URL")
        if not url:
            raise RuntimeError("NOTIFY_SENDER=webhook needs NOTIFY_WEBHOOK_URL")
        return WebhookSender(url, float(config.get("NOTIFY_WEBHOOK_TIMEOUT", 10)))
    if kind != "log":
        raise RuntimeError(f"NOTIFY_SENDER: log or webhook, not {kind!r}")
    return LogSender()
