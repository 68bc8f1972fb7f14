"""The loop every background worker runs (the timer sweep, the notifier): one round, then a pause, until SIGTERM or
SIGINT, which let the round in hand finish. A round that fails is rolled back and reported, and the loop goes on;
while rounds keep failing (the database is down) the pause doubles up to BACKOFF_LIMIT, and the first round that
succeeds brings the usual pace back."""
from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable
from types import FrameType

import click

from app import metrics
from app.extensions import db

# A round returns the line to print (None: nothing worth saying) and whether more is waiting at once.
Round = Callable[[], tuple[str | None, bool]]
BACKOFF_LIMIT = 30.0


def pause_after(every: float, failures: int) -> float:
    """The pause after a round: the interval, doubled per failure in a row, at most BACKOFF_LIMIT seconds."""
    if failures == 0:
        return every
    return min(BACKOFF_LIMIT, max(every, 0.5) * 2.0 ** failures)


def run_rounds(every: float, one_round: Round, failed: str, worker: str = "worker") -> None:
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failures = 0
    while not stopping:
        started = time.monotonic()
        more = False
        try:
            line, more = one_round()
            if line:
                click.echo(line)
            if failures:
                click.echo(f"{worker}: working again after {failures} failed round(s)")
            failures = 0
        except Exception as err:
            failures += 1
            metrics.SWEEP_FAILURES.labels(worker).inc()
            # The connection may have died with the database: the pool gives a new one next round.
            with contextlib.suppress(Exception):
                db.session.rollback()
            click.echo(f"{failed}: {str(err).splitlines()[0][:300] if str(err) else type(err).__name__}; "
                       f"next try in {pause_after(every, failures):g} s", err=True)
        finally:
            db.session.remove()
        if not more or failures:
            until = started + pause_after(every, failures)
            while not stopping and time.monotonic() < until:  # a stop does not wait out a long back-off
                time.sleep(min(0.2, max(0.0, until - time.monotonic())))
