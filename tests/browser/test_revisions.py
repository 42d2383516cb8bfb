"""Changing a public entry in a real browser: a contributor proposes a change to a published
tactic and sends it to review; readers still see the published page; a reviewer finds it
in the review queue, reads what it changes and publishes it; readers then see the change
(told at once that it is there, when their browser had kept the page) and its new version."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from kb.models import Tactic

from .screens import DESKTOP, screenshot
from .test_curation import sign_in, staff

NEW_WORDS = "Recruiters also pose as talent scouts."


def test_pending_revision_goes_through_the_queue_and_the_diff_to_the_public_page(
    browser: Browser, site: str
):
    staff("carla", "Contributors")
    staff("rafael", "Reviewers")
    tactic = Tactic.objects.published().order_by("public_id").first()
    assert tactic is not None
    live_url = tactic.get_absolute_url()

    contributor = sign_in(browser, site, "carla")
    contributor.goto(f"/admin/kb/tactic/{tactic.pk}/change/")
    expect(contributor.locator(".revision-notice")).to_contain_text("This entry is public")
    summary = contributor.get_by_label("Summary:")
    summary.fill(f"{summary.input_value()} {NEW_WORDS}")
    contributor.get_by_label("What changed:").fill("Talent scouts")
    contributor.get_by_role("button", name="Send revision to review").click()
    expect(contributor.locator(".messagelist")).to_contain_text("Send revision to review")
    contributor.context.close()

    reader = browser.new_context(base_url=site, viewport=DESKTOP).new_page()
    reader.goto(live_url)
    expect(reader.locator("main")).not_to_contain_text(NEW_WORDS)

    reviewer = sign_in(browser, site, "rafael")
    reviewer.goto("/admin/")
    queue = reviewer.locator("#review-queue")
    expect(queue).to_contain_text("Awaiting review (1)")
    expect(queue).to_contain_text("Changes: Summary")
    queue.get_by_role("link", name=f"{tactic.public_id} {tactic.name}").click()
    expect(reviewer.locator(".revision-diff ins").first).to_contain_text("talent scouts")
    screenshot(reviewer, "admin-revision-diff")
    reviewer.get_by_role("button", name="Publish revision", exact=True).click()
    expect(reviewer.locator(".messagelist")).to_contain_text("Publish revision")
    reviewer.context.close()

    # The reader's browser kept the page it showed before (the service worker): it shows that
    # copy at once, says the page has changed, and shows the new one a tap later.
    reader.goto(live_url)
    updated = reader.locator("[data-page-updated]")
    expect(updated).to_be_visible()
    updated.get_by_role("link", name="Show the latest version").click()
    expect(reader.locator("main")).to_contain_text(NEW_WORDS)
    expect(reader.locator("[data-page-updated]")).to_be_hidden()
    reader.goto(f"/tactics/{tactic.public_id}/changes/")
    expect(reader.locator("ol.changes li").first).to_contain_text("Summary rewritten")
    reader.context.close()
