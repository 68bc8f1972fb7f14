"""`flask --app app notify run` (the notifier's loop) and `flask --app app notify once` (what is due now)."""
from __future__ import annotations

import signal
import time
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from app.engine import clock
from app.extensions import db
from app.notify.deliver import Delivered, deliver_due
from app.notify.senders import configured

notify_cli = AppGroup("notify", help="Deliver the outbox: messages to reporters, teams and channels.")


def _said(result: Delivered) -> str:
    return f"sent {result.sent}, to retry {result.retried}, failed {result.failed}"


@notify_cli.command("once")
@click.option("--batch", default=200, show_default=True, help="Messages leased at a time.")
def notify_once(batch: int) -> None:
    """Deliver every message due now and stop."""
    sender, total = configured(current_app.config), Delivered()
    while True:
        result = deliver_due(sender, clock.now(), batch)
        total.sent, total.retried, total.failed = (total.sent + result.sent, total.retried + result.retried,
                                                   total.failed + result.failed)
        if not (result.sent or result.retried or result.failed):
            break
        if result.retried or result.failed:
            break  # what failed now comes due again only after its back-off
    click.echo(_said(total))


@notify_cli.command("run")
@click.option("--interval", default=None, type=float, help="Seconds between rounds (config NOTIFY_INTERVAL).")
@click.option("--batch", default=50, show_default=True, help="Messages leased at a time.")
def notify_run(interval: float | None, batch: int) -> None:
    """Deliver the outbox until stopped (SIGTERM/SIGINT finish the message in hand first)."""
    every = interval if interval is not None else float(current_app.config["NOTIFY_INTERVAL"])
    sender = configured(current_app.config)
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"notifier: {sender.name} sender, every {every:g} s ({db.engine.dialect.name})")
    while not stopping:
        started = time.monotonic()
        try:
            result = deliver_due(sender, clock.now(), batch)
            if result.sent or result.retried or result.failed:
                click.echo(f"{clock.now().isoformat(timespec='seconds')} {_said(result)}")
                if result.sent == batch:
                    continue  # more may be waiting: no pause
        except Exception as err:
            db.session.rollback()
            click.echo(f"delivery round failed: {err}", err=True)
        finally:
            db.session.remove()
        time.sleep(max(0.0, every - (time.monotonic() - started)))
