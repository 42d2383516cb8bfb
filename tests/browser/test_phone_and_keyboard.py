"""The reader's visit on a phone, and with the keyboard alone: a skip link, a logical order,
a focus that can always be seen, and no page wider than the screen down to 320 px."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from .screens import PHONE, screenshot
from .test_reader import GPS_TACTIC

MAIN_PAGES = [
    "/",
    "/tactics/?technology=gps",
    "/tactics/TT-0003/gps-tracking-of-victims/",
    "/countermeasures/CM-0001/",
    "/sources/SR-0001/",
    "/search/?q=gps",
    "/matrix/",
    "/handout/?ids=TT-0003",
]


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_reader_on_a_phone_searches_filters_and_reads(phone: Page):
    phone.goto("/")
    phone.get_by_label("Search the knowledge base").fill("grooming on dating apps")
    phone.get_by_role("banner").get_by_role("button", name="Search").click()
    # On a narrow screen the filters come after the results; a link jumps to them.
    phone.get_by_role("link", name=re.compile("Filter and sort")).click()
    phone.get_by_role("checkbox", name=re.compile(r"^Tactic \d+")).check()
    phone.get_by_role("button", name="Apply").click()
    expect(phone).to_have_url(re.compile(r"type=tactic"))
    phone.get_by_role("link", name=re.compile("^Grooming through social media")).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Grooming")
    phone.wait_for_load_state()  # the stylesheet too, before measuring the layout
    assert overflow(phone) == 0
    screenshot(phone, "phone-tactic-page")


@pytest.mark.parametrize("width", [320, 390, 768, 1600])
def test_no_page_is_wider_than_the_screen(browser, site, width):
    context = browser.new_context(base_url=site, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for path in MAIN_PAGES:
            page.goto(path)
            assert overflow(page) == 0, f"{path} at {width} px"
    finally:
        context.close()


def focused(page: Page) -> dict:
    """What has the keyboard focus: its tag, text or label, and whether it shows it."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          const box = el.getBoundingClientRect();
          return {
            tag: el.tagName.toLowerCase(),
            text: (el.labels && el.labels.length ? el.labels[0].innerText
                   : el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
            id: el.id,
            outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            onScreen: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0,
          };
        }"""
    )


def test_keyboard_alone_reaches_everything_in_order_with_a_visible_focus(page: Page):
    page.goto("/tactics/TT-0003/gps-tracking-of-victims/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to content" and first["outline"] and first["onScreen"]

    # Then the header in reading order: brand, the five sections, the search box.
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(focused(page))
    assert [f["text"] for f in order[:6]] == [
        f"kb {settings.KB_SITE_NAME}", "Tactics", "Countermeasures", "Sources", "Matrix",
        "Get help",
    ]  # fmt: skip
    assert order[6]["id"] == "site-q" and order[7]["text"] == "Search"
    assert all(f["outline"] for f in order), order

    # The skip link goes straight to the content.
    page.keyboard.press("Shift+Tab")
    page.goto("/tactics/TT-0003/gps-tracking-of-victims/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Permanent link" or focused(page)["outline"]

    # Search and open a result with the keyboard alone.
    page.goto("/")
    page.keyboard.press("Tab")  # skip link
    for _ in range(7):
        page.keyboard.press("Tab")
    assert focused(page)["id"] == "site-q"
    page.keyboard.type("gps")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=gps"))
    result = page.get_by_role("link", name=GPS_TACTIC)
    result.focus()
    assert focused(page)["outline"]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(GPS_TACTIC)


def tab_to(page: Page, text: str, limit: int = 250) -> None:
    """Press Tab until the focus is on the element whose text (or label) matches the
    pattern ``text``; every element passed on the way must show that it has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["outline"], f"no visible focus on {now}"
        if re.match(text, now["text"]):
            return
    raise AssertionError(f"Tab never reached {text!r}")


