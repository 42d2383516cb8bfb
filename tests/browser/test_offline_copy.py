"""The offline copy, unzipped and opened from the file system in Chromium, or put on a plain
static web host: links between pages, styles, the language switcher and the offline search
all work with no kb server; what needs the live site is not shown. Both the zip the command
writes and the zips of the downloads edition (what readers download from /downloads/)."""

from __future__ import annotations

import functools
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from kb.downloads.build import build_downloads


def unzip(archive_path: Path, into: Path) -> Path:
    """Unzip ``archive_path`` into ``into``; the one folder it holds."""
    with zipfile.ZipFile(archive_path) as archive:
        archive.extractall(into)
    (root,) = into.iterdir()
    return root


def record_failures(page: Page) -> list[str]:
    """The addresses the page fails to load from now on: a file the copy lacks, unreachable
    (from file://) or answered 4xx/5xx (from a web host). A load cut short because a link
    was followed is not a failure."""
    failed: list[str] = []
    page.on(
        "requestfailed",
        lambda request: request.failure != "net::ERR_ABORTED" and failed.append(request.url),
    )
    page.on(
        "response",
        lambda response: response.status >= 400 and failed.append(response.url),
    )
    return failed


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        """Not on the test's output."""


@contextmanager
def static_host(folder: Path) -> Iterator[str]:
    """A plain static web host (Python's http.server) serving ``folder``: its address."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def assert_styled(page: Page) -> None:
    # The stylesheet applies: the search box's label is hidden visually, not removed.
    label = page.locator("label[for=site-q]")
    assert label.evaluate("element => getComputedStyle(element).position") == "absolute"


def assert_live_only_hidden(page: Page) -> None:
    """The footer's links to what needs the live site (Save for offline, the downloads)
    are hidden, and a note says where they are."""
    footer = page.locator(".site-footer")
    assert footer.locator("a[href$='/offline/']").count() == 1
    assert not footer.locator("a[href$='/offline/']").is_visible()
    assert not footer.locator("a[href$='/downloads/']").is_visible()
    assert footer.locator("[data-offline-only]").is_visible()


def read_a_tactic(page: Page, home: str) -> None:
    """From the home page to the tactics list to a tactic, by the copy's links."""
    page.goto(home)
    assert_styled(page)
    assert_live_only_hidden(page)
    page.locator("nav .nav a").first.click()
    assert page.url.endswith("/tactics/index.html")
    page.locator(".entry-row__title a").first.click()
    assert page.url.endswith("/index.html") and "/tactics/TT-" in page.url
    assert_styled(page)
    # The handout and the suggestion form need the live site: not shown.
    assert not page.locator("[data-handout-add]").is_visible()
    assert not page.locator(".suggest-link").is_visible()


def search(page: Page, home: str, words: str, first_found: str, public_id: str) -> None:
    """The header's search box, from the home page, finds ``first_found`` first."""
    page.goto(home)
    page.fill("#site-q", words)
    page.press("#site-q", "Enter")
    assert "/offline/search/index.html?q=" in page.url
    first = page.locator("[data-offline-results] a").first
    assert first.inner_text() == first_found
    first.click()
    assert f"/tactics/{public_id}/" in page.url


def check_every_language_copy(page: Page, root: str) -> None:
    """The copy of every language at ``root`` (a file:// or http:// address)."""
    read_a_tactic(page, f"{root}/index.html")
    page.locator(".languages a[hreflang=es]").click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert f"{root}/es/tactics/TT-" in page.url
    page.goto(f"{root}/ar/index.html")
    assert page.locator("html").get_attribute("dir") == "rtl"

    search(page, f"{root}/index.html", "fake job", "Fake job offers on fake business websites",
           "TT-0008")  # fmt: skip
    page.goto(f"{root}/offline/search/index.html?q=sextortoin")
    assert "“sextortion”" in page.inner_text("[data-offline-status]")
    assert "TT-0009" in page.inner_text("[data-offline-results]")
    page.goto(f"{root}/offline/search/index.html?q=zzyzxq")
    assert "“zzyzxq”" in page.inner_text("[data-offline-status]")
    assert page.locator("[data-offline-results] li").count() == 0


def test_the_unzipped_copy_the_command_writes_works_from_the_file_system(site, page, tmp_path):
    call_command("build_offline_copy", output=tmp_path / "copy.zip", stdout=StringIO())
    root = unzip(tmp_path / "copy.zip", tmp_path / "unzipped")
    failed = record_failures(page)
    check_every_language_copy(page, f"file://{root}")
    assert not failed


def test_the_downloaded_zip_of_every_language_works_from_the_file_system(site, page, tmp_path):
    edition = build_downloads()
    root = unzip(edition.path("kb-offline-all-languages.zip"), tmp_path / "unzipped")
    failed = record_failures(page)
    check_every_language_copy(page, f"file://{root}")
    assert not failed


# The search: words of each language's seed text, and the tactic they name.
SEARCHES = {
    "en": ("kb-offline.zip", "fake job", "Fake job offers on fake business websites", "TT-0008"),
    "ar": ("kb-offline.ar.zip", "الابتزاز", "الابتزاز الجنسي", "TT-0009"),
}


@pytest.mark.parametrize("language", SEARCHES)
def test_a_downloaded_zip_works_from_a_static_web_host(site, page, tmp_path, language):
    name, words, first_found, public_id = SEARCHES[language]
    edition = build_downloads()
    root = unzip(edition.path(name), tmp_path / "unzipped")
    failed = record_failures(page)
    with static_host(root) as host:
        page.goto(f"{host}/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        read_a_tactic(page, f"{host}/index.html")
        search(page, f"{host}/index.html", words, first_found, public_id)
        assert_styled(page)
    assert not failed
