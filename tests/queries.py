"""Counting the SQL queries a page takes, and the rows it reads."""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.db.models.signals import post_init
from django.test import Client
from django.test.utils import CaptureQueriesContext


def count_queries(client: Client, url: str) -> int:
    """How many SQL queries rendering ``url`` takes (the page must answer 200).

    The page cache's own lookup of the content version is left out: it is one query with the
    in-memory cache, none while the shared cache holds the version
    (tests/caching/test_middleware.py).
    """
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum("kb_contentversion" not in query["sql"] for query in captured)


def count_rows(client: Client, url: str) -> Counter[str]:
    """How many model instances of each kind rendering ``url`` builds (the page must answer
    200): the rows its queries bring back into Python, historical records included."""
    built: Counter[str] = Counter()

    def count(sender, **kwargs) -> None:
        built[sender.__name__] += 1

    post_init.connect(count, weak=False)
    try:
        assert client.get(url).status_code == 200
    finally:
        post_init.disconnect(count)
    return built
