"""Health of the application for load balancers, and what readers see when the database is
down.

``/healthz`` is answered by ``HealthCheckMiddleware``, first in the stack: a load balancer
probes over plain HTTP by address, so the answer must come before the HTTPS redirect and the
host check, and must never come from the page cache.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
RETRY_AFTER_SECONDS = 30

# What a database that cannot be reached (down, restarting, network gone) raises.
UNREACHABLE = (OperationalError, InterfaceError)


def database_state() -> dict:
    """Whether the database answers a query, and how long it took."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: database unavailable (%s).", error)
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def cache_state() -> dict:
    """Whether the cache answers. Pages still render without it, so it is not fatal."""
    try:
        cache.get("healthz")
    except Exception as error:  # any backend's connection error
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True}


def health(request: HttpRequest) -> HttpResponse:
    """200 when the application can serve pages (its database answers), else 503."""
    database = database_state()
    body = {
        "status": "ok" if database["ok"] else "unavailable",
        "database": database,
        "cache": cache_state(),
    }
    response = HttpResponse(
        json.dumps(body), content_type="application/json", status=200 if database["ok"] else 503
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: a database that cannot be reached is a 503 with a page saying
    so (the site comes back by itself when the database does); anything else is a 500.
    Neither page touches the database."""
    error = sys.exc_info()[1]
    if isinstance(error, UNREACHABLE):
        page = loader.get_template("503.html").render({"site_name": settings.KB_SITE_NAME})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    page = loader.get_template("500.html").render({"site_name": settings.KB_SITE_NAME})
    return HttpResponse(page, status=500)
