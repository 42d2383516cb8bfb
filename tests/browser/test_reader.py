"""A reader's visit in a real browser: search in their own (misspelled) words, filter, open
a tactic, follow a reference, copy a citation and print a handout; a trainer's old link."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from kb.models import Tactic

from .screens import screenshot

GPS_TACTIC = "GPS tracking of victims through their phones"


def test_reader_searches_filters_reads_cites_and_prints(page: Page):
    reader_visit(page, screenshots=True)


def test_the_same_visit_on_a_phone(phone: Page):
    reader_visit(phone, screenshots=False)


def reader_visit(page: Page, screenshots: bool) -> None:
    """Search in misspelled words, narrow to tactics, open one, follow a reference, copy the
    citation, filter the tactic list and print a handout of it."""

    def picture(name: str) -> None:
        if screenshots:
            screenshot(page, name)

    page.goto("/")
    picture("home")
    page.get_by_label("Search the knowledge base").fill("gps trackng")
    page.get_by_label("Search the knowledge base").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=gps\+trackng"))
    expect(page.get_by_role("link", name=GPS_TACTIC)).to_be_visible()

    # Narrow the results to tactics.
    page.get_by_role("checkbox", name=re.compile(r"^Tactic \d+")).check()
    expect(page).to_have_url(re.compile(r"type=tactic"))  # applied as soon as ticked
    picture("search-results")

    page.get_by_role("link", name=GPS_TACTIC).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GPS_TACTIC)
    picture("tactic-page")

    # Every claim leads to its source.
    references = page.locator("ol.references")
    source_link = references.locator(".reference__source a").first
    source_title = source_link.inner_text()
    source_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(source_title)
    page.go_back()

    # Copy the APA citation with the button; it is the text shown on the page.
    citation = page.locator("#cite-apa").inner_text()
    assert "GPS tracking of victims" in citation and "TT-0003" in citation
    page.get_by_role("button", name="Copy APA citation").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == citation

    # A handout of every tactic that involves GPS, from the filtered list.
    page.get_by_role("link", name="Tactics", exact=True).click()
    page.get_by_role("checkbox", name=re.compile(r"^GPS and location tracking \d+")).check()
    expect(page).to_have_url(re.compile(r"technology=gps"))
    picture("tactic-list-filtered")
    page.get_by_role("link", name=re.compile(r"^Make a printable handout")).click()
    expect(page).to_have_url(re.compile(r"/handout/\?ids=TT-0003"))
    expect(page.get_by_role("heading", name=GPS_TACTIC)).to_be_visible()


def test_trainers_old_link_to_a_renamed_tactic_still_lands_on_it(page: Page):
    tactic = Tactic.objects.get(public_id="TT-0003")
    old_link = tactic.get_absolute_url()
    tactic.name, tactic.slug = "Tracking victims by their phones' location", "phone-location"
    tactic.save()

    page.goto(old_link)
    expect(page).to_have_url(re.compile(r"/tactics/TT-0003/phone-location/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tactic.name)


def test_the_matrix_shows_every_stage(page: Page):
    page.goto("/matrix/")
    expect(page.get_by_role("heading", name=re.compile("^Recruitment"))).to_be_visible()
    expect(page.get_by_role("link", name=GPS_TACTIC).first).to_be_visible()
    screenshot(page, "matrix")
