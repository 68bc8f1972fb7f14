"""`flask --app app timers tick [--now ISO]` and `flask --app app timers run` (the worker loop)."""
from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from app.engine import clock
from app.extensions import db
from app.timers.service import tick
from app.worker import run_rounds

timers_cli = AppGroup("timers", help="Fire due timers (escalations, reminders, court limits).")


def _parse_now(value: str | None) -> datetime:
    if value is None:
        return clock.now()
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {value}", param_hint="--now") from None
    if when.tzinfo is None:
        raise click.BadParameter("give an offset, e.g. 2026-12-01T10:00:00+08:00", param_hint="--now")
    return when


@timers_cli.command("tick")
@click.option("--now", "now_text", default=None, help="Fire what is due at this instant (ISO 8601 with offset).")
@click.option("--batch-size", default=20, show_default=True)
def timers_tick(now_text: str | None, batch_size: int) -> None:
    """Fire every timer due at NOW once, and print how many fired."""
    result = tick(_parse_now(now_text), batch_size=batch_size)
    click.echo(f"fired {result.timers} timer(s) on {result.cases} case(s); {result.failed} failed")


@timers_cli.command("run")
@click.option("--interval", default=None, type=float, help="Seconds between sweeps (config TIMER_INTERVAL).")
def timers_run(interval: float | None) -> None:
    """Sweep for due timers until stopped (SIGTERM/SIGINT finish the current sweep first)."""
    every = interval if interval is not None else float(current_app.config["TIMER_INTERVAL"])
    click.echo(f"timer worker: sweeping every {every:g} s ({db.engine.dialect.name})")

    def sweep() -> tuple[str | None, bool]:
        result = tick(clock.now())
        if not (result.timers or result.failed):
            return None, False
        return (f"{clock.now().isoformat(timespec='seconds')} fired {result.timers} timer(s) on {result.cases} "
                f"case(s); {result.failed} failed"), False

    run_rounds(every, sweep, "sweep failed", "timer worker")
