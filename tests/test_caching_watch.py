"""What one process keeps of the shared cache: the watch on published changes, and its
copies of pages (kb/caching/watch.py), against the real Redis."""

import os
import secrets
import time

import pytest
import redis

from kb.caching.watch import ChangeWatch, LocalCopies

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def server():
    """A plain client: another application server, as far as the watch can tell."""
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def watch():
    pool = redis.ConnectionPool.from_url(REDIS_URL)
    watch = ChangeWatch(pool, f"kb-tests-watch-{secrets.token_hex(4)}", trust_seconds=30)
    yield watch
    watch.close()
    pool.disconnect()


def wait_for_delivery() -> None:
    # Messages travel over a socket; in production the next request comes at least one
    # round trip later. A pause stands in for that here, generous for a loaded machine.
    time.sleep(0.05)


def forgets(watch: ChangeWatch, within: float = 2.0) -> bool:
    """Whether the watch forgets its value within ``within`` seconds."""
    deadline = time.monotonic() + within
    while watch.remembered() is not None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_a_value_is_remembered_while_nothing_is_published(watch):
    assert watch.remembered() is None
    assert watch.listen()
    watch.remember(7)
    assert watch.remembered() == 7
    assert watch.remembered() == 7


def test_a_published_change_forgets_the_value(watch, server):
    watch.listen()
    watch.remember(7)
    server.publish(watch._channel, "8")
    assert forgets(watch)


def test_messages_published_before_listening_do_not_forget_the_next_value(watch, server):
    watch.listen()
    server.publish(watch._channel, "8")
    wait_for_delivery()
    assert watch.listen()  # consumes what was published before the value is read
    watch.remember(8)
    assert watch.remembered() == 8


def test_other_channels_are_not_heard(watch, server):
    watch.listen()
    watch.remember(7)
    server.publish(watch._channel + "-other", "8")
    wait_for_delivery()
    assert watch.remembered() == 7


def test_a_value_is_forgotten_after_its_trust_runs_out(server):
    pool = redis.ConnectionPool.from_url(REDIS_URL)
    watch = ChangeWatch(pool, f"kb-tests-watch-{secrets.token_hex(4)}", trust_seconds=0.05)
    try:
        watch.listen()
        watch.remember(7)
        time.sleep(0.1)
        assert watch.remembered() is None
    finally:
        watch.close()


def test_a_lost_subscription_forgets_the_value_and_is_started_again(watch, server):
    watch.listen()
    watch.remember(7)
    for client in server.client_list():
        if client["name"] == watch.client_name:
            server.client_kill_filter(_id=client["id"])
    assert forgets(watch)
    assert watch.listen()
    watch.remember(8)
    server.publish(watch._channel, "9")
    assert forgets(watch)


def test_without_redis_nothing_is_remembered():
    pool = redis.ConnectionPool.from_url("redis://127.0.0.1:1/0")
    watch = ChangeWatch(pool, "kb-tests-watch-unreachable", trust_seconds=30)
    assert not watch.listen()
    assert watch.remembered() is None


def test_copies_keep_the_most_recently_used_within_their_budget():
    copies = LocalCopies(max_bytes=800)
    copies.set("a", "first", 100)
    copies.set("b", "second", 100)
    copies.get("a")
    for key in "cdefghi":
        copies.set(key, key, 100)
    assert copies.get("a") == "first"  # used recently, so kept
    assert copies.get("b") is None  # the least recently used made room
    assert copies.size <= 800


def test_a_copy_too_large_for_its_budget_is_not_kept():
    copies = LocalCopies(max_bytes=800)
    copies.set("a", "first", 100)
    copies.set("a", "huge", 101)
    assert copies.get("a") is None and copies.size == 0
