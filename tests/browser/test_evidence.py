"""Citing a passage of a source's stored text in a real browser: the selected text becomes
the passage (a script file the Content-Security-Policy allows), and the citation gets its
paragraph."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from kb.curation.evidence import attach_text, from_pasted
from kb.models import Source, Status

from ..conftest import authenticator
from ..curation.seed_articles import PARAGRAPH_15, article_body
from ..factories import make_tactic
from .test_curation import sign_in


def test_a_selected_passage_is_cited_with_its_paragraph(browser: Browser, site: str):
    authenticator(User.objects.create_superuser("sofia", password="a long pass phrase"))
    source = Source.objects.get(public_id="SR-0001")
    attach_text(source, from_pasted(article_body("SR-0001")), None)
    draft = make_tactic("Hiding sex trafficking victims", status=Status.DRAFT)

    page = sign_in(browser, site, "sofia")
    blocked = []
    page.on("console", lambda message: blocked.append(message.text))
    page.goto(f"/admin/kb/source/{source.pk}/text/")
    page.locator("#paragraph-15").click(click_count=3)  # a triple click selects a paragraph
    expect(page.get_by_label("Passage:")).to_have_value(PARAGRAPH_15)

    page.get_by_label("Cite it in:").fill(draft.public_id)
    page.get_by_role("button", name="Cite this passage").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"{draft.public_id} now cites this source (paragraph 15)"
    )
    assert draft.citations.get().quote == PARAGRAPH_15
    assert not [text for text in blocked if "Content Security Policy" in text]
    page.context.close()
