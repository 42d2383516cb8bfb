"""The countermeasure list and countermeasure pages."""

import pytest

from kb.models import Actor, Status

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db


def listed_ids(response) -> list[str]:
    return [c.public_id for c in response.context["entries"]]


def test_only_published_countermeasures_are_listed(reader):
    shown = make_countermeasure("Monitoring platforms")
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED):
        make_countermeasure(f"Hidden {status}", status=status)
    response = reader.get("/countermeasures/")
    assert listed_ids(response) == [shown.public_id]
    assert "Hidden" not in response.text


def test_countermeasure_filters_by_kind_actor_and_text(reader):
    ngos, police = make_term(Actor, "NGOs"), make_term(Actor, "Law enforcement")
    awareness = make_countermeasure("Awareness", response_kind="prevent", actors=[ngos])
    seizure = make_countermeasure("Server seizure", response_kind="disrupt", actors=[police])
    assert listed_ids(reader.get("/countermeasures/?kind=prevent")) == [awareness.public_id]
    assert listed_ids(reader.get("/countermeasures/?actor=law-enforcement")) == [seizure.public_id]
    assert listed_ids(reader.get("/countermeasures/?q=seizure&kind=disrupt")) == [seizure.public_id]
    assert listed_ids(reader.get("/countermeasures/?q=seizure&kind=prevent")) == []


def test_bad_countermeasure_filters_are_reported_not_fatal(reader):
    make_countermeasure()
    response = reader.get("/countermeasures/?kind=teleport&actor=nobody&page=zz")
    assert response.status_code == 200
    assert "were not understood and were ignored" in response.text


def test_countermeasure_page_lists_the_published_tactics_it_counters(reader):
    public = make_tactic("Online advertising")
    hidden = make_tactic("Unreviewed tactic", status=Status.IN_REVIEW)
    countermeasure = make_countermeasure("Monitoring", counters=[public, hidden])
    cite(countermeasure, make_source(title="State report"), "Many cases have begun")
    response = reader.get(countermeasure.get_absolute_url())
    assert response.status_code == 200
    assert "Online advertising" in response.text
    assert "Unreviewed tactic" not in response.text
    assert "Many cases have begun" in response.text
    assert 'id="references"' in response.text


def test_countermeasure_short_url_redirects(reader):
    make_countermeasure("Monitoring", slug="monitoring")
    response = reader.get("/countermeasures/cm-1/")
    assert response.status_code == 301
    assert response["Location"] == "/countermeasures/CM-0001/monitoring/"


def test_draft_countermeasure_is_not_found(reader):
    countermeasure = make_countermeasure(status=Status.DRAFT)
    assert reader.get(countermeasure.get_absolute_url()).status_code == 404
