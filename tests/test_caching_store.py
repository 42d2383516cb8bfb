"""The shared page store: the content version kept in Redis for every application server."""

import os

import pytest
import redis
from django.core.cache import cache, caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from kb.caching.store import CHANGED_KEY, CHANNEL, NUMBER_KEY, SharedPageStore, page_store
from kb.models import ContentVersion, Tactic, current_content

from .conftest import make_tactic

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_cache(location: str = REDIS_URL) -> dict:
    return {
        "default": {
            "BACKEND": "kb.caching.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "kb-tests-shared",
        }
    }


@pytest.fixture
def shared_cache():
    """The Redis cache, whichever cache the rest of the suite runs with."""
    with override_settings(CACHES=redis_cache()):
        cache.clear()
        yield cache
        cache.clear()


@pytest.mark.django_db
def test_the_redis_cache_shares_the_content_version(shared_cache):
    assert isinstance(page_store(), SharedPageStore)


@pytest.mark.django_db
def test_a_repeat_visit_costs_no_query_at_all(shared_cache, reader):
    tactic = make_tactic("Lantern")
    first = reader.get(tactic.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        second = reader.get(tactic.get_absolute_url())
    assert second.content == first.content and len(queries) == 0


@pytest.mark.django_db
def test_an_edit_is_visible_at_once(shared_cache, reader):
    tactic = make_tactic("Lantern", summary="Old summary.")
    assert "Old summary." in reader.get(tactic.get_absolute_url()).text
    tactic.summary = "New summary."
    tactic.save()
    assert "New summary." in reader.get(tactic.get_absolute_url()).text


@pytest.mark.django_db
def test_a_page_served_before_is_served_again_without_asking_redis(shared_cache, reader):
    tactic = make_tactic("Lantern")
    first = reader.get(tactic.get_absolute_url())
    reader.get(tactic.get_absolute_url())  # hears the version the first visit shared
    # Emptied behind the process's back (no change published): only its own copy is left.
    redis.Redis.from_url(REDIS_URL).flushdb()
    with CaptureQueriesContext(connection) as queries:
        second = reader.get(tactic.get_absolute_url())
    assert second.content == first.content and len(queries) == 0


@pytest.mark.django_db
def test_a_page_asked_for_once_is_not_copied_into_the_process(shared_cache, reader):
    tactic = make_tactic("Lantern")
    reader.get(tactic.get_absolute_url())
    assert shared_cache.local_copies.size == 0
    reader.get(tactic.get_absolute_url())
    assert shared_cache.local_copies.size > 0


@pytest.mark.django_db(transaction=True)
def test_the_version_read_from_redis_is_the_databases_to_the_microsecond(shared_cache):
    # The facets' sets are kept under it, whichever way it was read (kb.lists.facets).
    make_tactic("Lantern")
    state, _ = SharedPageStore().lookup("page:nothing-here")
    assert state == current_content()
    assert state.changed_at.microsecond == current_content().changed_at.microsecond


@pytest.mark.django_db
def test_a_version_raised_by_another_server_is_heard_before_the_next_page(shared_cache, reader):
    tactic = make_tactic("Lantern", summary="Old summary.")
    assert "Old summary." in reader.get(tactic.get_absolute_url()).text
    assert "Old summary." in reader.get(tactic.get_absolute_url()).text  # the process's copy
    # Another server commits an edit and raises the shared version, as its commit hook does.
    Tactic.objects.filter(pk=tactic.pk).update(summary="New summary.")
    other_server = caches.create_connection("default")
    state = current_content()
    other_server.raise_version(NUMBER_KEY, state.number + 1, CHANGED_KEY, 0, 60, CHANNEL)
    assert "New summary." in reader.get(tactic.get_absolute_url()).text


@pytest.mark.django_db
def test_the_shared_version_only_moves_forward(shared_cache):
    assert shared_cache.raise_version(NUMBER_KEY, 5, CHANGED_KEY, 1000, 60, CHANNEL)
    assert not shared_cache.raise_version(NUMBER_KEY, 3, CHANGED_KEY, 900, 60, CHANNEL)
    assert shared_cache.get_many([NUMBER_KEY, CHANGED_KEY]) == {NUMBER_KEY: 5, CHANGED_KEY: 1000}
    assert shared_cache.raise_version(NUMBER_KEY, 6, CHANGED_KEY, 1100, 60, CHANNEL)
    assert shared_cache.get(NUMBER_KEY) == 6


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_raises_the_shared_version(shared_cache):
    make_tactic("Lantern")
    assert shared_cache.get(NUMBER_KEY) == ContentVersion.objects.get().number


@pytest.mark.django_db(transaction=True)
def test_a_reader_late_with_an_older_version_cannot_lower_it(shared_cache):
    make_tactic("Lantern")
    before = current_content()
    make_tactic("Beacon")
    # A server that read the version before the second change shares it only now.
    SharedPageStore._raise(before)
    assert shared_cache.get(NUMBER_KEY) == current_content().number > before.number


@pytest.mark.django_db
def test_the_redis_client_is_kept_between_calls(shared_cache):
    assert shared_cache._cache.get_client() is shared_cache._cache.get_client()


@pytest.mark.django_db
def test_pages_are_served_and_content_saved_while_the_cache_is_unreachable(reader):
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:1/0")):
        tactic = make_tactic("Lantern")
        response = reader.get(tactic.get_absolute_url())
        assert response.status_code == 200 and "Lantern" in response.text
        tactic.name = "Lantern signals"
        tactic.save()
        assert "Lantern signals" in reader.get(tactic.get_absolute_url()).text
