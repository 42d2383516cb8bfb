"""Reading without a connection (kb/worker/, docs/offline.md): the real service worker in
Chromium against the live server, with the network cut by the browser."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from kb.models import Tactic, current_content_version

from .test_reader import GPS_TACTIC

NOT_SAVED = "You are offline, and this page is not saved on this device."


def until(page: Page, script: str, arg: object = None, seconds: float = 15) -> None:
    """Wait until ``script`` is true in the page (wait_for_function would need 'unsafe-eval',
    which the site's Content Security Policy refuses)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, script
        time.sleep(0.1)


def under_worker(page: Page, address: str) -> None:
    """Open ``address`` and wait until the service worker looks after the page."""
    page.goto(address)
    until(page, "() => navigator.serviceWorker.controller !== null")


def kept(page: Page, address: str) -> None:
    """Wait until the worker keeps ``address`` on this device."""
    until(
        page,
        "async (address) => Boolean(await caches.match(new URL(address, location.href).href))",
        address,
    )


def test_pages_opened_stay_readable_offline_and_the_rest_say_so(page: Page):
    gps = Tactic.objects.get(name_en=GPS_TACTIC).get_absolute_url()
    other = Tactic.objects.published().exclude(name_en=GPS_TACTIC).first().get_absolute_url()
    under_worker(page, "/")
    kept(page, "/")
    page.goto("/es/")
    kept(page, "/es/offline/")  # the offline page of each language the reader uses
    page.goto(gps)
    kept(page, gps)

    page.context.set_offline(True)
    page.goto(gps)
    expect(page.get_by_role("heading", level=1)).to_have_text(GPS_TACTIC)
    page.goto("/")  # the first page, opened before the worker ran, is kept too
    expect(page.get_by_role("link", name="Tactics", exact=True)).to_be_visible()

    page.goto(other)
    expect(page.get_by_text(NOT_SAVED)).to_be_visible()
    expect(page.get_by_role("link", name=GPS_TACTIC)).to_be_visible()
    page.get_by_role("link", name=GPS_TACTIC).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GPS_TACTIC)

    page.goto("/es/tactics/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("[data-offline-missing]")).to_be_visible()


def test_the_saved_knowledge_base_reads_offline_and_takes_the_next_edition(page: Page):
    tactics = {t.get_absolute_url(): t.name_en for t in Tactic.objects.published()}
    under_worker(page, "/offline/")
    expect(page.get_by_text("Not saved on this device yet.")).to_be_visible()
    page.get_by_role("button", name="Save the knowledge base on this device").click()
    held = page.locator("[data-offline-held]")
    expect(held).to_contain_text(re.compile(r"Saved on this device: Edition \d+"), timeout=30_000)

    page.context.set_offline(True)
    for address, name in tactics.items():
        page.goto(address)
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.goto("/countermeasures/")
    expect(page.locator("[data-offline-missing]")).to_have_count(0)

    # An editor changes a tactic; the reader, online again, gets the new edition.
    address, name = next(iter(tactics.items()))
    tactic = Tactic.objects.get(name_en=name)
    tactic.summary_en = "A summary rewritten after the copy was saved."
    tactic.save()
    page.context.set_offline(False)
    page.goto("/offline/")
    edition = f"Saved on this device: Edition {current_content_version().number},"
    expect(held).to_contain_text(edition, timeout=30_000)
    page.context.set_offline(True)
    page.goto(address)
    expect(page.get_by_text("A summary rewritten after the copy was saved.")).to_be_visible()


def save_knowledge_base(page: Page, language_home: str) -> None:
    """Open the save panel of the language whose home page is ``language_home`` and save
    the whole knowledge base in it (the panel's words are in that language)."""
    under_worker(page, f"{language_home}offline/")
    page.locator("[data-offline-save]").click()
    expect(page.locator("[data-offline-remove]")).to_be_visible(timeout=60_000)


def search_from_header(page: Page, words: str) -> None:
    """Search with the form every page's header carries, as a reader does."""
    page.fill("#site-q", words)
    page.press("#site-q", "Enter")


def test_search_works_offline_once_the_knowledge_base_is_saved(page: Page):
    save_knowledge_base(page, "/")
    save_knowledge_base(page, "/ar/")

    page.context.set_offline(True)
    page.goto("/tactics/")
    search_from_header(page, "fake job")
    expect(page).to_have_url(re.compile(r"/search/\?q=fake\+job$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Offline search")
    expect(page.locator("#offline-q")).to_have_value("fake job")
    result = page.locator("[data-offline-results] a").first
    expect(result).to_have_text("Fake job offers on fake business websites")
    result.click()
    expect(page).to_have_url(re.compile(r"/tactics/TT-0008/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fake job offers on fake business websites"
    )

    search_from_header(page, "qwertzuiop")
    expect(page.locator("[data-offline-status]")).to_contain_text(
        "Not found in any entry: “qwertzuiop”."
    )
    expect(page.locator("[data-offline-results] li")).to_have_count(0)

    page.goto("/ar/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    search_from_header(page, "الابتزاز")
    expect(page).to_have_url(re.compile(r"/ar/search/\?q="))
    link = page.get_by_role("link", name="الابتزاز الجنسي")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"/ar/tactics/TT-0009/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("الابتزاز الجنسي")
