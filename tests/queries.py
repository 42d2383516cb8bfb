"""Counting the SQL queries a page takes."""

from __future__ import annotations

from django.db import connection
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
