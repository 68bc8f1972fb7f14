"""The loop every background worker runs (the timer sweep, the notifier): one round, then a pause, until SIGTERM or
SIGINT, which let the round in hand finish. A round that fails is rolled back and reported, and the loop goes on."""
from __future__ import annotations

import signal
import time
from collections.abc import Callable
from types import FrameType

import click

from app.extensions import db

# A round returns the line to print (None: nothing worth saying) and whether more is waiting at once.
Round = Callable[[], tuple[str | None, bool]]


def run_rounds(every: float, one_round: Round, failed: str) -> None:
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        started = time.monotonic()
        more = False
        try:
            line, more = one_round()
            if line:
                click.echo(line)
        except Exception as err:
            db.session.rollback()
            click.echo(f"{failed}: {err}", err=True)
        finally:
            db.session.remove()
        if not more:
            time.sleep(max(0.0, every - (time.monotonic() - started)))
