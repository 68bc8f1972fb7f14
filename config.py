"""Configuration, read from environment variables. Nothing here talks to a database."""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _default_sqlite_url() -> str:
    instance = BASE_DIR / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'minsheng.sqlite3'}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_sqlite_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_RECORD_QUERIES = False
    # Uploads of diagrams are the largest legitimate bodies; everything else is far smaller.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(4 * 1024 * 1024)))
    PROCESSES_DIR = os.environ.get("PROCESSES_DIR", str(BASE_DIR / "processes"))
    NODE_MODULES = os.environ.get("NODE_MODULES", str(BASE_DIR / "node_modules"))
    TIMEZONE = "Asia/Shanghai"
    # Bearer tokens are checked against the database at most once per this many seconds per process.
    TOKEN_CACHE_SECONDS = int(os.environ.get("TOKEN_CACHE_SECONDS", "60"))
    JSON_AS_ASCII = False
    TIMER_INTERVAL = float(os.environ.get("TIMER_INTERVAL", "5"))

    API_TITLE = "民声一键办 case service"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    TOKEN_CACHE_SECONDS = 60
