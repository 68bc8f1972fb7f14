"""Configuration, read from environment variables. Nothing here talks to a database."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", str(BASE_DIR / "instance")))


def _default_sqlite_url() -> str:
    INSTANCE_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'minsheng.sqlite3'}"


def instance_secret_key() -> str:
    """A development key made once per checkout and kept in the instance folder (never in the sources).
    Several gunicorn workers starting at once agree on it: the first creates the file exclusively."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
        raise RuntimeError(f"{path} is shorter than 32 characters; delete it to make a new one") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    return key


class Config:
    # None means "make one in the instance folder" (development); ProductionConfig refuses to start without it.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A signed-in page session lasts a working shift; signing out or a password change ends it at once.
    WEB_SESSION_HOURS = float(os.environ.get("WEB_SESSION_HOURS", "12"))
    # API tokens expire unless issued with another lifetime (`users token NAME --days N`).
    TOKEN_DAYS = int(os.environ.get("TOKEN_DAYS", "90"))
    # Sign-in throttling (Flask-Limiter): per account every attempt counts until a success clears it, per
    # address failures only. memory:// is per process: use a shared store (redis://...) when running
    # several web processes.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # One JSON line per request on stderr (app/ops/monitoring.py); REQUEST_LOG=0 turns it off.
    REQUEST_LOG = os.environ.get("REQUEST_LOG", "1") != "0"
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "50 per 15 minutes")
    # A reporter's lookups (/track and GET /api/v1/public/cases/…), per address: the wrong ones, and all.
    TRACK_LIMIT_WRONG_PER_ADDRESS = os.environ.get("TRACK_LIMIT_WRONG_PER_ADDRESS", "10 per 15 minutes")
    TRACK_LIMIT_PER_ADDRESS = os.environ.get("TRACK_LIMIT_PER_ADDRESS", "120 per hour")
    # Security headers: HTTPS is enforced in production only (the dev server and tests speak plain HTTP).
    FORCE_HTTPS = False
    # The service's own time per request (for dev tools and bench/); production does not tell attackers.
    SERVER_TIMING = os.environ.get("SERVER_TIMING", "1") != "0"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_sqlite_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_RECORD_QUERIES = False
    # Uploads of diagrams are the largest legitimate bodies; everything else is far smaller.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(4 * 1024 * 1024)))
    PROCESSES_DIR = os.environ.get("PROCESSES_DIR", str(BASE_DIR / "processes"))
    # Evidence from the scene: the one folder attachments are stored under (by content hash), and their limits.
    ATTACHMENTS_ROOT = os.environ.get("ATTACHMENTS_ROOT", str(INSTANCE_DIR / "attachments"))
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(12 * 1024 * 1024)))
    ATTACHMENT_MAX_PIXELS = int(os.environ.get("ATTACHMENT_MAX_PIXELS", str(50_000_000)))
    NODE_MODULES = os.environ.get("NODE_MODULES", str(BASE_DIR / "node_modules"))
    TIMEZONE = "Asia/Shanghai"
    # Behind a reverse proxy: how many proxies' X-Forwarded-For to trust (0 = the socket's address).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    JSON_AS_ASCII = False
    TIMER_INTERVAL = float(os.environ.get("TIMER_INTERVAL", "5"))
    # Live workflows a process keeps between requests (app/casework/warm.py), about 45 KB each: a case worked on
    # again before it ages out is not rebuilt from its stored state.
    WARM_WORKFLOWS = int(os.environ.get("WARM_WORKFLOWS", "256"))
    # The notifier (`flask notify run`): its sender (log or webhook), the webhook's address, how often it looks,
    # how long a leased message waits before another round may take it again (a killed notifier's), and the
    # tries: a doubling back-off from NOTIFY_RETRY_SECONDS, failed after NOTIFY_MAX_ATTEMPTS.
    NOTIFY_SENDER = os.environ.get("NOTIFY_SENDER", "log")
    NOTIFY_WEBHOOK_URL = os.environ.get("NOTIFY_WEBHOOK_URL", "")
    NOTIFY_WEBHOOK_TIMEOUT = float(os.environ.get("NOTIFY_WEBHOOK_TIMEOUT", "10"))
    NOTIFY_INTERVAL = float(os.environ.get("NOTIFY_INTERVAL", "2"))
    NOTIFY_LEASE_SECONDS = float(os.environ.get("NOTIFY_LEASE_SECONDS", "60"))
    NOTIFY_RETRY_SECONDS = float(os.environ.get("NOTIFY_RETRY_SECONDS", "30"))
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "6"))
    # Where citizens reach the service: the tracking link in the messages they get.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    API_TITLE = "民声一键办 case service"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "flask --app app users token NAME"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session",
                        "description": "a signed-in page session; writes also need the X-CSRFToken header"}}},
        "security": [{"bearer": []}, {"session": []}],
        "info": {"description": "民声一键办: citizens' matters that are not police work, routed, handled, mediated, "
                                "judicially confirmed and called back. Strings never contain NUL characters."},
    }


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "1") != "0"
    REQUIRE_SECRET_KEY = True
    SERVER_TIMING = os.environ.get("SERVER_TIMING", "0") != "0"


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    # A fresh key per test run: no key that a test (or an attacker) could read from the repository.
    SECRET_KEY = secrets.token_hex(32)
