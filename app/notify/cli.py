"""`flask --app app notify run` (the notifier's loop) and `flask --app app notify once` (what is due now)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.engine import clock
from app.extensions import db
from app.notify.deliver import Delivered, deliver_due
from app.notify.senders import configured
from app.worker import run_rounds

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
    click.echo(f"notifier: {sender.name} sender, every {every:g} s ({db.engine.dialect.name})")

    def deliver() -> tuple[str | None, bool]:
        result = deliver_due(sender, clock.now(), batch)
        if not (result.sent or result.retried or result.failed):
            return None, False
        # A full batch sent: more may be waiting, no pause.
        return f"{clock.now().isoformat(timespec='seconds')} {_said(result)}", result.sent == batch

    run_rounds(every, deliver, "delivery round failed", "notifier")
