"""Only published content is visible to anonymous readers, through every path: pages,
search, facets, the API, feeds, the sitemap, downloads, handouts, redirects and version
pages, with a draft, an entry in review, a withdrawn entry and a retired one present."""

from __future__ import annotations

import pytest

from kb.downloads.build import build_downloads
from kb.models import Category, Status
from kb.models.versions import record_version

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db

SECRETS = ["Secretdraft", "Secretreview", "Secretwithdrawn", "Secretcounter", "Secretsource"]


@pytest.fixture
def world():
    visible = make_tactic("Visible lantern", summary="Lantern summary.")
    source = make_source(title="Public report")
    cite(visible, source)
    record_version(visible, "Published")
    hidden_category = make_term(Category, "Secretcategory")
    draft = make_tactic("Secretdraft lantern", status=Status.DRAFT, category=hidden_category)
    review = make_tactic("Secretreview lantern", status=Status.IN_REVIEW)
    withdrawn = make_tactic("Secretwithdrawn lantern")
    record_version(withdrawn, "Published once")
    withdrawn.status = Status.DRAFT  # returned to draft after it had been public
    withdrawn.save()
    retired = make_tactic("Retiredgamma lantern", status=Status.RETIRED)
    counter = make_countermeasure(
        "Secretcounter beacon", status=Status.DRAFT, counters=[visible, draft]
    )
    hidden_source = make_source(title="Secretsource report", status=Status.IN_REVIEW)
    cite(visible, hidden_source, "A quote from a source still in review")
    # Links from a public entry to hidden ones must not show them either.
    visible.related_tactics.set([draft, review, retired])
    build_downloads()
    return {
        "visible": visible,
        "hidden": [draft, review, withdrawn, counter, hidden_source],
        "retired": retired,
    }


def listing_urls(visible) -> list[str]:
    """Every path that lists, counts, searches or exports entries."""
    return [
        "/", "/tactics/", "/tactics/?q=lantern", "/tactics/?q=secretdraft", "/countermeasures/",
        "/countermeasures/?q=beacon", "/sources/", "/sources/?q=report", "/search/?q=lantern",
        "/search/?q=secretdraft", "/search/?q=beacon", "/search/?q=report", "/matrix/",
        "/matrix/?by=category", "/whats-new/", visible.get_absolute_url(),
        f"/handout/?ids={visible.public_id},TT-0002,TT-0003,TT-0004,TT-0005",
        "/feeds/tactics/", "/sitemap.xml", "/sitemap-tactics.xml", "/sitemap-countermeasures.xml",
        "/sitemap-sources.xml", "/downloads/", "/downloads/kb.json",
        "/downloads/kb.stix.json", "/downloads/tactics.csv", "/downloads/countermeasures.csv",
        "/downloads/sources.csv", "/downloads/citations.csv", "/downloads/mitigations.csv",
        "/api/tactics/?format=json", "/api/tactics/?q=lantern&format=json",
        "/api/countermeasures/?format=json", "/api/sources/?format=json",
        "/api/search/?q=lantern&format=json", "/api/search/?q=secretdraft&format=json",
        f"/api/tactics/{visible.public_id}/?format=json", "/api/categories/?format=json",
    ]  # fmt: skip


def hidden_entry_urls(entry) -> list[str]:
    kind = type(entry)._meta.model_name
    plural = {"tactic": "tactics", "countermeasure": "countermeasures", "source": "sources"}[kind]
    return [
        entry.get_absolute_url(),
        f"/{plural}/{entry.public_id}/",
        f"/{plural}/{entry.public_id.lower()}/",
        f"/{plural}/{entry.slug}/",
        f"/{plural}/{entry.public_id}/changes/",
        f"/{plural}/{entry.public_id}/v1/",
        f"/api/{plural}/{entry.public_id}/?format=json",
    ]


def test_hidden_entries_appear_nowhere(reader, world):
    for url in listing_urls(world["visible"]):
        response = reader.get(url)
        assert response.status_code == 200, url
        body = response.getvalue().decode()
        for secret in [*SECRETS, "A quote from a source still in review"]:
            assert secret not in body, f"{secret} shown by {url}"
        for entry in world["hidden"]:
            assert f"/{entry.public_id}/" not in body, f"{entry.public_id} linked from {url}"


def test_hidden_entries_own_addresses_are_not_found(reader, world):
    for entry in world["hidden"]:
        for url in hidden_entry_urls(entry):
            response = reader.get(url)
            assert response.status_code == 404, url
            assert entry.public_id not in response.content.decode(), url


def test_a_retired_entry_keeps_its_page_but_leaves_every_list(reader, world):
    retired = world["retired"]
    assert reader.get(retired.get_absolute_url()).status_code == 200
    for url in listing_urls(world["visible"]):
        if url.startswith("/sitemap"):
            continue  # its page still exists, so search engines may keep it
        body = reader.get(url).getvalue().decode()
        assert "Retiredgamma" not in body, url


def test_facet_counts_ignore_hidden_entries(reader, world):
    # What hides behind a term is not counted, and a term only hidden entries carry is not
    # listed at all (kb.models.vocabularies.public_terms).
    for url in ("/tactics/", "/tactics/?q=lantern"):
        facets = {facet.name: facet for facet in reader.get(url).context["facets"]}
        counts = {option.label: option.count for option in facets["category"].options}
        assert "Secretcategory" not in counts, url
        assert sum(counts.values()) == 1, url  # the visible lantern alone
