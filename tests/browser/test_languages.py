"""The reader's visit in Spanish and in Arabic, on a phone: search in their own words, read
the tactic in their language, switch language; Arabic pages right to left and never wider
than the screen."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from .screens import screenshot
from .test_phone_and_keyboard import MAIN_PAGES, overflow

GPS_TACTIC = {
    "es": "Rastreo de las víctimas por GPS a través de sus teléfonos",
    "ar": "تتبّع الضحايا بنظام تحديد المواقع العالمي (GPS) عبر هواتفهم",
}
#: What a field worker might type, in their words (one misspelt).
QUERY = {"es": "rastreo gps del telefono", "ar": "تتبع الضحايا عبر الهاتف"}


def interface(language: str, text: str) -> str:
    """The interface's ``text`` as the page in ``language`` shows it."""
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", ["es", "ar"])
def test_a_reader_on_a_phone_searches_and_reads_in_their_language(phone: Page, language):
    phone.goto(f"/{language}/")
    html = phone.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")

    search_box = phone.get_by_label(interface(language, "Search the knowledge base"))
    search_box.fill(QUERY[language])
    search_box.press("Enter")
    expect(phone).to_have_url(re.compile(rf"/{language}/search/\?q="))
    phone.get_by_role("link", name=GPS_TACTIC[language]).first.click()

    expect(phone).to_have_url(re.compile(rf"/{language}/tactics/TT-0003/"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(GPS_TACTIC[language])
    # The quotes stay in English, the language of their source, and say so to screen readers.
    expect(phone.locator("blockquote[lang=en]").first).to_be_visible()
    phone.wait_for_load_state()
    assert overflow(phone) == 0
    screenshot(phone, f"phone-tactic-page-{language}")

    # The switcher leads to the same tactic in English.
    phone.get_by_role("navigation", name=interface(language, "Language")).get_by_role(
        "link", name="English"
    ).click()
    expect(phone).to_have_url(re.compile(r"^[^?]*//[^/]+/tactics/TT-0003/"))
    expect(phone.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("width", [320, 390, 768, 1600])
def test_no_arabic_page_is_wider_than_the_screen(browser, site, width):
    context = browser.new_context(base_url=site, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for path in MAIN_PAGES:
            page.goto(f"/ar{path}")
            page.wait_for_load_state()
            assert overflow(page) == 0, f"/ar{path} at {width} px"
    finally:
        context.close()


def test_the_arabic_layout_mirrors(page: Page):
    page.goto("/ar/tactics/TT-0003/")
    brand = page.locator(".brand").bounding_box()
    search = page.locator(".site-search").bounding_box()
    assert brand and search
    # Right to left: the brand starts at the right, the search box sits to its left.
    assert brand["x"] > search["x"]
    screenshot(page, "tactic-page-arabic")


def test_a_first_visit_is_offered_the_browsers_language_never_sent_to_it(browser, site):
    context = browser.new_context(base_url=site, locale="es-ES")
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", "en")  # never switched
        offer = page.locator("[data-offer=es]")
        expect(offer).to_be_visible()
        expect(offer).to_have_attribute("lang", "es")
        offer.get_by_role("button").click()
        expect(offer).to_be_hidden()
        page.reload()
        expect(page.locator("[data-offer=es]")).to_be_hidden()  # the answer is remembered
        page.goto("/es/")
        expect(page.locator("[data-language-offer]")).to_be_hidden()  # already in Spanish
    finally:
        context.close()
