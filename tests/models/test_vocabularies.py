"""A vocabulary term that only unpublished entries carry is not public: its name could
announce a draft (kb.models.vocabularies.public_terms), on any path a reader takes."""

import pytest

from kb.models import Actor, Category, Status, Tactic, Technology, public_terms

from ..factories import make_countermeasure, make_tactic, make_term

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms():
    """A technology only a draft carries, one a published tactic carries, one no entry
    carries yet; and a category only a draft is in."""
    secret = make_term(Technology, "Ghostnet relay")
    shown = make_term(Technology, "Encrypted messaging")
    curated = make_term(Technology, "Prepaid cards")
    draft_category = make_term(Category, "Quiet new family")
    make_tactic("Draft idea", status=Status.DRAFT, technologies=[secret], category=draft_category)
    make_tactic("Published one", technologies=[shown])
    return secret, shown, curated, draft_category


def test_public_terms_leave_out_those_only_drafts_carry(terms):
    _secret, shown, curated, _category = terms
    assert set(public_terms(Technology)) == {shown, curated}


def test_a_draft_only_term_is_on_no_public_page_or_answer(reader, terms):
    secret, draft_category = terms[0], terms[3]
    pages = ["/tactics/", "/matrix/", "/search/?q=published", "/api/technologies/", "/api/schema/"]
    for url in pages:
        text = reader.get(url).content.decode()
        assert "Ghostnet" not in text and "ghostnet-relay" not in text, url
        assert "Quiet new family" not in text, url
    assert "Encrypted messaging" in reader.get("/tactics/").text
    assert reader.get(f"/feeds/tactics/{draft_category.slug}/").status_code == 404
    assert reader.get(f"/api/technologies/{secret.slug}/").status_code == 404


def test_filtering_by_a_draft_only_term_is_not_understood(reader, terms):
    secret = terms[0]
    response = reader.get(f"/tactics/?technology={secret.slug}")
    assert response.status_code == 200 and "Ghostnet" not in response.text
    assert "Published one" in response.text  # the unknown term is left out, not applied


def test_publishing_the_entry_makes_its_terms_public(reader, terms):
    secret = terms[0]
    actor = make_term(Actor, "Hotline volunteers")
    make_countermeasure("Draft response", status=Status.DRAFT, actors=[actor])
    assert actor not in public_terms(Actor)
    draft = Tactic.objects.get(name_en="Draft idea")
    draft.status = Status.PUBLISHED
    draft.save()
    assert secret in public_terms(Technology)
    assert "Ghostnet relay" in reader.get("/tactics/").text
