"""/healthz for load balancers, and a clear 503 while the database cannot be reached."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import override_settings

from ..factories import make_tactic


@contextmanager
def unreachable_database(tmp_path) -> Iterator[None]:
    """Point the application's connection at a database that is not there, then back."""
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "kb.sqlite3")
    else:
        with socket.socket() as probe:  # a port on which nothing listens
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        connection.settings_dict.update(HOST="127.0.0.1", PORT=port)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.mark.django_db
def test_healthz_reports_the_application_and_database_state(reader):
    response = reader.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"]["ok"] is True
    assert response.json()["cache"]["ok"] is True
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["kb.example"])
def test_healthz_answers_a_probe_by_address_over_plain_http(reader):
    # A load balancer probes each server by its address, before TLS.
    response = reader.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert reader.get("/", HTTP_HOST="10.0.0.7").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_readers_get_a_503_page_while_the_database_is_down_and_the_site_recovers(reader, tmp_path):
    url = make_tactic("Lantern").get_absolute_url()
    reader.raise_request_exception = False
    with unreachable_database(tmp_path):
        page = reader.get(url)
        health = reader.get("/healthz")
    assert page.status_code == 503
    assert "temporarily unavailable" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text
    assert page["Retry-After"] == "30"
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable"
    assert health.json()["database"]["ok"] is False

    # The database is back: no restart, no stale error page from the cache.
    assert reader.get(url).status_code == 200
    assert reader.get("/healthz").json()["status"] == "ok"


@pytest.mark.django_db
def test_other_errors_are_still_a_500(reader, broken_home_page):
    reader.raise_request_exception = False
    response = reader.get(broken_home_page)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
