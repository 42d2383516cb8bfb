"""Browser tests: Playwright for Python driving Debian's Chromium against a live test server
that serves the seed knowledge base.

Chromium comes from Debian's package (`apt-get install -y chromium`, which `.ci/run` does);
Playwright never downloads a browser. A missing Chromium fails the tests, never skips them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from playwright.sync_api import Browser, Page, sync_playwright

from .screens import DESKTOP, PHONE

CHROMIUM = Path(os.environ.get("KB_CHROMIUM", "/usr/bin/chromium"))
# The flags a headless Chromium needs as root in a container, and none of its calls home
# (this machine's network refuses them, and a test has no business making them).
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: Playwright's event loop runs only while a browser module's tests do, so
    # the rest of the suite keeps Django's guard against database calls from async code.
    if not CHROMIUM.exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does).")
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        # Playwright's sync API keeps an event loop in this thread while it runs; the tests'
        # own database calls (and the database's cleanup after each) are still synchronous,
        # so Django's guard against database calls from async code does not apply to them.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def restore_roles() -> None:
    """The editorial groups, as migration 0008 creates them: the live server reads the
    database from its own thread, so these tests commit, and the database is emptied (all
    but permissions) after every such test."""
    roles = import_module("kb.migrations.0008_roles").ROLES
    for name, codenames in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="kb", codename__in=codenames
        )
        assert permissions.count() == len(set(codenames)), name
        group.permissions.set(permissions)


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live test server's base URL, serving the seed content."""
    restore_roles()
    call_command("seed", stdout=io.StringIO())
    return live_server.url


def new_page(browser: Browser, site: str, **context) -> Iterator[Page]:
    context = browser.new_context(base_url=site, **context)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser, site) -> Iterator[Page]:
    """A desktop browser tab that may use the clipboard (the copy buttons)."""
    yield from new_page(
        browser, site, viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]
    )


@pytest.fixture
def phone(browser, site) -> Iterator[Page]:
    """A phone-sized tab with touch, as a reader in the field has."""
    yield from new_page(
        browser,
        site,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        permissions=["clipboard-read", "clipboard-write"],
    )
