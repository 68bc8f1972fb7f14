"""The configuration is checked at start: production refuses every problem at once, with its setting's name."""
from __future__ import annotations

import pytest

from app import create_app
from config import ProductionConfig, TestConfig


class GoodProduction(ProductionConfig):
    SECRET_KEY = "k" * 40
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://app:pw@127.0.0.1:1/none"
    PUBLIC_BASE_URL = "https://minsheng.jiaxing.example"
    RATELIMIT_STORAGE_URI = "memory://"


def test_a_sound_production_configuration_starts():
    assert create_app(GoodProduction).config["PUBLIC_BASE_URL"].startswith("https")


def test_production_lists_every_problem_and_refuses_to_start():
    class Bad(GoodProduction):
        SQLALCHEMY_DATABASE_URI = "sqlite:////tmp/x.sqlite3"
        TIMER_INTERVAL = 0
        NOTIFY_SENDER = "webhook"
        NOTIFY_WEBHOOK_URL = ""
        PUBLIC_BASE_URL = "http://127.0.0.1:5000"
        ATTACHMENTS_ROOT = "relative/folder"
        WARM_WORKFLOWS = 0

    with pytest.raises(RuntimeError) as refused:
        create_app(Bad)
    message = str(refused.value)
    for name in ("TIMER_INTERVAL", "NOTIFY_WEBHOOK_URL", "PUBLIC_BASE_URL", "ATTACHMENTS_ROOT", "PostgreSQL",
                 "WARM_WORKFLOWS"):
        assert name in message, name


def test_sqlite_in_production_is_an_explicit_choice(monkeypatch):
    class OneHost(GoodProduction):
        SQLALCHEMY_DATABASE_URI = "sqlite:////tmp/one-host.sqlite3"

    with pytest.raises(RuntimeError, match="ALLOW_SQLITE"):
        create_app(OneHost)
    monkeypatch.setenv("ALLOW_SQLITE", "1")
    create_app(OneHost)


def test_development_only_warns():
    class Odd(TestConfig):
        NOTIFY_SENDER = "pigeon"

    assert create_app(Odd).config["NOTIFY_SENDER"] == "pigeon"
