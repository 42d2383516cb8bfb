"""Start the project under gunicorn on a free local port, as production runs it, against the
database Django is connected to: for the load benchmark and for tests of several
instances."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def current_database_url() -> str:
    """DATABASE_URL for the database this process is connected to (the test database too)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


@dataclass(frozen=True)
class Server:
    """A running gunicorn: its base URL and its master process."""

    url: str
    pid: int

    def worker_pids(self) -> list[int]:
        """The master's worker processes, as the kernel lists them now."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        return sorted(int(pid) for pid in children.split())


def production_env(static_root: Path, workers: int = 0, **settings: str) -> dict[str, str]:
    """The environment of a server with production settings on 127.0.0.1, plain HTTP, a
    random secret key and quiet logs, serving the current database's content; ``settings``
    adds or overrides environment variables (the cache's, for instance)."""
    env = {
        "DATABASE_URL": current_database_url(),
        "DEBUG": "0",
        "HTTPS": "0",  # plain HTTP on 127.0.0.1: no TLS here to redirect to
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return {**env, **settings}


@contextmanager
def gunicorn(env: dict[str, str], *, quiet: bool = False) -> Iterator[Server]:
    """Serve with kb/gunicorn.py and ``env`` over this process's environment; yields the
    server once it answers, and stops it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:kb.gunicorn", "kb.wsgi:application"],
        env={**os.environ, "DATABASE_URL": current_database_url(), **env, "PORT": str(port)},
        cwd=settings.BASE_DIR,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base_url}/robots.txt", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield Server(base_url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
