"""A reader in the field suggests a correction from a tactic's page on a 320 px phone with
JavaScript off, fixing what the form asks along the way; the form with its error messages
passes the WCAG checks, and the keyboard never lands in the field meant for bots."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from kb.models import Suggestion, SuggestionKind

from .test_accessibility import WCAG_21_AA
from .test_phone_and_keyboard import focused, overflow

NARROWEST = {"width": 320, "height": 640}


def test_a_correction_from_a_phone_without_javascript(browser: Browser, site: str):
    cache.clear()  # this address's count of suggestions, from earlier runs
    context = browser.new_context(
        base_url=site, viewport=NARROWEST, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    phone = context.new_page()
    try:
        phone.goto("/tactics/TT-0003/gps-tracking-of-victims/")
        phone.get_by_role("link", name="Suggest a correction, a source or a new tactic").click()
        expect(phone).to_have_url(re.compile(r"/suggest/\?about=TT-0003$"))
        expect(phone.get_by_label("The entry it is about (optional)")).to_have_value("TT-0003")
        expect(phone.get_by_role("radio", name="A correction to an entry")).to_be_checked()
        expect(phone.get_by_text("identify a victim")).to_be_visible()
        assert overflow(phone) == 0

        # An address that is not one is shown back with the rest of the form kept.
        phone.get_by_label("Your suggestion").fill("The app named in the second red flag.")
        phone.get_by_label("Your email address (optional)").fill("not an address")
        phone.get_by_role("button", name="Send the suggestion").click()
        expect(phone.get_by_role("alert")).to_contain_text("has not been sent yet")
        expect(phone.get_by_label("Your suggestion")).to_have_value(
            "The app named in the second red flag."
        )
        assert overflow(phone) == 0

        phone.get_by_label("Your email address (optional)").fill("")
        phone.get_by_role("button", name="Send the suggestion").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you for your suggestion")
    finally:
        context.close()
    suggestion = Suggestion.objects.get()
    assert (suggestion.kind, suggestion.about) == (SuggestionKind.CORRECTION, "TT-0003")


def test_the_form_with_error_messages_passes_the_wcag_checks(page: Page):
    # axe runs as a script, so in a tab with JavaScript on; the page is the same without.
    page.goto("/suggest/")
    page.get_by_label("Your email address (optional)").fill("not an address")
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("alert")).to_contain_text("has not been sent yet")
    results = Axe().run(page, options=WCAG_21_AA)
    assert not results.violations_count, results.generate_report()


def test_the_keyboard_never_reaches_the_field_meant_for_bots(page: Page):
    page.goto("/suggest/")
    reached = []
    while len(reached) < 60 and "Send the suggestion" not in reached:
        page.keyboard.press("Tab")
        now = focused(page)
        reached.append(now["id"] or now["text"])
    assert "Send the suggestion" in reached
    assert "id_message" in reached
    assert "id_website" not in reached
