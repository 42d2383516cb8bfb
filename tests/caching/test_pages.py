"""Where cached pages and the content version are kept: Redis shared by several servers, or
files shared by the processes of one machine. Both are real here."""

import os
import threading

import pytest
import redis
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from kb.caching.pages import VERSION_KEY, VERSION_SECONDS, lookup, share_content_version
from kb.models import ContentVersion, Tactic, content_changed, current_content_version

from ..factories import make_tactic

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
PREFIX = "kb-tests-pages"

pytestmark = pytest.mark.page_cache


def redis_cache(location: str = REDIS_URL) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": PREFIX,
    }


def file_cache(folder) -> dict:
    return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": folder}


@pytest.fixture(params=["redis", "files"])
def page_cache(request, tmp_path):
    """Each kind of cache the site runs with, whichever the rest of the suite uses."""
    chosen = redis_cache() if request.param == "redis" else file_cache(tmp_path)
    with override_settings(CACHES={"default": chosen}):
        cache.clear()
        yield request.param
        cache.clear()


@pytest.fixture
def redis_commands():
    """How many commands Redis has answered so far (its own statistics)."""
    client = redis.Redis.from_url(REDIS_URL)

    def answered() -> int:
        stats = client.info("commandstats")
        return sum(v["calls"] for k, v in stats.items() if k != "cmdstat_info")

    return answered


@pytest.mark.django_db
def test_a_repeat_visit_costs_no_query_at_all(page_cache, reader):
    tactic = make_tactic("Lantern")
    first = reader.get(tactic.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        second = reader.get(tactic.get_absolute_url())
    assert second.content == first.content and len(queries) == 0


@pytest.mark.django_db
def test_a_cached_page_costs_one_round_trip_to_redis(reader, redis_commands):
    with override_settings(CACHES={"default": redis_cache()}):
        cache.clear()
        tactic = make_tactic("Lantern")
        reader.get(tactic.get_absolute_url())
        before = redis_commands()
        reader.get(tactic.get_absolute_url())
        assert redis_commands() - before == 1
        cache.clear()


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_visible_at_once(page_cache, reader):
    tactic = make_tactic("Lantern", summary="Old summary.")
    assert "Old summary." in reader.get(tactic.get_absolute_url()).text
    tactic.summary = "New summary."
    tactic.save()
    assert "New summary." in reader.get(tactic.get_absolute_url()).text


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_shared_with_every_server_at_once(page_cache):
    make_tactic("Lantern")
    assert cache.get(VERSION_KEY) == current_content_version().key
    assert cache.get(VERSION_KEY) == (
        ContentVersion.objects.get().number,
        current_content_version().changed_at,
    )


@pytest.mark.django_db(transaction=True)
def test_the_shared_copy_expires_so_a_change_it_missed_is_served_within_a_minute(reader):
    with override_settings(CACHES={"default": redis_cache()}):
        cache.clear()
        tactic = make_tactic("Lantern", summary="Old summary.")
        assert "Old summary." in reader.get(tactic.get_absolute_url()).text
        assert (
            0 < redis.Redis.from_url(REDIS_URL).ttl(cache.make_key(VERSION_KEY)) <= VERSION_SECONDS
        )
        # A change whose copy was never shared (the cache was unreachable at that moment).
        Tactic.objects.filter(pk=tactic.pk).update(summary_en="New summary.")
        ContentVersion.objects.filter(pk=1).update(number=ContentVersion.objects.get().number + 1)
        assert "Old summary." in reader.get(tactic.get_absolute_url()).text
        cache.delete(VERSION_KEY)  # what its expiry does
        assert "New summary." in reader.get(tactic.get_absolute_url()).text
        cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_copy_waits_for_a_change_being_committed_so_it_is_never_older(page_cache):
    make_tactic("Lantern")
    before = current_content_version().number
    changing, shared = threading.Event(), []

    def change() -> None:
        with transaction.atomic():
            content_changed()
            changing.set()
            threading.Event().wait(0.5)  # the change is still being committed
        connection.close()

    def share() -> None:
        changing.wait()
        shared.append(share_content_version().number)
        connection.close()

    threads = [threading.Thread(target=change), threading.Thread(target=share)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shared == [before + 1] == [current_content_version().number]
    assert cache.get(VERSION_KEY)[0] == before + 1


@pytest.mark.django_db
def test_a_reader_finding_no_copy_shares_the_databases_version(page_cache):
    make_tactic("Lantern")
    cache.delete(VERSION_KEY)
    version, page = lookup("page:nothing-here")
    assert version.key == current_content_version().key and page is None
    assert cache.get(VERSION_KEY) == version.key


@pytest.mark.django_db(transaction=True)
def test_pages_are_served_and_content_saved_while_the_cache_is_unreachable(reader):
    with override_settings(CACHES={"default": redis_cache("redis://127.0.0.1:1/0")}):
        tactic = make_tactic("Lantern")
        response = reader.get(tactic.get_absolute_url())
        assert response.status_code == 200 and "Lantern" in response.text
        tactic.name = "Lantern signals"
        tactic.save()
        assert "Lantern signals" in reader.get(tactic.get_absolute_url()).text
