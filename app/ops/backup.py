"""Backups of the whole database: SQLite through its online backup API (a consistent copy while the service
writes; writers wait only for the pages being copied), PostgreSQL through pg_dump's custom format and
pg_restore, in one transaction. A restore refuses a file that is not a backup of the configured kind."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from app.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be made; nothing was changed."""


@dataclass(frozen=True)
class Done:
    path: Path
    bytes: int
    kind: str


def backup(path: Path) -> Done:
    url = db.engine.url
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_file(url), path)
        return Done(path, path.stat().st_size, "sqlite")
    if url.get_backend_name() == "postgresql":
        partial = path.with_name(path.name + ".partial")
        _pg("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}")
        os.replace(partial, path)  # a failed dump never leaves a file that looks like a backup
        return Done(path, path.stat().st_size, "postgresql")
    raise BackupError(f"no backup for {url.get_backend_name()} databases")


def restore(path: Path) -> Done:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    url = db.engine.url
    head = path.read_bytes()[:16]
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old tables (or PostgreSQL's prepared plans of them)
    if url.get_backend_name() == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{path} is not an SQLite backup")
        _sqlite_copy(path, Path(_sqlite_file(url)))
    elif url.get_backend_name() == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{path} is not a pg_dump custom-format backup (made by `flask backup` on PostgreSQL)")
        _pg("pg_restore", url, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", str(path))
    else:
        raise BackupError(f"no restore for {url.get_backend_name()} databases")
    db.engine.dispose()
    return Done(path, path.stat().st_size, url.get_backend_name())


def _sqlite_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return url.database


def _sqlite_copy(source: Path | str, target: Path | str) -> None:
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target), timeout=30)
    try:
        # Pages in steps, so that the service's writers get the lock between them.
        src.backup(dst, pages=1024)
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{source}: {err}") from None
    finally:
        dst.close()
        src.close()


def _pg(tool: str, url: URL, *args: str) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    target = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or "",
              "--dbname", url.database or ""]
    done = subprocess.run([exe, *target, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-2000:]}")
