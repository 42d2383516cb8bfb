"""gunicorn's settings, every one from the environment:

    gunicorn -c python:kb.gunicorn kb.wsgi:application

Several instances may run against one PostgreSQL and one Redis (DATABASE_URL, REDIS_URL):
an instance keeps no state of its own beyond its database connections.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Synchronous workers, one per core: each request is a short burst of CPU and a few quick
# queries. With PostgreSQL and Redis on the same cores, more workers than cores served no
# more requests and made the slowest ones wait longer, sharing the CPU mid-request
# (docs/performance.md). With the database on another machine, more workers may pay for
# its round trips: set WEB_CONCURRENCY and measure.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Restart workers now and then, so that slow growth in memory can never accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Workers fork from a master that has already imported Django and the project, so starting
# (or restarting) one costs a fork, not seconds of imports. Connections open lazily, per worker.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Forwarded headers are trusted only from these addresses (the load balancer's), and only
# X-Forwarded-Proto says the scheme: gunicorn would otherwise also believe X-Forwarded-Ssl
# and X-Forwarded-Protocol, which a proxy that sets only the first passes on from clients.
# The proxy must overwrite X-Forwarded-Proto on every request (docs/operations.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}


def pre_fork(server, worker) -> None:
    """Freeze the master's objects (Django and the project, imported once by preload_app)
    into the collector's permanent generation before each worker is forked. A worker's full
    collections then walk only what it created itself, a fraction of the time, and the
    memory it shares with the master is not copied for the collector's sake."""
    gc.freeze()
