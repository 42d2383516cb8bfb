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
# queries. With PostgreSQL and Redis on the same 2 cores, three workers served no more
# requests than two, and five 30% fewer; more workers than cores only share the CPU
# mid-request, so the slowest requests wait longer (p95 of an uncached page 36 ms with
# three, 28 ms with two; README, "Load benchmark"). With the database on another machine,
# more workers may pay for its round trips: set WEB_CONCURRENCY and measure.
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
# Forwarded headers are trusted only from these addresses (the load balancer's).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker) -> None:
    """Freeze the master's objects (Django and the project, imported once by preload_app)
    into the collector's permanent generation before each worker is forked. A worker's full
    collections then walk only what it created itself (in one process serving 380 uncached
    pages at 10,000 tactics: 61 ms for one full collection, 13 ms for four once frozen),
    and the pages it shares with the master are not copied for the collector's sake."""
    gc.freeze()
