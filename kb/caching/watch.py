"""What one process keeps of the shared cache, so that a cached page needs no round trip.

A page served from Redis costs a round trip per request for the content version and the
page; on a 2-core machine that round trip, and Redis answering it, cost a third of the
throughput of a cached page (README, "Load benchmark"). A process may skip it only while
it knows that nothing has changed:

- ``ChangeWatch`` subscribes, on a connection of its own, to the channel on which every
  change to the shared content version is published (in the same atomic step as the change
  itself, kb.caching.redis). It remembers the version it last read, for as long as nothing
  has been heard on the channel since and the subscription stayed up.
- ``LocalCopies`` keeps the pages the process took from Redis most recently, bounded in
  bytes. A copy is served only while its ETag is the current one, as with pages from Redis.
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from typing import Any

from redis.connection import ConnectionPool
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ChangeWatch:
    """A value read from Redis, remembered for as long as no change to it can have been
    published without this process hearing of it.

    The caller asks ``remembered()`` first. Without an answer, it calls ``listen()``, reads
    the value from Redis and passes it to ``remember()``: because the subscription is
    confirmed, and every earlier message consumed, before the read, a change can only come
    after it, and its message then makes the next ``remembered()`` forget the value.

    Messages can still be lost without a sign (a network that drops a connection silently),
    so a value is also forgotten after ``trust_seconds``: the worst case is then that long,
    never longer. A process that forked off the one that subscribed starts again.
    """

    #: How long after a failed subscription to try again; the caller reads Redis meanwhile.
    RETRY_SECONDS = 1.0

    def __init__(self, pool: ConnectionPool, channel: str, trust_seconds: float) -> None:
        self._pool = pool
        self._channel = channel
        self._trust_seconds = trust_seconds
        self._connection = None
        self._pid = 0
        self._value: Any = None
        self._until = 0.0
        self._retry_at = 0.0

    def remembered(self) -> Any:
        """The value last remembered, or None if it may have changed since."""
        if self._value is None:
            return None
        if self._pid != os.getpid() or time.monotonic() > self._until or self._heard_something():
            self._value = None
        return self._value

    def listen(self) -> bool:
        """Be subscribed, with every message so far consumed. False when Redis cannot be
        reached: the caller reads the value but must not remember it."""
        if self._pid != os.getpid():
            # A connection inherited through fork is the parent's: leave it alone.
            self._connection = None
            self._pid = os.getpid()
        if self._connection is not None:
            self._heard_something()
            return self._connection is not None
        if time.monotonic() < self._retry_at:
            return False
        connection = self._pool.connection_class(
            **{**self._pool.connection_kwargs, "client_name": self.client_name}
        )
        try:
            connection.connect()
            connection.send_command("SUBSCRIBE", self._channel)
            reply = connection.read_response(timeout=self.RETRY_SECONDS, push_request=True)
            if not (isinstance(reply, list) and reply[0] in (b"subscribe", "subscribe")):
                raise RedisError(f"Unexpected reply to SUBSCRIBE: {reply!r}")
        except (RedisError, OSError):
            logger.warning("Could not subscribe to %s; reading Redis each time.", self._channel)
            connection.disconnect()
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return False
        self._connection = connection
        return True

    @property
    def client_name(self) -> str:
        """How the subscription shows in Redis's CLIENT LIST."""
        return f"watch:{self._channel}"

    def remember(self, value: Any) -> None:
        """Keep ``value``, read from Redis after a successful ``listen()``."""
        self._value = value
        self._until = time.monotonic() + self._trust_seconds

    def forget(self) -> None:
        self._value = None

    def close(self) -> None:
        """Forget the value and drop the subscription."""
        self._value = None
        if self._connection is not None and self._pid == os.getpid():
            self._connection.disconnect()
        self._connection = None

    def _heard_something(self) -> bool:
        """Consume every pending message; True if there was any, or if the subscription
        was lost (which closes it: ``listen()`` starts a new one)."""
        connection = self._connection
        if connection is None:
            return True
        try:
            if not connection.can_read(timeout=0):
                return False
            while connection.can_read(timeout=0):
                connection.read_response(push_request=True)
        except (RedisError, OSError):
            logger.warning("Lost the subscription to %s.", self._channel)
            self.close()
        return True


class LocalCopies:
    """The most recently used values, up to ``max_bytes`` in all (each value is measured
    by ``size``); a value larger than an eighth of that is never kept."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0

    def get(self, key: str) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def set(self, key: str, value: Any, size: int) -> None:
        self.delete(key)
        if size > self.max_bytes // 8:
            return
        self._entries[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._bytes -= dropped

    def delete(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[1]

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    @property
    def size(self) -> int:
        """The bytes held."""
        return self._bytes
