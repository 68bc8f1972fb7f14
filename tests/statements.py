"""Recording the statements the service sends, with the module of the app that issued each one.

A ``before_cursor_execute`` hook walks the issuing thread's stack to its innermost frame in ``app.``: that
module is the statement's author. Statements with no app frame on the stack come from the tests themselves
(fixtures clearing tables, migrations run by the session fixture).
"""
from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?([a-z_]+)\"?", re.IGNORECASE)
CASE_TABLES = frozenset({"cases", "work_items", "case_events"})
NOT_TABLES = frozenset({"set"})  # "ON CONFLICT DO UPDATE SET"


def tables_written(statement: str) -> set[str]:
    return {m.group(2).lower() for m in WRITE.finditer(statement)} - NOT_TABLES


# Helpers that only pass a statement on: its author is the module that called them.
PASS_THROUGH = frozenset({"app.database"})


def issuing_module() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if (name == "app" or name.startswith("app.")) and name not in PASS_THROUGH:
            return str(name)
        frame = frame.f_back  # type: ignore[assignment]
    return None


@dataclass
class Statement:
    sql: str
    module: str | None
    thread: str
    tables: set[str] = field(default_factory=set)


class Recorder:
    """Keeps every statement sent while it is on (thread-safe: the live server answers on its own threads)."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []
        self.on = False
        self._lock = threading.Lock()

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not self.on:
            return
        entry = Statement(statement, issuing_module(), threading.current_thread().name, tables_written(statement))
        with self._lock:
            self.statements.append(entry)

    def attach(self, engine: Any) -> None:
        event.listen(engine, "before_cursor_execute", self)

    @contextmanager
    def recording(self) -> Iterator[list[Statement]]:
        start = len(self.statements)
        was, self.on = self.on, True
        out: list[Statement] = []
        try:
            yield out
        finally:
            self.on = was
            with self._lock:
                out.extend(self.statements[start:])

    def writes(self) -> list[Statement]:
        return [s for s in self.statements if s.tables]


def case_table_writers(statements: list[Statement]) -> dict[str, set[str]]:
    """Module → the case tables it wrote, for the statements the app issued."""
    out: dict[str, set[str]] = {}
    for s in statements:
        hit = s.tables & CASE_TABLES
        if hit and s.module is not None:
            out.setdefault(s.module, set()).update(hit)
    return out


# Every statement of the whole run (attached by conftest's app fixture; pytest_sessionfinish checks the writers).
SUITE_STATEMENTS = Recorder()
