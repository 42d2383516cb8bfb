"""Cached public pages: fast for readers, never stale after a change, 304 when unchanged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.models import Stage, Status, Tactic

from ..factories import complete, make_tactic
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
    assert "must-revalidate" in response["Cache-Control"] and modified


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
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
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


@pytest.fixture
def previewer(django_user_model):
    """Staff who may view tactics in the admin, and so preview drafts (a permission of its
    own: these tests empty the database, roles included, between tests)."""
    from django.contrib.auth.models import Permission

    from ..conftest import signed_in

    user = django_user_model.objects.create_user("previewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_tactic"))
    return signed_in(user)


def test_staff_are_never_served_cached_pages(reader, previewer):
    tactic = make_tactic("Lantern", status=Status.DRAFT)
    assert reader.get(tactic.get_absolute_url()).status_code == 404
    assert previewer.get(tactic.get_absolute_url()).status_code == 200
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


def test_a_page_that_is_gone_is_never_answered_304_within_the_same_second(reader):
    """An edit and a return to draft in one second: the Last-Modified a client holds is
    still "current" to the second, but the page is now a 404."""
    tactic = make_tactic("Lantern")
    first = reader.get(tactic.get_absolute_url())
    tactic.summary = "Edited."
    tactic.save()
    tactic.status = Status.DRAFT
    tactic.save()
    again = reader.get(
        tactic.get_absolute_url(),
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
        HTTP_IF_NONE_MATCH=first["ETag"],
    )
    assert again.status_code == 404
    assert (
        reader.get(
            tactic.get_absolute_url(), HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT"
        ).status_code
        == 404
    )


def test_parameters_no_page_reads_redirect_to_the_address_without_them(reader):
    make_tactic("Lantern")
    response = reader.get("/tactics/?stage=grooming&r=12345&utm_source=slides")
    assert response.status_code == 301 and response["Location"] == "/tactics/?stage=grooming"
    tactic_page = Tactic.objects.get().get_absolute_url()
    assert reader.get(f"{tactic_page}?q=lantern")["Location"] == tactic_page
    assert reader.get(f"{tactic_page}?q=lantern", follow=True).status_code == 200


def test_made_up_headers_and_parameter_order_share_one_copy(reader):
    make_tactic("Lantern")
    reader.get("/tactics/?stage=none&q=lantern")
    variants = [
        {"path": "/tactics/?q=lantern&stage=none"},
        {"path": "/tactics/?stage=none&q=lantern", "HTTP_ACCEPT": "text/x-random-123"},
        {"path": "/tactics/?stage=none&q=lantern", "HTTP_ACCEPT_LANGUAGE": "xx"},
    ]
    for variant in variants:
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(**variant)
        assert response.status_code == 200 and only_the_content_version(queries), variant


def test_the_api_is_keyed_by_the_type_it_negotiated(reader):
    make_tactic("Lantern")
    assert reader.get("/api/tactics/", HTTP_ACCEPT="application/json").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        browser = reader.get("/api/tactics/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert browser.status_code == 200 and only_the_content_version(queries)
    assert reader.get("/api/tactics/", HTTP_ACCEPT="image/png").status_code == 406


def test_a_made_up_session_cookie_does_not_skip_the_cache(reader):
    make_tactic("Lantern")
    reader.get("/tactics/")
    reader.cookies["sessionid"] = "madeupsessionkey1234567890abcdef"
    with CaptureQueriesContext(connection) as queries:
        response = reader.get("/tactics/")
    assert response.status_code == 200
    # Served from the cache: the one query asks whether the session exists.
    assert all("kb_tactic" not in q["sql"] for q in queries)


def test_pages_for_staff_are_private_and_never_stored(staff_client, reader):
    make_tactic("Lantern")
    response = staff_client.get("/tactics/")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        reader.get("/tactics/")
    assert any("kb_tactic" in q["sql"] for q in queries)  # the staff page was not stored


def test_head_is_answered_from_the_get_copy(reader):
    make_tactic("Lantern")
    page = reader.get("/tactics/")
    with CaptureQueriesContext(connection) as queries:
        head = reader.head("/tactics/")
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(page.content)) and head["ETag"] == page["ETag"]
    assert only_the_content_version(queries)


def test_large_bodies_are_not_stored(reader, settings):
    make_tactic("Lantern")
    settings.KB_PAGE_CACHE_MAX_BYTES = 1000
    reader.get("/tactics/")
    with CaptureQueriesContext(connection) as queries:
        reader.get("/tactics/")
    assert any("kb_tactic" in q["sql"] for q in queries)


def test_the_scheme_is_part_of_the_address(reader, settings):
    """A request over HTTPS (or claiming it through a trusted proxy) never decides the links
    that readers over HTTP are served, and the other way round."""
    make_tactic("Lantern")
    secure = reader.get("/sitemap.xml", secure=True)
    plain = reader.get("/sitemap.xml")
    assert b"https://" in secure.content and b"https://" not in plain.content


def test_a_compressed_pages_weak_etag_still_answers_304(reader):
    tactic = make_tactic("Lantern")
    response = reader.get(tactic.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip" and response["ETag"].startswith('W/"')
    again = reader.get(
        tactic.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


@pytest.mark.parametrize("url", ["/jsi18n/", "/ar/jsi18n/"])
def test_the_script_catalogue_stays_fresh_for_a_day_through_the_cache(reader, url):
    # Its view says a day; a repeat visit on a slow connection need not ask for it again.
    first, cached = reader.get(url), reader.get(url)
    assert first["Cache-Control"] == cached["Cache-Control"]
    assert "max-age=86400" in cached["Cache-Control"]
    revalidated = reader.get(url, HTTP_IF_NONE_MATCH=cached["ETag"])
    assert revalidated.status_code == 304 and "max-age=86400" in revalidated["Cache-Control"]


def test_pages_must_still_be_asked_for_again(reader):
    response = reader.get("/tactics/")
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
