"""Engine tuning per database. SQLite: WAL, and write transactions that take the lock up front."""
from __future__ import annotations

import contextlib
import threading
from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Set by the request layer for GET/HEAD: such transactions only read and need no write lock.
read_only: ContextVar[bool] = ContextVar("read_only", default=False)
# Writers of one process queue here: a thread waiting on a Python lock wakes the moment it is free,
# where SQLite's own busy handler sleeps in steps of up to 100 ms (long tails under load).
_writers = threading.Lock()


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # The threaded dev/test server and gunicorn threads share the pool; each connection is used by
        # one thread at a time, so the sqlite3 same-thread check only gets in the way.
        return {"connect_args": {"check_same_thread": False, "timeout": 30}}
    # No pre-ping: it costs a round trip on every request; stale connections are recycled instead. The most
    # recently used connection first (LIFO), so that the few connections a worker needs stay warm, and
    # statements become server-side prepared ones on their second use: PostgreSQL then skips parsing and
    # planning them (most of the server's time on this service's short statements).
    # connect_timeout: a database host that does not answer at all (no refusal) costs a request 2 s, not the
    # operating system's minutes, before its 503 (libpq's shortest timeout is 2 s).
    return {"pool_recycle": 1800, "pool_size": 10, "max_overflow": 10, "pool_use_lifo": True,
            "connect_args": {"prepare_threshold": 1, "connect_timeout": 2}}


def configure_engine(app: Flask, engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so that SAVEPOINT works and we choose BEGIN's mode.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # 64 MiB of page cache per connection: index pages of a large case table stay in memory.
        cur.execute("PRAGMA cache_size=-65536")
        # Copy the WAL back into the database every 20,000 pages (80 MB) rather than every 1,000: the pages
        # every change touches (the newest index leaves, the timer index) are copied once per checkpoint, not
        # twenty times (a replayed fortnight: 46 s -> 44 s).
        cur.execute("PRAGMA wal_autocheckpoint=20000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        if read_only.get():
            conn.exec_driver_sql("BEGIN")  # WAL: readers never wait for writers
            return
        # IMMEDIATE: a transaction that will write never has to upgrade a read lock (which SQLite refuses
        # with "database is locked" instead of waiting).
        _writers.acquire()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _writers.release()
            raise
        conn.info["holds_writer_lock"] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _sqlite_end(conn: Any) -> None:
        if conn.info.pop("holds_writer_lock", False):
            _writers.release()


# Routes whose only writes are the unit of work's one-statement save (PostgreSQL) and first-use audit rows: on
# PostgreSQL their statements run without BEGIN/COMMIT. The save is one statement, atomic by itself, and it
# checks the case's lock version, so the reads before it need no transaction around them: two round trips
# fewer per completion (bench/roundtrips.py).
ONE_STATEMENT_WRITERS: set[str] = set()


def one_statement_writer(endpoint: str) -> None:
    ONE_STATEMENT_WRITERS.add(endpoint)


def begin_request(endpoint: str | None, method: str) -> None:
    """Before a request's first statement: the transaction mode its route needs."""
    from app.extensions import db

    read_only.set(method in ("GET", "HEAD"))
    if endpoint in ONE_STATEMENT_WRITERS and db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def end_request(_error: BaseException | None = None) -> None:
    """After every request: its session ends, and so does its transaction mode, which was the request's: a thread
    that serves requests in turn (the test client, a CLI command after one) must not begin its next write
    transaction as a read."""
    read_only.set(False)
    release_session()


def release_session(_error: BaseException | None = None) -> None:
    """The request's session ends, whatever became of its database: a ROLLBACK that fails on a dead connection
    does not turn an answer into a 500. SQLAlchemy has invalidated the dead connection by then; the second remove
    only forgets the session. Run after every request (before Flask-SQLAlchemy's own teardown) and by the
    outage's error handler."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from app.extensions import db

    try:
        db.session.remove()
    except (OperationalError, InterfaceError):
        with contextlib.suppress(OperationalError, InterfaceError):
            db.session.remove()


def execute(statement: Any, params: Any = None) -> Any:
    """A Core statement on the session's connection, in its transaction. The hot path's statements are all
    Core: this skips the ORM session's per-statement machinery (a fifth of a request's time on SQLite)."""
    from app.extensions import db

    return _connection(db.session()).execute(statement, params)


def _connection(session: Any) -> Any:
    """The connection of the session's current transaction, looked up once per transaction:
    ``Session.connection()`` resolves the bind and walks the transaction's state on every call (a twentieth of the
    replay's time). Keyed by the innermost transaction, a savepoint included: inside ``begin_nested()`` the first
    statement must go through ``Session.connection()``, which emits the SAVEPOINT; bypassing it let an
    IntegrityError abort PostgreSQL's whole transaction instead of only the savepoint."""
    current = session.get_nested_transaction() or session.get_transaction()
    cached = session.info.get("core_connection")
    if current is not None and cached is not None and cached[0] is current and current.is_active:
        return cached[1]
    connection = session.connection()  # begins the transaction (or the savepoint's SAVEPOINT) when there was none
    session.info["core_connection"] = (session.get_nested_transaction() or session.get_transaction(), connection)
    return connection


def affected(result: Any) -> int:
    """Rows changed by an UPDATE/DELETE (the optimistic-lock and state checks read this)."""
    return int(result.rowcount)
