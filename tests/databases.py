"""Databases of their own for tests that run management commands in another process.

The suite's own database holds uncommitted test data that another process cannot see, so
these tests start from new, empty databases: a SQLite file, or a PostgreSQL database beside
the suite's (dropped afterwards). When the suite runs on SQLite, PostgreSQL databases are
made on the server KB_POSTGRES_URL names (.ci/run's, by default): it must be reachable.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from psycopg import sql

from kb.settings import BASE_DIR

from .environment import environment


def suite_vendor() -> str:
    """ "postgresql" or "sqlite": the kind of database the suite runs on."""
    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


def other_vendor() -> str:
    """The kind of database the suite does not run on."""
    return "sqlite" if suite_vendor() == "postgresql" else "postgresql"


def _postgresql_server() -> dict:
    """The suite's PostgreSQL server, or else the one KB_POSTGRES_URL names."""
    if suite_vendor() == "postgresql":
        return settings.DATABASES["default"]
    url = os.environ.get("KB_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/kb")
    return dj_database_url.parse(url)


@contextmanager
def empty_database(vendor: str, folder: Path) -> Iterator[str]:
    """The URL of a new database with nothing in it, not even tables."""
    if vendor == "sqlite":
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex}.sqlite3'}"
        return
    server = _postgresql_server()
    credentials = server["USER"] + (f":{server['PASSWORD']}" if server.get("PASSWORD") else "")
    name = f"kb_scratch_{uuid.uuid4().hex[:12]}"
    admin = {
        "host": server["HOST"], "port": server["PORT"], "user": server["USER"],
        "password": server.get("PASSWORD") or None, "dbname": "postgres", "autocommit": True,
    }  # fmt: skip
    with psycopg.connect(**admin) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgres://{credentials}@{server['HOST']}:{server['PORT']}/{name}"
    finally:
        with psycopg.connect(**admin) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``manage.py args`` on the database at ``database_url``, with the local cache."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=environment({"DEBUG": "1", "DATABASE_URL": database_url}),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )


def manage_ok(database_url: str, *args: str) -> str:
    """Like ``manage``, asserting success; what the command printed."""
    finished = manage(database_url, *args)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout
