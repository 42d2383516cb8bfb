"""Adding a tactic from the source it was read in, on one page."""

from __future__ import annotations

import pytest

from kb.models import Category, Source, SourceKind, Stage, Status, Tactic, Technology

from ..factories import make_source, make_term

pytestmark = pytest.mark.django_db

URL = "/admin/kb/tactic/add-from-source/"


@pytest.fixture
def terms() -> dict:
    return {
        "category": make_term(Category, "Recruitment").pk,
        "stages": [make_term(Stage, "Grooming").pk],
        "technologies": [make_term(Technology, "Websites").pk],
    }


def test_one_page_creates_a_draft_tactic_a_draft_source_and_the_citation(
    contributor, terms, reader
):
    form = {
        "name": "Fake modelling agency websites",
        "summary": "Websites of modelling agencies that do not exist.",
        **terms,
        "red_flag": "The agency cannot be found anywhere else.",
        "source_title": "A news report",
        "source_publisher": "A newspaper",
        "source_kind": SourceKind.values[0],
        "source_dateline": "April 25",
        "quote": "Traffickers create fake business websites",
        "locator": "paragraph 6",
    }
    assert len([value for value in form.values() if value]) == 12  # fields typed or picked
    response = contributor.post(URL, form)
    assert response.status_code == 302
    tactic = Tactic.objects.get(name_en="Fake modelling agency websites")
    assert response["Location"] == f"/admin/kb/tactic/{tactic.pk}/change/"
    assert tactic.status == Status.DRAFT and tactic.slug == "fake-modelling-agency-websites"
    citation = tactic.citations.get()
    assert (citation.quote, citation.locator) == (form["quote"], "paragraph 6")
    assert citation.source.status == Status.DRAFT and citation.source.dateline == "April 25"
    assert [i.text for i in tactic.indicators.all()] == [form["red_flag"]]
    assert list(tactic.stages.all()) == list(Stage.objects.all())
    assert tactic.history.filter(history_change_reason="Created from a source").exists()
    assert reader.get(tactic.get_absolute_url()).status_code == 404


def test_an_existing_source_can_be_cited_instead(reviewer, terms):
    source = make_source(title="Known report")
    response = reviewer.post(
        URL,
        {"name": "Lantern", "summary": "S.", **terms, "source": source.pk, "quote": "Q."},
    )
    assert response.status_code == 302
    assert Tactic.objects.get(name_en="Lantern").citations.get().source == source
    assert Source.objects.count() == 1


def test_a_missing_source_or_quote_is_named_and_nothing_is_saved(contributor, terms):
    response = contributor.post(URL, {"name": "Lantern", "summary": "S.", **terms})
    assert response.status_code == 200
    assert "Choose an existing source" in response.text
    assert "This field is required" in response.text
    assert not Tactic.objects.exists() and not Source.objects.exists()


def test_the_page_is_for_editors_only(staff_client, contributor):
    assert staff_client.get(URL).status_code == 403
    page = contributor.get(URL)
    assert page.status_code == 200 and "The source" in page.text
    assert URL in contributor.get("/admin/kb/tactic/add/").text


def test_a_link_that_is_not_a_web_link_is_refused_with_a_message(contributor, terms):
    response = contributor.post(
        URL,
        {"name": "Lantern", "summary": "S.", **terms, "source_title": "T",
         "source_publisher": "P", "source_kind": SourceKind.values[0],
         "source_url": "ftp://example.org/report.pdf", "quote": "Q."},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Tactic.objects.exists() and not Source.objects.exists()
