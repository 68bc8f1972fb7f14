"""The configuration checked when the app starts: a production process (ProductionConfig) refuses to start with
any problem, listing them all; a development one logs them. Env values that do not parse are reported here too,
instead of a traceback from deep in a worker."""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

POSITIVE = ("TIMER_INTERVAL", "NOTIFY_INTERVAL", "NOTIFY_LEASE_SECONDS", "NOTIFY_RETRY_SECONDS", "WEB_SESSION_HOURS",
            "NOTIFY_WEBHOOK_TIMEOUT")
AT_LEAST_ONE = ("TOKEN_DAYS", "NOTIFY_MAX_ATTEMPTS", "MAX_CONTENT_LENGTH", "ATTACHMENT_MAX_BYTES", "WARM_WORKFLOWS")


def problems(config: Mapping[str, Any], production: bool) -> list[str]:
    found = [f"{name} must be a number above 0 (is {config.get(name)!r})" for name in POSITIVE
             if not _number(config.get(name), above=0.0)]
    found += [f"{name} must be a whole number of at least 1 (is {config.get(name)!r})" for name in AT_LEAST_ONE
              if not (isinstance(config.get(name), int) and config[name] >= 1)]
    url = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if not url.startswith(("sqlite", "postgresql")):
        found.append(f"DATABASE_URL must be sqlite:///… or postgresql+psycopg://… (is {url.split('://')[0]!r})")
    if config.get("NOTIFY_SENDER") not in ("log", "webhook"):
        found.append(f"NOTIFY_SENDER must be log or webhook (is {config.get('NOTIFY_SENDER')!r})")
    elif config.get("NOTIFY_SENDER") == "webhook" and not str(config.get("NOTIFY_WEBHOOK_URL")).startswith("http"):
        found.append("NOTIFY_SENDER=webhook needs NOTIFY_WEBHOOK_URL (http:// or https://)")
    if not os.path.isabs(str(config.get("ATTACHMENTS_ROOT") or "")):
        found.append("ATTACHMENTS_ROOT must be an absolute path")
    if production:
        if url.startswith("sqlite") and os.environ.get("ALLOW_SQLITE") != "1":
            found.append("production runs on PostgreSQL (DATABASE_URL=postgresql+psycopg://…); a single-host "
                         "SQLite install sets ALLOW_SQLITE=1 and runs one timer worker")
        if urlsplit(str(config.get("PUBLIC_BASE_URL") or "")).scheme != "https":
            found.append("PUBLIC_BASE_URL must be the https:// address citizens reach the service at")
    return found


def warnings(config: Mapping[str, Any], production: bool) -> list[str]:
    said = []
    if production and str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        said.append("RATELIMIT_STORAGE_URI is memory://: each web process counts sign-in attempts on its own "
                    "(with 4 workers an account gets 4 times the tries); use redis://… for several processes")
    return said


def check(config: Mapping[str, Any], production: bool) -> None:
    for line in warnings(config, production):
        log.warning("configuration: %s", line)
    found = problems(config, production)
    if found and production:
        raise RuntimeError("the configuration has problems:\n  - " + "\n  - ".join(found))
    for line in found:
        log.warning("configuration: %s", line)


def _number(value: Any, above: float) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > above
