"""Hardened by default: security headers on every response, nothing inline for an injected
script to hide among, and production settings that pass Django's deployment check."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.test import override_settings

from kb.settings import BASE_DIR

from ..environment import GOOD_KEY, environment
from ..factories import cite, make_countermeasure, make_source, make_tactic
from ..markup import executable_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    tactic = make_tactic("Lantern")
    countermeasure = make_countermeasure("Beacon", counters=[tactic])
    source = make_source()
    cite(tactic, source, "A quote")
    return tactic, countermeasure, source


def every_kind_of_response(content) -> list[str]:
    tactic, countermeasure, source = content
    return [
        "/", "/tactics/?q=lantern", tactic.get_absolute_url(), countermeasure.get_absolute_url(),
        source.get_absolute_url(), "/search/?q=lantern", "/matrix/", "/downloads/",
        "/downloads/tactics.csv", "/downloads/kb.json", "/feeds/tactics/", "/sitemap.xml",
        "/api/tactics/?format=json", "/api/tactics/", "/api/docs/", "/admin/login/",
        "/robots.txt", "/nowhere/", "/tactics/?page=999",
    ]  # fmt: skip


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_hardened(response, url: str) -> None:
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"], url
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], url
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
    assert "unsafe" not in response["Content-Security-Policy"], url
    assert "geolocation=()" in response["Permissions-Policy"], url
    assert "camera=()" in response["Permissions-Policy"], url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url


def test_every_response_carries_the_security_headers(reader, content):
    for url in every_kind_of_response(content):
        assert_hardened(reader.get(url), url)


def test_cached_pages_keep_the_security_headers(reader, content):
    url = content[0].get_absolute_url()
    reader.get(url)
    assert_hardened(reader.get(url), url)


def test_a_server_error_page_carries_them_too(reader, broken_home_page):
    reader.raise_request_exception = False
    response = reader.get(broken_home_page)
    assert response.status_code == 500
    assert_hardened(response, "/")


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_responses_tell_browsers_to_use_nothing_else(reader, content):
    response = reader.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


# Markup the policy would block: any of it in our own pages would be broken for readers,
# and would mean the policy had to be loosened.
def test_pages_have_no_inline_script_or_style(reader, admin_client, content):
    pages = [url for url in every_kind_of_response(content) if not url.startswith("/api/")]
    tactic = content[0]
    admin_pages = ["/admin/", f"/admin/kb/tactic/{tactic.pk}/change/", "/admin/kb/tactic/add/"]
    for client, urls in ((reader, pages), (admin_client, admin_pages)):
        for url in urls:
            response = client.get(url)
            if "html" not in response.get("Content-Type", ""):
                continue
            assert executable_parts(response.text) == [], url


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=environment(env),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_production_settings_pass_the_deployment_check(tmp_path):
    # A database of its own: the check reads the schema (drf-spectacular builds the OpenAPI
    # description, which lists vocabulary terms), and the suite's database is in use.
    database = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env = {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "kb.example"}
    migrated = manage({**env, "DATABASE_URL": database}, "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    checked = manage({**env, "DATABASE_URL": database}, "check", "--deploy", "--fail-level=WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


@pytest.mark.parametrize("url", ["/tactics/", "/admin/", "/api/tactics/", "/matrix/"])
def test_every_response_for_a_signed_in_user_is_private_and_not_stored(staff_client, url, settings):
    settings.KB_PAGE_CACHE_SECONDS = 0  # whether or not the page cache is on
    response = staff_client.get(url)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