def test_the_whole_visit_with_the_keyboard_alone(page: Page):
    page.goto("/")
    tab_to(page, "^Search the knowledge base$")  # the header's search box
    page.keyboard.type("gps trackng")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=gps\+trackng"))

    tab_to(page, r"^Tactic \d+")  # the facet's checkbox, named by its label
    page.keyboard.press("Space")  # applies at once, and the focus stays on it
    expect(page).to_have_url(re.compile(r"type=tactic"))
    assert focused(page)["tag"] == "input"

    tab_to(page, re.escape(GPS_TACTIC))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(GPS_TACTIC)

    tab_to(page, "Latest technology helps")  # the reference's source
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Latest technology"))
    page.go_back()

    tab_to(page, "Copy APA citation")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert "TT-0003" in page.evaluate("navigator.clipboard.readText()")

    page.goto("/tactics/")
    tab_to(page, r"^GPS and location tracking \d+")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"technology=gps"))
    tab_to(page, "Make a printable handout")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/handout/\?ids=TT-0003"))


SMALL_PHONE = {"width": 360, "height": 640}


def on_screen(page: Page, selector: str) -> dict:
    """Where the first element matching ``selector`` is, in px from the screen's top."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return {"top": box["y"], "bottom": box["y"] + box["height"]}


def settled(page: Page, scripts: bool = True) -> None:
    """Wait until the page has loaded and its scripts have run their last step."""
    page.wait_for_load_state("load")
    if scripts:
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")


@pytest.mark.parametrize("language", ["", "/ar"])
@pytest.mark.parametrize("screen", [PHONE, SMALL_PHONE], ids=["390x844", "360x640"])
def test_a_tactic_page_on_a_phone_opens_on_its_summary_and_red_flags(
    browser, site, screen, language
):
    context = browser.new_context(base_url=site, viewport=screen, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{language}/tactics/TT-0003/gps-tracking-of-victims/")
        settled(page)
        height = screen["height"]
        summary, red_flags = on_screen(page, ".lead"), on_screen(page, "#indicators")
        first_flag = on_screen(page, ".indicators li")
        assert summary["top"] >= 0 and summary["bottom"] <= height
        assert summary["bottom"] <= red_flags["top"] and red_flags["bottom"] <= height
        if screen is PHONE:  # the first red flag whole; on the small screen, its start
            assert first_flag["bottom"] <= height
        else:
            assert first_flag["top"] + 20 <= height
        # The dates and permanent links follow the red flags on screen...
        assert on_screen(page, ".permalink")["top"] > on_screen(page, ".indicators")["bottom"]
        # ...and the focus still moves down the screen, never back up.
        tab_to(page, "^Permanent link|^http")
        tops = []
        for _ in range(12):
            tops.append(
                page.evaluate("document.activeElement.getBoundingClientRect().top + scrollY")
            )
            page.keyboard.press("Tab")
        assert tops == sorted(tops), tops
        assert overflow(page) == 0
    finally:
        context.close()


def test_a_tactic_page_keeps_its_order_on_a_desktop_and_on_paper(page: Page):
    page.goto("/tactics/TT-0003/gps-tracking-of-victims/")
    assert on_screen(page, ".permalink")["bottom"] < on_screen(page, "#summary")["top"]
    # The red flags come before the long description, within the first screen.
    assert on_screen(page, "#indicators")["bottom"] < on_screen(page, "#description")["top"]
    assert on_screen(page, ".indicators li")["bottom"] <= page.viewport_size["height"]
    page.set_viewport_size(SMALL_PHONE)
    page.emulate_media(media="print")
    assert on_screen(page, ".permalink")["bottom"] < on_screen(page, "#summary")["top"]


@pytest.mark.parametrize("scripts", [True, False], ids=["with scripts", "without scripts"])
def test_after_a_filter_on_a_phone_the_results_are_in_view(browser, site, scripts):
    context = browser.new_context(
        base_url=site, viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=scripts
    )
    page = context.new_page()
    try:
        page.goto("/tactics/")
        page.get_by_role("link", name=re.compile("Filter and sort")).click()
        page.get_by_role("checkbox", name=re.compile(r"^GPS and location tracking \d+")).check()
        if not scripts:  # with scripts the form applies as soon as the box is ticked
            page.get_by_role("button", name="Apply").click()
        expect(page).to_have_url(re.compile(r"technology=gps"))
        settled(page, scripts)
        count, first_row = on_screen(page, ".result-count"), on_screen(page, ".entry-row")
        assert count["top"] >= 0 and first_row["bottom"] <= PHONE["height"]
        assert on_screen(page, ".jump-to-filters")["bottom"] <= PHONE["height"]  # back: one tap
        if scripts:  # the count has the focus, so a screen reader says what changed
            assert page.evaluate("document.activeElement.className") == "result-count"
    finally:
        context.close()
