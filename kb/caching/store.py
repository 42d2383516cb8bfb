"""Where cached pages, and the content version they were rendered at, are kept.

Every cached page records the ETag (content version and day) it was rendered under; the
middleware serves it only while that is still current. Two stores keep the version:

- ``LocalPageStore`` (the in-memory cache of one process): the version is read from the
  database on every request, so separate processes can never disagree.
- ``SharedPageStore`` (Redis, shared by every application server): the version is kept in
  Redis too, so a cached page costs no database query. The database stays the truth: a
  change removes the shared version at once (readers then read it from the database) and
  raises it after the commit; it can only go up, whichever server writes last, and expires
  after a minute, so even a change whose commit hook never ran (a killed process) is served
  within that minute.

  Each process also remembers the version for as long as Redis would have told it of a
  change (kb.caching.watch): every write of the version is published, and heard before the
  next request is answered. It keeps a copy of each page it took from Redis, which then
  costs no round trip at all while it is current. Pages are copied when asked for a second
  time, not when rendered, so that addresses asked for once (a crawler's random query
  strings) do not crowd out the pages readers come back to.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.core.cache import cache
from django.db import transaction

from kb.models import ContentState, current_content

if TYPE_CHECKING:
    from .watch import ChangeWatch

logger = logging.getLogger(__name__)

# The time is kept in microseconds, as the database has it: with the number, it keys what
# the facets keep per version (kb.lists.facets), which must match however the version was read.
NUMBER_KEY, CHANGED_KEY = "content-version:number", "content-version:changed-us"
EPOCH, MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)
CHANNEL = "content-version:changes"
SHARED_VERSION_SECONDS = 60
# Bounds the one case publishing cannot cover, a subscription lost without a sign: a process
# then serves what it knew for at most this long.
REMEMBER_VERSION_SECONDS = 1.0


class CachedPage(NamedTuple):
    """A rendered response, as stored: a tuple pickles (and loads) fastest."""

    etag: str
    status: int
    headers: list[tuple[str, str]]
    content: bytes


class LocalPageStore:
    def lookup(self, key: str) -> tuple[ContentState, CachedPage | None]:
        """The current content version, and the page stored under ``key`` if any."""
        return current_content(), cache.get(key)

    def save(self, key: str, page: CachedPage, timeout: int) -> None:
        cache.set(key, page, timeout)

    def forget_version(self) -> None:
        """Content is changing (inside the caller's transaction)."""

    def share_version(self) -> None:
        """The change has been committed."""


class SharedPageStore(LocalPageStore):
    def lookup(self, key: str) -> tuple[ContentState, CachedPage | None]:
        watch = cache.watch(CHANNEL, REMEMBER_VERSION_SECONDS)
        state = watch.remembered()
        remembered = state is not None
        page = None
        if not remembered:
            state, page = self._read_shared(key, watch)
        copy = cache.local_copies.get(key)
        if copy is not None and copy.etag == state.etag:
            return state, copy
        if remembered:
            page = cache.get(key)
        if page is not None and page.etag == state.etag:
            cache.local_copies.set(key, page, len(page.content))
        return state, page

    def _read_shared(self, key: str, watch: ChangeWatch) -> tuple[ContentState, CachedPage | None]:
        """The shared version (from the database, and shared, if Redis has none) and the
        page, in one round trip; the version is remembered if the watch is listening."""
        listening = watch.listen()
        found = cache.get_many([NUMBER_KEY, CHANGED_KEY, key])
        if NUMBER_KEY in found and CHANGED_KEY in found:
            changed = EPOCH + found[CHANGED_KEY] * MICROSECOND
            state = ContentState(found[NUMBER_KEY], changed)
        else:
            state = current_content()
            self._raise(state)
        if listening:
            watch.remember(state)
        return state, found.get(key)

    def forget_version(self) -> None:
        try:
            cache.drop_version(NUMBER_KEY, CHANGED_KEY, CHANNEL)
        except Exception:  # a change must never fail because the cache is down
            logger.warning("Shared cache unavailable; content version not reset.", exc_info=True)
        transaction.on_commit(self.share_version, robust=True)

    def share_version(self) -> None:
        self._raise(current_content())

    @staticmethod
    def _raise(state: ContentState) -> None:
        cache.raise_version(
            NUMBER_KEY,
            state.number,
            CHANGED_KEY,
            (state.changed_at - EPOCH) // MICROSECOND,
            SHARED_VERSION_SECONDS,
            CHANNEL,
        )


_LOCAL, _SHARED = LocalPageStore(), SharedPageStore()


def page_store() -> LocalPageStore:
    """The store that suits the configured cache (settings may change it in tests)."""
    return _SHARED if getattr(cache, "shares_content_version", False) else _LOCAL
