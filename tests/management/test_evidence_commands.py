"""verify_quotes and check_links: what they record and print, and their exit status for
cron (non-zero when a quote is not found or a link is broken)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kb.curation.evidence import attach_text, from_pasted
from kb.models import Citation, LinkCheck, QuoteStatus, SourceText

from ..curation.local_publisher import address
from ..curation.seed_articles import PARAGRAPH_6, PARAGRAPH_15, article_body
from ..factories import cite, make_source, make_tactic

pytestmark = pytest.mark.django_db


def run(command: str, *args) -> tuple[str, CommandError | None]:
    """The command's output, and the error it ended with (None when it succeeded)."""
    out = StringIO()
    try:
        call_command(command, *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_verify_quotes_passes_when_every_quote_is_in_its_text():
    source = make_source()
    attach_text(source, from_pasted(article_body("SR-0001")), None)
    cite(make_tactic(), source, PARAGRAPH_6)
    cite(make_tactic(), make_source(), "A source without stored text.")
    Citation.objects.update(quote_status=QuoteStatus.UNCHECKED)  # as before checks existed
    output, error = run("verify_quotes")
    assert error is None
    assert "1 found, 0 not found; 1 citations' sources have no stored text" in output
    assert sorted(Citation.objects.values_list("quote_status", flat=True)) == [
        QuoteStatus.NO_TEXT,
        QuoteStatus.VERIFIED,
    ]


def test_verify_quotes_lists_the_quotes_that_no_longer_match_and_fails():
    source = make_source(title="Reported technology use")
    attach_text(source, from_pasted(article_body("SR-0001")), None)
    tactic = make_tactic()
    kept = cite(tactic, source, PARAGRAPH_6)
    lost = cite(tactic, source, PARAGRAPH_15)
    # The stored text is edited outside the admin (its receivers do not run for update()).
    SourceText.objects.filter(source=source).update(text=PARAGRAPH_6)
    output, error = run("verify_quotes")
    assert error is not None and "1 found, 1 not found" in str(error)
    assert f"{tactic.public_id} cites {source.public_id} (paragraph 15)" in output
    assert "(no longer matches)" in output and "Global Positioning" not in output
    statuses = dict(Citation.objects.values_list("pk", "quote_status"))
    assert statuses == {kept.pk: QuoteStatus.VERIFIED, lost.pk: QuoteStatus.NOT_FOUND}


def test_check_links_records_every_link_prints_the_broken_ones_and_fails(publisher):
    gone = make_source(url=address(publisher, "/missing"), archive_url=address(publisher, "/ok"))
    output, error = run("check_links", "--timeout", "1", "--host-delay", "0")
    assert error is not None and "Checked 2 links: 1 working, 1 broken." in str(error)
    assert f"{gone.public_id} URL: {gone.url} answered 404" in output
    assert LinkCheck.objects.count() == 2


def test_check_links_passes_when_every_link_works_and_takes_chosen_sources(publisher):
    chosen = make_source(url=address(publisher, "/moved"))
    make_source(url=address(publisher, "/missing"))
    output, error = run("check_links", chosen.public_id.lower(), "--host-delay", "0")
    assert error is None and "Checked 1 links: 1 working, 0 broken." in output
    assert list(LinkCheck.objects.values_list("source_id", flat=True)) == [chosen.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SR-0099"], "No source has the ID SR-0099"),
        (["TT-0001"], "No source has the ID TT-0001"),
        (["--timeout", "-1"], "--timeout cannot be negative"),
    ],
)
def test_check_links_refuses_what_it_cannot_do(args, message):
    _, error = run("check_links", *args)
    assert error is not None and message in str(error)
