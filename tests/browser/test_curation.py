"""Curation in a real browser: a contributor writes a tactic with a citation and a
countermeasure link and sends it to review; a reviewer publishes it; readers then find it
in the list and in search."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect

from ..conftest import authenticator, authenticator_code
from .screens import DESKTOP, screenshot

NAME = "Fake modelling agency websites"


def staff(username: str, group: str) -> None:
    """A staff user in ``group``, with an authenticator app (which ``sign_in`` reads)."""
    user = User.objects.create_user(username, password="a long pass phrase", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    authenticator(user)


def sign_in(browser: Browser, site: str, username: str) -> Page:
    """A new browser tab signed in as ``username`` through the admin's sign-in: the
    password, then the code their authenticator app shows now."""
    page = browser.new_context(base_url=site, viewport=DESKTOP).new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Log in").click()
    code = authenticator_code(authenticator(User.objects.get(username=username)))
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def choose(page: Page, field_id: str, text: str) -> None:
    """Pick ``text`` in the admin's autocomplete widget for the field ``field_id``."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_contributor_writes_reviewer_publishes_readers_find_it(browser: Browser, site: str):
    staff("carla", "Contributors")
    staff("rafael", "Reviewers")

    contributor = sign_in(browser, site, "carla")
    contributor.goto("/admin/kb/tactic/add/")
    contributor.get_by_label("Name:").fill(NAME)
    contributor.get_by_label("Summary:").fill("Websites of modelling agencies that do not exist.")
    choose(contributor, "id_category", "Recruitment and luring")
    choose(contributor, "id_technologies", "Websites")
    choose(contributor, "id_stages", "Recruitment")  # publishing checks ask for a stage
    choose(contributor, "id_citations-0-source", "Latest technology helps")
    contributor.locator("#id_citations-0-quote").fill("Traffickers create fake business websites")
    contributor.locator("#id_citations-0-locator").fill("paragraph 6")
    choose(contributor, "id_mitigations-0-countermeasure", "Monitoring online platforms")
    contributor.locator("#id_mitigations-0-note_en").fill("Platforms take the listings down.")
    screenshot(contributor, "admin-change-form")
    contributor.get_by_role("button", name="Send to review").click()
    expect(contributor.locator(".messagelist")).to_contain_text("Send to review")
    contributor.context.close()

    reviewer = sign_in(browser, site, "rafael")
    reviewer.goto("/admin/kb/tactic/?status__exact=in_review")
    reviewer.get_by_role("link", name=NAME).click()
    expect(reviewer.locator("#id_citations-0-quote")).to_have_value(
        "Traffickers create fake business websites"
    )
    reviewer.get_by_role("button", name="Publish").click()
    expect(reviewer.locator(".messagelist")).to_contain_text(re.compile(r"Publish: TT-\d+"))
    reviewer.context.close()

    reader = browser.new_context(base_url=site, viewport=DESKTOP).new_page()
    reader.goto("/tactics/")
    reader.get_by_role("link", name=NAME).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(reader.locator("ol.references")).to_contain_text("fake business websites")
    expect(
        reader.get_by_role("link", name=re.compile("^Monitoring online platforms"))
    ).to_be_visible()
    reader.goto("/search/?q=modeling+agency")  # the reader's spelling, not the entry's
    expect(reader.get_by_role("link", name=NAME)).to_be_visible()
    reader.context.close()
