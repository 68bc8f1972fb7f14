"""A throwaway PostgreSQL cluster of its own (initdb in a temporary folder, run as the postgres user), for tests
that stop and start the database under a running service without touching the suite's own database."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found or os.geteuid() != 0 or shutil.which("runuser") is None:
        return None
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self) -> None:
        bin_dir = binaries()
        assert bin_dir is not None, "PostgreSQL's server binaries and root (for runuser) are needed"
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="pg-outage-", dir="/tmp"))
        self.data = self.folder / "data"
        self.port = free_port()
        shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres("initdb", "-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                          "--auth=trust")
        self.start()
        self._as_postgres("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc",
                          "CREATE DATABASE service", tool_dir=False)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/service"

    def _as_postgres(self, tool: str, *args: str, tool_dir: bool = True) -> None:
        exe = str(self.bin / tool) if tool_dir else tool
        subprocess.run(["runuser", "-u", "postgres", "--", exe, *args], check=True, cwd="/tmp",
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-t", "30", "-o",
                          f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D", str(self.data), "-m",
                        "immediate", "-w", "stop"], cwd="/tmp", capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
