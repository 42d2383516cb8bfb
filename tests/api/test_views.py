"""The read-only JSON API for search and tactics."""

import pytest

from kb.licence import CONTENT_LICENCE
from kb.models import Status

from ..factories import make_countermeasure, make_source, make_tactic

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
        "language": "en",
        "languages": {"name": "en"},
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
    assert set(data["results"][0]) == {"id", "name", "summary", "url", "language", "languages"}
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


# --- the whole API -------------------------------------------------------------------------


@pytest.fixture
def seeded(db):
    from django.core.management import call_command

    call_command("seed", verbosity=0)


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/api/tactics/", 9),
        ("/api/countermeasures/", 7),
        ("/api/sources/", 2),
        ("/api/categories/", 7),
        ("/api/technologies/", 8),
        ("/api/platforms/", 7),
        ("/api/stages/", 8),
        ("/api/groups/", 5),
        ("/api/actors/", 4),
    ],
)
def test_every_list_pages_and_carries_permanent_urls(reader, seeded, path, count):
    data = reader.get(path, {"page_size": 2}).json()
    assert data["count"] == count
    assert len(data["results"]) == min(2, count)
    assert all(item["url"].startswith("http://testserver/") for item in data["results"])


def test_tactic_detail_has_everything_the_page_shows(reader, seeded):
    data = reader.get("/api/tactics/TT-0009/").json()
    assert data["id"] == "TT-0009" and data["status"] == "published"
    assert data["category"]["slug"] == "coercion-and-extortion"
    assert data["indicators"] and data["references"][0]["quotes"][0]["quote"]
    assert data["references"][0]["source"]["id"] == "SR-0002"
    assert data["url"] == "http://testserver/tactics/TT-0009/sextortion/"


def test_countermeasure_and_source_details(reader, seeded):
    countermeasure = reader.get("/api/countermeasures/CM-0003/").json()
    assert countermeasure["tactics"][0]["tactic"]["id"] == "TT-0008"
    source = reader.get("/api/sources/SR-0001/").json()
    assert {c["entry"]["id"] for c in source["cited_by"]} >= {"TT-0001", "TT-0003"}


def test_lists_take_the_html_filters(reader, seeded):
    data = reader.get("/api/countermeasures/", {"actor": "ngos", "kind": "prevent"}).json()
    assert [r["id"] for r in data["results"]] == ["CM-0005"]
    data = reader.get("/api/sources/", {"q": "reuters"}).json()
    assert [r["id"] for r in data["results"]] == ["SR-0001"]


def test_retired_entry_detail_says_so_and_drafts_are_not_found(reader):
    replacement = make_tactic("New")
    retired = make_tactic("Old", status=Status.RETIRED, replaced_by=replacement)
    draft = make_tactic("Draft", status=Status.DRAFT)
    data = reader.get(f"/api/tactics/{retired.public_id}/").json()
    assert data["status"] == "retired" and data["replaced_by"]["id"] == replacement.public_id
    assert reader.get(f"/api/tactics/{draft.public_id}/").status_code == 404
    assert [r["id"] for r in reader.get("/api/tactics/").json()["results"]] == [
        replacement.public_id
    ]


def test_openapi_schema_validates_and_describes_every_endpoint(reader):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = reader.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/search/", "/api/tactics/", "/api/tactics/{public_id}/", "/api/actors/"):
        assert path in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/tactics/"]["get"]["parameters"]}
    assert {"q", "category", "technology", "platform", "stage", "group", "actor"} <= parameters


def test_api_docs_page_loads_only_our_own_assets(reader):
    import re

    text = reader.get("/api/docs/").text
    addresses = re.findall(r'(?:src|href)="([^"]+)"', text)
    # The page's alternates in other languages are absolute, on this same site.
    # The footer links the content licence at its own canonical address.
    own = ("/", "#", "?", "http://testserver/", CONTENT_LICENCE.url)
    assert addresses and all(address.startswith(own) for address in addresses)


@pytest.mark.parametrize("page_size", ["0", "-1", "abc", "null", "2.5"])
def test_api_rejects_a_malformed_page_size(reader, page_size):
    response = reader.get("/api/tactics/", {"page_size": page_size})
    assert response.status_code == 400 and "page_size" in response.json()


def test_api_caps_page_size_at_100(reader):
    assert reader.get("/api/tactics/", {"page_size": "1000"}).status_code == 200


@pytest.mark.parametrize("page", ["\u00b2", "\u0661", "0", "", "1.0"])
def test_api_refuses_a_malformed_page_number_without_a_server_error(reader, page):
    assert reader.get("/api/tactics/", {"page": page}).status_code == 404
