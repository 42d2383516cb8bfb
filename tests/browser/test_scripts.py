"""Everything works without JavaScript; the site's own small script adds conveniences: filters
that apply as soon as they change (saying so first, and keeping the focus in place) and copy
buttons."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .screens import DESKTOP
from .test_reader import GPS_TACTIC


def test_a_ticked_filter_applies_at_once_and_keeps_the_focus(page: Page):
    page.goto("/tactics/")
    expect(page.get_by_text("The results change as soon as you tick a box")).to_be_visible()
    box = page.get_by_role("checkbox", name=re.compile(r"^GPS and location tracking \d+"))
    box_id = box.get_attribute("id")
    box.focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"technology=gps"))
    expect(page.locator(f"#{box_id}")).to_be_checked()
    expect(page.locator(f"#{box_id}")).to_be_focused()

    page.get_by_label("Sort by").select_option("id")
    expect(page).to_have_url(re.compile(r"sort=id"))
    expect(page.get_by_label("Sort by")).to_be_focused()


def test_without_javascript_the_reader_still_searches_filters_reads_and_cites(
    browser: Browser, site: str
):
    context = browser.new_context(base_url=site, viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/search/?q=gps")
        expect(page.get_by_text("The results change as soon as")).to_be_hidden()
        page.get_by_role("checkbox", name=re.compile(r"^Tactic \d+")).check()
        expect(page).to_have_url(re.compile(r"/search/\?q=gps$"))  # nothing happens by itself
        page.get_by_role("button", name="Apply").click()
        expect(page).to_have_url(re.compile(r"type=tactic"))
        page.get_by_role("link", name=GPS_TACTIC).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(GPS_TACTIC)
        # The citation is there to select by hand; the copy button needs a script.
        expect(page.locator("#cite-apa")).to_contain_text("TT-0003")
        expect(page.get_by_role("button", name="Copy APA citation")).to_be_hidden()
    finally:
        context.close()


def test_a_version_page_leads_to_its_citation_and_copies_its_own_link(page: Page):
    page.goto("/tactics/TT-0003/v1/")
    page.locator(".entry-header").get_by_role("link", name="Cite this version").click()
    expect(page).to_have_url(re.compile(r"/tactics/TT-0003/v1/#cite$"))
    expect(page.locator("#cite-apa")).to_contain_text("TT-0003), Version 1.")
    page.get_by_role("button", name="Copy the link to this version").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == f"{page.url.split('#')[0]}"
