"""The "Get help" page (kb.reading.help): published organisations only, by country and
language, in every language, with plain words for what is not recorded or not understood."""

import pytest

from kb.models import Status

from ..factories import make_help_organisation, make_source, make_tactic

pytestmark = pytest.mark.django_db

ADVICE = "If someone is in immediate danger, contact the emergency services where you are."


@pytest.mark.parametrize("prefix", ["", "/es", "/fr", "/ar"])
def test_the_page_answers_in_every_language(reader, prefix):
    response = reader.get(f"{prefix}/help/")
    assert response.status_code == 200
    language = prefix.strip("/") or "en"
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}"' in response.text
    assert f'action="{prefix}/help/"' in response.text


def test_every_page_header_links_to_it(reader):
    tactic = make_tactic()
    for url in ("/", "/tactics/", tactic.get_absolute_url(), "/suggest/", "/help/"):
        assert 'href="/help/"' in reader.get(url).text, url
    assert 'href="/es/help/"' in reader.get("/es/tactics/").text


def test_it_always_gives_general_advice_and_says_when_nothing_is_recorded(reader):
    response = reader.get("/help/")
    assert ADVICE in response.text
    assert "No organisation is recorded yet." in response.text


def test_anonymous_readers_never_see_drafts_or_entries_in_review(reader):
    make_help_organisation("Published helpline", status=Status.PUBLISHED)
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN, Status.RETIRED):
        make_help_organisation(f"Not public {status}", status=status)
    response = reader.get("/help/")
    assert "Published helpline" in response.text
    assert "Not public" not in response.text


def test_staff_see_what_readers_see(contributor):
    """No preview here: the page is the same for everyone, so its cached copy is too."""
    make_help_organisation("Draft helpline", status=Status.DRAFT)
    assert "Draft helpline" not in contributor.get("/help/").text


def test_an_organisation_shows_what_they_do_how_to_reach_them_and_its_source(reader):
    source = make_source(title="A report")
    make_help_organisation(
        "Helpline",
        status=Status.PUBLISHED,
        what_they_do="Answers calls about exploitation.",
        website="https://helpline.example/",
        phone="+1 555 0100",
        email="help@helpline.example",
        country="US",
        region="Texas",
        languages="en es",
        source=source,
        quote="The helpline answers calls.",
    )
    text = reader.get("/help/").text
    assert "Answers calls about exploitation." in text
    assert 'href="https://helpline.example/"' in text
    assert 'href="tel:+15550100"' in text and 'href="mailto:help@helpline.example"' in text
    assert "United States of America" in text and "Texas" in text and "Spanish" in text
    assert f'href="{source.get_absolute_url()}"' in text and "The helpline answers calls." in text


def test_without_contact_details_the_entry_says_they_are_not_recorded(reader):
    make_help_organisation("Named in an article", status=Status.PUBLISHED)
    assert "Contact details are not recorded" in reader.get("/help/").text


def test_a_country_shows_its_organisations_and_those_that_serve_every_country(reader):
    make_help_organisation("American line", status=Status.PUBLISHED, country="US")
    make_help_organisation("French line", status=Status.PUBLISHED, country="FR")
    make_help_organisation("Worldwide line", status=Status.PUBLISHED, country="")
    text = reader.get("/help/?country=US").text
    assert "American line" in text and "Worldwide line" in text
    assert "French line" not in text


def test_a_country_with_nothing_recorded_is_said_plainly(reader):
    make_help_organisation("American line", status=Status.PUBLISHED, country="US")
    response = reader.get("/help/?country=KE")
    assert "Nothing is recorded yet for Kenya." in response.text
    assert "American line" not in response.text


def test_a_language_shows_those_that_answer_in_it(reader):
    make_help_organisation("Spanish line", status=Status.PUBLISHED, languages="es")
    make_help_organisation("Arabic line", status=Status.PUBLISHED, languages="ar")
    text = reader.get("/help/?language=es").text
    assert "Spanish line" in text and "Arabic line" not in text


def test_country_and_language_together(reader):
    make_help_organisation(
        "American English", status=Status.PUBLISHED, country="US", languages="en"
    )
    response = reader.get("/help/?country=US&language=ar")
    assert "American English" not in response.text
    assert "Nothing is recorded yet for United States of America in Arabic." in response.text


@pytest.mark.parametrize(
    "query", ["country=ZZ", "language=klingon", "country=<b>x</b>", "language=%00", "country=1"]
)
def test_a_value_the_page_does_not_know_is_named_in_plain_words_never_an_error(reader, query):
    make_help_organisation("Any line", status=Status.PUBLISHED)
    response = reader.get(f"/help/?{query}")
    assert response.status_code == 200
    assert "is not a" in response.text and "Any line" in response.text
    assert "<b>x</b>" not in response.text


def test_a_country_code_may_be_typed_in_lower_case(reader):
    make_help_organisation("French line", status=Status.PUBLISHED, country="FR")
    response = reader.get("/help/?country=fr")
    assert "French line" in response.text and "is not a" not in response.text


def test_parameters_it_does_not_read_are_dropped_from_its_address(reader):
    response = reader.get("/help/?country=US&utm_source=course")
    assert response.status_code == 301 and response["Location"] == "/help/?country=US"


def test_the_filter_form_is_a_plain_get_form_without_script(reader):
    text = reader.get("/es/help/").text
    assert 'method="get"' in text and 'name="country"' in text and 'name="language"' in text
