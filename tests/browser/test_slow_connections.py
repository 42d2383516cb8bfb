"""Light on slow connections: every page type, in English and in Arabic, finishes loading
within its budget on Chromium's slow-3G profile (400 kbit/s, 400 ms round trip), on a
first visit with an empty cache and on a repeat visit in the same browser.

The pages are served as in production: static files by whitenoise (with its caching
headers), not by the test server's own static handler, and pages compressed by kb's
middleware. The figures are printed in pytest's summary and kept in docs/performance.md.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page

from tests.measurements import report
from tests.page_types import page_addresses

from .conftest import restore_roles
from .screens import PHONE

# Chromium's network emulation, in the units its DevTools protocol takes.
SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms, added to every request
    "downloadThroughput": 400 * 1000 / 8,  # bytes per second
    "uploadThroughput": 400 * 1000 / 8,
}
FIRST_VISIT_BUDGET_MS = 2000
REPEAT_VISIT_BUDGET_MS = 500
LANGUAGES = ["en", "ar"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server that serves static files as production does: collected by
    ``collectstatic`` into fingerprinted, compressed files, and sent by whitenoise through
    the middleware stack (with its far-future caching headers), not by the test server's
    own static handler."""
    production_static = override_settings(
        STATIC_ROOT=tmp_path_factory.mktemp("static"),
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    )
    with production_static:
        call_command("collectstatic", interactive=False, verbosity=0)
        server = LiveServerThread("localhost", static_handler=lambda handler: handler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        yield f"http://localhost:{server.port}"
        server.terminate()


@pytest.fixture
def seeded_site(served, transactional_db) -> str:
    """The production-like server, serving the seed content."""
    restore_roles()
    call_command("seed", stdout=io.StringIO())
    return served


def throttled_tab(context: BrowserContext) -> Page:
    """A tab of ``context`` on the slow-3G profile."""
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return tab


def load_time_ms(tab: Page, address: str) -> float:
    """Go to ``address`` and say when its load event ended, in ms from the navigation's
    start: every stylesheet, script and image on the page is in by then."""
    response = tab.goto(address, wait_until="load")
    assert response is not None and response.status == 200, address
    return tab.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")


def worker_ready(tab: Page) -> None:
    """Wait, as a reader reading the page would, until a service worker the page registers
    (if any) is active, so the repeat visit is what that reader gets."""
    tab.evaluate(
        """() => navigator.serviceWorker.getRegistration()
                   .then((registration) => registration && navigator.serviceWorker.ready)"""
    )


@pytest.mark.page_cache  # as readers get pages: from the cache, with an ETag to ask again
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_loads_within_budget_on_slow_3g(
    browser: Browser, seeded_site: str, language: str, request: pytest.FixtureRequest
):
    addresses = page_addresses(language)
    # The server has rendered each page once (the page cache keeps it), as it has for
    # readers before; what is measured is what a reader's browser waits for.
    warm = browser.new_context(base_url=seeded_site)
    for address in addresses.values():
        warm.request.get(address)
    warm.close()
    over_budget = []
    for page_type, address in addresses.items():
        # A fresh context is an empty cache: the first visit of a new reader.
        context = browser.new_context(base_url=seeded_site, viewport=PHONE, is_mobile=True)
        try:
            tab = throttled_tab(context)
            first = load_time_ms(tab, address)
            worker_ready(tab)
            repeat = load_time_ms(tab, address)
        finally:
            context.close()
        line = f"slow 3G {language} {page_type:20} first {first:6.0f} ms, repeat {repeat:5.0f} ms"
        report(request.config, line)
        print(line)
        if first >= FIRST_VISIT_BUDGET_MS:
            over_budget.append(f"{page_type} ({address}): first visit {first:.0f} ms")
    assert not over_budget, over_budget
