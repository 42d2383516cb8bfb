"""The read-only JSON API for search and tactics."""

import pytest

from kb.models import Status

from .conftest import make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db


def test_search_api_returns_ranked_results_of_every_kind(reader):
    make_tactic("Lantern signals", slug="lantern-signals")
    make_countermeasure("Patrols", summary="With a lantern.")
    make_source(title="Unrelated")
    data = reader.get("/api/search/", {"q": "lantern"}).json()
    assert data["count"] == 2
    first = data["results"][0]
    assert first == {
        "type": "tactic",
        "id": "TT-0001",
        "name": "Lantern signals",
        "url": "http://testserver/tactics/TT-0001/lantern-signals/",
        "snippet": first["snippet"],
    }
    assert [r["type"] for r in data["results"]] == ["tactic", "countermeasure"]
    assert "<mark>lantern</mark>" in data["results"][1]["snippet"]


def test_tactics_api_uses_the_lists_filters_and_relevance(reader, terms):
    make_tactic("Signals", summary="A lantern.", stages=[terms["stage"]])
    make_tactic("Lantern signals", stages=[terms["stage"]])
    make_tactic("Lantern elsewhere")
    data = reader.get("/api/tactics/", {"q": "lantern", "stage": "grooming"}).json()
    assert data["count"] == 2
    assert [r["name"] for r in data["results"]] == ["Lantern signals", "Signals"]
    assert set(data["results"][0]) == {"id", "name", "summary", "url"}
    assert {"next", "previous"} <= set(data)


def test_tactics_api_pages(reader, settings):
    for n in range(3):
        make_tactic(f"Tactic {n}")
    data = reader.get("/api/tactics/", {"page_size": 2}).json()
    assert data["count"] == 3 and len(data["results"]) == 2
    assert "page=2" in data["next"]


def test_api_rejects_malformed_filters_with_a_clear_400(reader):
    response = reader.get("/api/tactics/", {"technology": "no-such-term"})
    assert response.status_code == 400
    assert "technology" in response.json()
    assert reader.get("/api/search/", {"type": "spaceship"}).status_code == 400


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.RETIRED])
def test_api_never_shows_unpublished_entries(reader, status):
    make_tactic("Lantern hidden", status=status)
    make_countermeasure("Lantern hidden", status=status)
    make_source(title="Lantern hidden", status=status)
    assert reader.get("/api/search/", {"q": "lantern"}).json()["count"] == 0
    assert reader.get("/api/tactics/").json()["count"] == 0
