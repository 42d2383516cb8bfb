"""Cite this page, cite this version (APA, BibTeX), copying permanent links, and link
previews."""

import datetime

import pytest
from django.utils import timezone

from kb.models import PublishedVersion, record_version
from kb.reading.cite import PageCitation, VersionCitation, bibtex_escape

from ..factories import cite, make_countermeasure, make_source, make_tactic, publish_change

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


VERSION_URL = "https://kb.example/tactics/TT-0001/v2/"


def entry_header(text: str) -> str:
    start = text.index('<header class="entry-header">')
    return text[start : text.index("</header>", start)]


def second_version_published_on(day: datetime.date):
    tactic = make_tactic("Sextortion", slug="sextortion")
    record_version(tactic, "First published")
    version = publish_change(tactic, "Clearer summary", summary="Better.")
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    PublishedVersion.objects.filter(pk=version.pk).update(published_at=moment)
    version.refresh_from_db()
    return tactic, version


def test_a_version_is_cited_by_its_own_date_number_and_address_with_no_access_date(settings):
    settings.KB_SITE_NAME = "Tech Tactics KB"
    tactic, version = second_version_published_on(datetime.date(2026, 3, 5))
    citation = VersionCitation(tactic, version, VERSION_URL)
    assert citation.apa == (
        f"Tech Tactics KB. (2026, March 5). Sextortion (TT-0001), Version 2. {VERSION_URL}"
    )
    assert citation.bibtex == (
        "@misc{kb-tt-0001-v2,\n"
        "  author = {{Tech Tactics KB}},\n"
        "  title = {{Sextortion (TT-0001), Version 2}},\n"
        "  year = {2026},\n"
        "  month = mar,\n"
        "  version = {2},\n"
        f"  howpublished = {{\\url{{{VERSION_URL}}}}},\n"
        f"  url = {{{VERSION_URL}}}\n"
        "}"
    )


def test_a_version_page_offers_citations_of_that_version_under_the_name_it_had(reader):
    tactic = make_tactic("Old name", slug="old-name")
    record_version(tactic, "First published")
    publish_change(tactic, "Renamed", name="New name", slug="new-name")
    text = reader.get("/tactics/TT-0001/v1/").text
    version_url = "http://testserver/tactics/TT-0001/v1/"
    cite_section = text[text.index('<section aria-labelledby="cite"') :]
    cite_section = cite_section[: cite_section.index("</section>")]
    assert "Cite this version" in cite_section
    assert f"Old name (TT-0001), Version 1. {version_url}" in cite_section
    assert "@misc{kb-tt-0001-v1," in cite_section and "version = {1}" in cite_section
    assert "Retrieved" not in cite_section and "New name" not in cite_section
    assert 'href="#cite">Cite this version</a>' in entry_header(text)


@pytest.mark.parametrize("make", [make_tactic, make_countermeasure])
def test_a_version_page_has_copy_buttons_for_the_version_and_the_permanent_link(reader, make):
    entry = make("Lantern", slug="lantern")
    version = record_version(entry, "First published")
    text = reader.get(version.get_absolute_url()).text
    version_url = f"http://testserver{version.get_absolute_url()}"
    assert f'<a id="version-link" href="{version_url}">{version_url}</a>' in text
    permanent_url = f"http://testserver{entry.get_absolute_url()}"
    assert f'<a id="permanent-link" href="{permanent_url}">{permanent_url}</a>' in text
    # Hidden until a script can copy: without one, the links are there to select.
    for target in ("version-link", "permanent-link", "cite-apa", "cite-bibtex"):
        assert f'data-copy="{target}" hidden>' in text, target


def test_entry_pages_lead_from_their_header_to_the_citations_and_copy_the_permanent_link(
    reader,
):
    for entry in (make_tactic("Sextortion"), make_countermeasure("Monitoring"), make_source()):
        text = reader.get(entry.get_absolute_url()).text
        header = entry_header(text)
        assert 'href="#cite">Cite this page</a>' in header
        assert 'id="permanent-link"' in header
        assert 'data-copy="permanent-link" hidden>Copy link</button>' in header
