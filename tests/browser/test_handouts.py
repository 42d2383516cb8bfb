"""Handouts and the poster as Chromium prints them (A4, Letter, A3), and a trainer choosing
tactics for a handout with "Add to handout"."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from .conftest import new_page

THREE_TACTICS = ["TT-0001", "TT-0002", "TT-0003"]


def printed(page: Page, **pdf_options) -> list[str]:
    """The text of each page of the PDF Chromium prints of ``page``."""
    pdf = PdfReader(io.BytesIO(page.pdf(**pdf_options)))
    return [sheet.extract_text() for sheet in pdf.pages]


@pytest.mark.parametrize("language", ["", "/es", "/fr", "/ar"])
def test_a_handout_of_three_tactics_prints_on_two_pages_of_a4_or_letter(page: Page, language):
    # Before this layout: 4 pages of A4 (5 of Letter in Arabic), page one 40% empty.
    page.goto(f"{language}/handout/?ids={','.join(THREE_TACTICS)}")
    for paper in ("A4", "Letter"):
        sheets = printed(page, format=paper)
        assert len(sheets) <= 2, (paper, len(sheets))
        # The first page is full: the second tactic starts on it.
        assert "TT-0002" in sheets[0], paper
        # Options, reordering links and the header are not printed.
        assert "TT-0003" in "".join(sheets)


def test_with_quotes_a_handout_still_flows(page: Page):
    page.goto(f"/handout/?ids={','.join(THREE_TACTICS)}")
    page.get_by_label("References with their quotes").check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"references=quotes"))
    expect(page.locator(".citation blockquote").first).to_be_visible()
    sheets = printed(page, format="A4")
    assert "TT-0002" in sheets[0] and len(sheets) <= 4


@pytest.mark.parametrize("language", ["", "/ar"])
def test_the_poster_of_the_matrix_fits_one_a3_sheet(page: Page, language):
    page.goto(f"{language}/matrix/poster/")
    expect(page.locator("svg.qr")).to_be_visible()
    sheets = printed(page, format="A3", landscape=True)
    assert len(sheets) == 1
    assert all(tactic in sheets[0] for tactic in ["TT-0001", "TT-0005", "TT-0009"])


def test_a_trainer_adds_tactics_to_a_handout_and_reorders_it(page: Page):
    page.goto("/tactics/?sort=id")
    tray = page.locator("[data-handout-tray]")
    expect(tray).to_be_hidden()
    rows = page.locator(".entry-row")
    rows.nth(2).get_by_role("button", name="Add to handout").click()
    rows.nth(0).get_by_role("button", name="Add to handout").click()
    expect(rows.nth(0).get_by_role("button", name="Remove from handout")).to_be_visible()
    expect(tray).to_have_text("Handout (2)")

    # The choice stays in this browser: on a tactic's page too.
    page.goto("/tactics/TT-0002/")
    page.get_by_role("button", name="Add to handout").click()
    expect(tray).to_have_text("Handout (3)")

    tray.click()
    expect(page).to_have_url(re.compile(r"/handout/\?ids=TT-0003,TT-0001,TT-0002$"))
    expect(page.locator(".handout__tactic-header h2")).to_have_count(3)

    # Moving and removing change the handout's address and what the browser keeps.
    page.locator(".handout__tactic").nth(0).get_by_role("link", name="Move down").click()
    expect(page).to_have_url(re.compile(r"ids=TT-0001,TT-0003,TT-0002$"))
    page.locator(".handout__tactic").nth(2).get_by_role("link", name="Remove from handout").click()
    expect(page).to_have_url(re.compile(r"ids=TT-0001,TT-0003$"))
    expect(tray).to_have_text("Handout (2)")
    assert page.locator(".handout__tactic svg.qr").count() == 2


def test_without_scripts_there_is_no_add_button_but_the_handout_works(browser: Browser, site):
    for page in new_page(browser, site, java_script_enabled=False):
        page.goto("/tactics/TT-0001/")
        expect(page.get_by_role("button", name="Add to handout")).to_be_hidden()
        page.goto("/handout/?ids=TT-0001,TT-0002")
        page.locator(".handout__tactic").nth(1).get_by_role("link", name="Move up").click()
        expect(page).to_have_url(re.compile(r"ids=TT-0002,TT-0001$"))
