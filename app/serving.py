"""gunicorn's settings for the service (`gunicorn -c python:app.serving`): each worker loads jieba's dictionary
and the identification's model before it takes requests, so no reporter waits a second for the first one."""
from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from app.routing.suggestions.suggest import suggest

    suggest("预热：模型与分词词典在接单前载入")


def child_exit(_server: Any, worker: Any) -> None:
    """A worker that ended: prometheus_client's multiprocess mode drops its live gauges (its counters stay summed)."""
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
