"""The link checker against a local HTTP server (never the internet): working links,
redirects, missing pages, server errors, slow servers, redirect loops and servers that
refuse HEAD; what it records, and the broken links in the admin."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest

from kb.curation.links import LinkCheckSettings, check_links, check_url
from kb.models import LinkCheck, LinkKind, Source

from ..factories import make_source
from .local_publisher import address, serve

pytestmark = pytest.mark.django_db


def options(**overrides) -> LinkCheckSettings:
    return LinkCheckSettings.from_settings(**overrides)


def test_a_working_link_is_asked_with_head_and_a_user_agent_that_says_who_asks(publisher):
    answer = check_url(address(publisher, "/ok"), options())
    assert (answer.ok, answer.status_code, answer.error) == (True, 200, "")
    ((method, path, agent, _),) = publisher.requests
    assert (method, path) == ("HEAD", "/ok")
    assert agent.startswith("kb-link-checker/") and "https://kb.example" in agent


def test_a_redirect_is_followed_to_where_it_leads(publisher):
    answer = check_url(address(publisher, "/moved"), options())
    assert answer.ok and answer.status_code == 200
    assert answer.final_url == address(publisher, "/ok")


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/broken", 500)])
def test_an_error_status_is_broken_after_asking_again_with_get(publisher, path, status):
    answer = check_url(address(publisher, path), options())
    assert (answer.ok, answer.status_code) == (False, status)
    assert [request[0] for request in publisher.requests] == ["HEAD", "GET"]


def test_a_site_that_refuses_head_is_asked_with_get(publisher):
    answer = check_url(address(publisher, "/no-head"), options())
    assert (answer.ok, answer.status_code) == (True, 200)


def test_a_slow_site_times_out_without_being_asked_again(publisher):
    started = time.monotonic()
    answer = check_url(address(publisher, "/slow"), options(timeout=0.3))
    assert not answer.ok and answer.status_code is None
    assert answer.error == "no answer within 0.3 s"
    assert time.monotonic() - started < 1.2
    assert len(publisher.requests) == 1


def test_a_redirect_loop_is_broken_and_named(publisher):
    answer = check_url(address(publisher, "/loop-a"), options(max_redirects=3))
    assert not answer.ok
    assert answer.error == "redirect loop or more than 3 redirects"
    # HEAD, then GET, each following three redirects and no more.
    assert [request[0] for request in publisher.requests] == ["HEAD"] * 4 + ["GET"] * 4


def test_nothing_listening_is_broken_with_the_reason(publisher):
    free = serve()
    url = address(free, "/ok")
    free.shutdown()
    free.server_close()
    answer = check_url(url, options())
    assert not answer.ok and answer.status_code is None and "refused" in answer.error.lower()


def test_local_and_private_addresses_are_refused_unless_allowed(publisher, settings):
    settings.KB_LINK_CHECK_PRIVATE_ADDRESSES = False
    for url in (address(publisher, "/ok"), "http://10.0.0.1/", "http://[::1]/"):
        answer = check_url(url, options())
        assert not answer.ok and "private or local address" in answer.error, url
    assert publisher.requests == []


def test_one_host_is_asked_one_link_at_a_time_with_a_pause(publisher):
    sources = [make_source(url=address(publisher, f"/ok?{n}")) for n in range(3)]
    check_links(sources, options(host_delay=0.2, workers=4))
    times = [request[3] for request in publisher.requests]
    assert len(times) == 3
    assert all(later - earlier >= 0.2 for earlier, later in pairwise(times))


def test_several_hosts_are_asked_at_once(publisher):
    other = serve()
    try:
        sources = [
            make_source(url=address(publisher, "/slow"), archive_url=address(publisher, "/ok")),
            make_source(url=address(other, "/slow")),
        ]
        started = time.monotonic()
        check_links(sources, options(timeout=3, workers=2))
        assert time.monotonic() - started < 2 * 1.5 + 0.5  # the two slow hosts overlapped
    finally:
        other.shutdown()
        other.server_close()


def test_every_link_of_every_source_is_recorded_and_broken_ones_come_first(publisher):
    working = make_source(
        title="Working", url=address(publisher, "/ok"), archive_url=address(publisher, "/moved")
    )
    gone = make_source(title="Gone", url=address(publisher, "/missing"))
    make_source(title="No links")
    checks = check_links(Source.objects.all(), options())
    assert [(c.source.title, c.link, c.ok) for c in checks] == [
        ("Gone", LinkKind.URL, False),
        ("Working", LinkKind.ARCHIVE_URL, True),
        ("Working", LinkKind.URL, True),
    ]
    missing = LinkCheck.objects.get(source=gone)
    assert (missing.status_code, missing.url, missing.answer) == (404, gone.url, "404")
    assert missing.broken_since == missing.checked_at
    archived = LinkCheck.objects.get(source=working, link=LinkKind.ARCHIVE_URL)
    assert archived.final_url == address(publisher, "/ok") and archived.broken_since is None


def test_a_link_broken_again_keeps_the_date_it_broke_and_a_mended_one_forgets_it(publisher):
    source = make_source(url=address(publisher, "/missing"))
    check_links([source], options())
    first = LinkCheck.objects.get()
    check_links([source], options())
    again = LinkCheck.objects.get()
    assert again.checked_at > first.checked_at and again.broken_since == first.broken_since

    source.url = address(publisher, "/ok")
    source.save()
    check_links([source], options())
    mended = LinkCheck.objects.get()
    assert mended.ok and mended.broken_since is None and mended.url == source.url

    source.url = ""
    source.save()
    check_links([source], options())
    assert not LinkCheck.objects.exists()  # a link the source no longer has


def test_broken_links_are_listed_in_the_admin_and_marked_on_sources(publisher, reviewer):
    gone = make_source(title="Gone away", url=address(publisher, "/broken"))
    make_source(title="Still here", url=address(publisher, "/ok"))
    check_links(Source.objects.all(), options())

    listed = reviewer.get("/admin/kb/linkcheck/")
    assert listed.status_code == 200
    assert "Gone away" in listed.text and "Still here" not in listed.text  # broken by default
    assert "Still here" in reviewer.get("/admin/kb/linkcheck/", {"state": "all"}).text

    sources = reviewer.get("/admin/kb/source/").text
    assert sources.count('class="kb-link-broken"') == 1
    change = reviewer.get(f"/admin/kb/source/{gone.pk}/change/").text
    assert "broken: 500" in change
