"""Cached public pages: fast for readers, never stale after a change, 304 when unchanged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.models import Stage, Status, Tactic

from ..factories import make_tactic
from ..queries import count_queries

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_cache]

PAGES = ["/", "/tactics/", "/tactics/?stage=none&q=lantern", "/search/?q=lantern",
         "/api/tactics/", "/feeds/tactics/", "/sitemap.xml", "/matrix/"]  # fmt: skip


def only_the_content_version(queries: CaptureQueriesContext) -> bool:
    """At most one query, for the content version (none when the shared cache has it)."""
    return len(queries) <= 1 and all("kb_contentversion" in q["sql"] for q in queries)


@pytest.mark.parametrize("url", PAGES)
def test_a_repeat_visit_is_served_from_the_cache_without_rendering(reader, url):
    make_tactic("Lantern signals")
    first = reader.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = reader.get(url)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert only_the_content_version(queries)


def test_unchanged_page_answers_304_without_rendering(reader):
    tactic = make_tactic("Lantern")
    response = reader.get(tactic.get_absolute_url())
    etag, modified = response["ETag"], response["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = reader.get(tactic.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and only_the_content_version(queries)
    assert reader.get("/tactics/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert "must-revalidate" in response["Cache-Control"]


def test_an_edit_is_visible_at_once_and_changes_the_etag(reader):
    tactic = make_tactic("Lantern", summary="Old summary.")
    first = reader.get(tactic.get_absolute_url())
    tactic.summary = "New summary."
    tactic.save()
    second = reader.get(tactic.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and "New summary." in second.text
    assert second["ETag"] != first["ETag"]


def test_changes_to_related_rows_are_visible_at_once(reader):
    tactic = make_tactic("Lantern")
    reader.get(tactic.get_absolute_url())
    tactic.indicators.create(text="A brand new red flag")
    assert "A brand new red flag" in reader.get(tactic.get_absolute_url()).text


def test_publishing_retiring_and_deleting_through_the_admin_show_at_once(admin_client, reader):
    tactic = make_tactic("Lantern", status=Status.IN_REVIEW)
    assert "Lantern" not in reader.get("/tactics/").text
    admin_client.post("/admin/kb/tactic/", {"action": "publish", "_selected_action": [tactic.pk]})
    assert "Lantern" in reader.get("/tactics/").text
    admin_client.post("/admin/kb/tactic/", {"action": "retire", "_selected_action": [tactic.pk]})
    assert "Lantern" not in reader.get("/tactics/").text
    tactic.refresh_from_db()
    url = tactic.get_absolute_url()
    assert reader.get(url).status_code == 200
    Tactic.objects.filter(pk=tactic.pk).delete()
    assert reader.get(url).status_code == 404


def test_staff_are_never_served_cached_pages(reader, staff_client):
    tactic = make_tactic("Lantern", status=Status.DRAFT)
    assert reader.get(tactic.get_absolute_url()).status_code == 404
    assert staff_client.get(tactic.get_absolute_url()).status_code == 200
    assert reader.get(tactic.get_absolute_url()).status_code == 404


def test_api_answers_json_to_a_browser_and_406_to_a_client_that_wants_none(reader):
    make_tactic("Lantern")
    json_response = reader.get("/api/tactics/", HTTP_ACCEPT="application/json")
    browser = reader.get("/api/tactics/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser["Content-Type"] == json_response["Content-Type"] == "application/json"
    assert browser.content == json_response.content
    assert reader.get("/api/tactics/", HTTP_ACCEPT="text/html").status_code == 406
    # The refusal is never what a JSON client is then served.
    again = reader.get("/api/tactics/", HTTP_ACCEPT="application/json")
    assert again.status_code == 200 and again.content == json_response.content


def test_errors_are_not_cached(reader):
    assert reader.get("/tactics/TT-0001/").status_code == 404
    make_tactic("Lantern")
    assert reader.get("/tactics/TT-0001/").status_code == 301


def test_query_count_of_a_cache_miss_is_unchanged(reader):
    make_tactic("Lantern")
    assert count_queries(reader, "/tactics/") > 1


@pytest.mark.parametrize("url", ["/tactics/?stage=lure", "/search/?q=lantern", "/api/tactics/"])
def test_a_rendered_list_reads_the_content_version_at_most_once(reader, url):
    # The page cache reads it to key the page (from the cache's copy when it has one); the
    # lists reuse it for what they keep in memory.
    make_tactic("Lantern", stages=[Stage.objects.create(name="Lure", slug="lure")])
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(url).status_code == 200
    assert sum("kb_contentversion" in q["sql"] for q in queries) <= 1
