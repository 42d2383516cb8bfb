"""Cite this page (APA, BibTeX) and link previews."""

import datetime

import pytest
from django.utils import timezone

from kb.reading.cite import PageCitation, bibtex_escape

from ..factories import cite, make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db

URL = "https://kb.example/tactics/TT-0001/sextortion/"


def tactic_updated_on(day: datetime.date, sources: int):
    from kb.models import Tactic

    tactic = make_tactic("Sextortion", slug="sextortion")
    for n in range(sources):
        cite(tactic, make_source(title=f"Report {n}"), f"Quote {n}")
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Tactic.objects.filter(pk=tactic.pk).update(updated_at=moment)
    tactic.refresh_from_db()
    return tactic


@pytest.mark.parametrize("sources", [1, 3])
def test_apa_citation(sources, settings):
    settings.KB_SITE_NAME = "Tech Tactics KB"
    tactic = tactic_updated_on(datetime.date(2026, 3, 5), sources)
    citation = PageCitation(tactic, URL, datetime.date(2026, 11, 23))
    assert citation.apa == (
        "Tech Tactics KB. (2026, March 5). Sextortion (TT-0001). "
        f"Retrieved November 23, 2026, from {URL}"
    )


@pytest.mark.parametrize("sources", [1, 3])
def test_bibtex_citation(sources, settings):
    settings.KB_SITE_NAME = "Tech Tactics KB"
    tactic = tactic_updated_on(datetime.date(2026, 3, 5), sources)
    citation = PageCitation(tactic, URL, datetime.date(2026, 11, 23))
    assert citation.bibtex == (
        "@misc{kb-tt-0001,\n"
        "  author = {{Tech Tactics KB}},\n"
        "  title = {{Sextortion (TT-0001)}},\n"
        "  year = {2026},\n"
        "  month = mar,\n"
        f"  howpublished = {{\\url{{{URL}}}}},\n"
        f"  url = {{{URL}}},\n"
        "  urldate = {2026-11-23},\n"
        "  note = {Accessed 2026-11-23}\n"
        "}"
    )


def test_bibtex_escapes_latex_specials():
    assert bibtex_escape("50% & {x}_#1 ~$") == r"50\% \& \{x\}\_\#1 \textasciitilde{}\$"


def test_entry_pages_offer_both_citations_with_the_permanent_url(reader):
    tactic = make_tactic("Sextortion", slug="sextortion")
    countermeasure = make_countermeasure("Monitoring", slug="monitoring")
    source = make_source(title="A report", slug="a-report")
    for entry in (tactic, countermeasure, source):
        text = reader.get(entry.get_absolute_url()).text
        url = f"http://testserver{entry.get_absolute_url()}"
        assert 'id="cite"' in text and 'href="#cite"' in text
        assert f"Retrieved {timezone.localdate():%B}" in text
        assert "@misc{kb-" in text
        assert text.count(url) >= 3  # permalink, APA, BibTeX


def test_entry_pages_have_link_previews(reader):
    tactic = make_tactic("Sextortion", summary="Images used as leverage.")
    text = reader.get(tactic.get_absolute_url()).text
    assert '<meta property="og:title" content="Sextortion (TT-0001)">' in text
    assert '<meta property="og:description" content="Images used as leverage.">' in text
    assert f'<link rel="canonical" href="http://testserver{tactic.get_absolute_url()}">' in text
