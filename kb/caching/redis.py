"""Django's built-in Redis cache backend, with what the page cache needs besides.

- One ``redis.Redis`` client per connection pool, kept for the life of the process.
  Django's client builds a new one for every call, which costs as much as the call itself.
- ``raise_version``: set a pair of integers only if the first one goes up, atomically. The
  content version shared by every application server may then only ever move forward,
  whichever server writes last. ``drop_version`` deletes the pair. Both publish the change
  on a channel in the same atomic step.
- ``watch`` and ``local_copies``: what this process keeps of the cache between requests,
  so that a cached page needs no round trip (kb.caching.watch). Like the backend itself,
  one per thread; ``clear()`` empties them with the cache.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

from .watch import ChangeWatch, LocalCopies

RAISE_SCRIPT = """
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[1])
return 1
"""

DROP_SCRIPT = """
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[1], 'dropped')
return 1
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """The shared cache of several application servers (REDIS_URL)."""

    #: The content version can be kept here for every server (see kb.caching.store).
    shares_content_version = True

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._watches: dict[str, ChangeWatch] = {}
        self.local_copies = LocalCopies(settings.KB_LOCAL_PAGE_BYTES)

    def raise_version(self, key: str, number: int, companion_key: str, companion: int,
                      timeout: int, channel: str) -> bool:  # fmt: skip
        """Store ``number`` under ``key`` (and ``companion`` beside it) unless ``key``
        already holds a number at least as high, and then publish it on ``channel``. True
        when stored."""
        keys = [self.make_and_validate_key(k) for k in (key, companion_key)]
        client = self._cache.get_client(keys[0], write=True)
        return bool(
            client.eval(RAISE_SCRIPT, 2, *keys, number, companion, timeout, self.make_key(channel))
        )

    def drop_version(self, key: str, companion_key: str, channel: str) -> None:
        """Delete ``key`` and ``companion_key``, and say so on ``channel``."""
        keys = [self.make_and_validate_key(k) for k in (key, companion_key)]
        client = self._cache.get_client(keys[0], write=True)
        client.eval(DROP_SCRIPT, 2, *keys, self.make_key(channel))

    def watch(self, channel: str, trust_seconds: float) -> ChangeWatch:
        """This process's watch on what is published on ``channel``."""
        watch = self._watches.get(channel)
        if watch is None:
            pool = self._cache._get_connection_pool(write=False)
            watch = ChangeWatch(pool, self.make_key(channel), trust_seconds)
            self._watches[channel] = watch
        return watch

    def clear(self) -> bool:
        for watch in self._watches.values():
            watch.forget()
        self.local_copies.clear()
        return super().clear()
