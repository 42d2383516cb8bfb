"""The home page."""

import pytest

from kb.models import Category, Status

from ..factories import make_countermeasure, make_tactic, make_term

pytestmark = pytest.mark.django_db


def test_home_groups_published_tactics_by_category(reader):
    recruitment = make_term(Category, "Recruitment and luring")
    make_term(Category, "Empty category")
    make_tactic("Fake job offers", category=recruitment)
    make_tactic("Unfinished idea", category=recruitment, status=Status.DRAFT)
    response = reader.get("/")
    assert response.status_code == 200
    assert "Recruitment and luring" in response.text
    assert "Fake job offers" in response.text
    assert "Unfinished idea" not in response.text
    assert "Empty category" not in response.text
    assert 'role="search"' in response.text


def test_home_lists_latest_published_updates(reader):
    make_tactic("Sextortion")
    make_countermeasure("Monitoring platforms")
    make_countermeasure("Draft response", status=Status.DRAFT)
    response = reader.get("/")
    latest = [entry.name for entry in response.context["latest"]]
    assert sorted(latest) == ["Monitoring platforms", "Sextortion"]
    assert "1 tactic · 1 countermeasure · 0 sources" in response.text


def test_a_large_category_shows_its_first_tactics_and_a_link_to_all(reader, settings):
    recruitment = make_term(Category, "Recruitment and luring")
    for n in range(12):
        make_tactic(f"Lure {n:02d}", category=recruitment)
    response = reader.get("/")
    shown = [t.name for t in response.context["categories"][0].published_tactics]
    assert shown == [f"Lure {n:02d}" for n in range(8)]
    assert f'href="{recruitment.get_absolute_url()}">All 12 recruitment and luring tactics' in (
        response.text
    )
