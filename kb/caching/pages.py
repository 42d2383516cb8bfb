"""Where cached pages, and the content version they were rendered at, are kept.

Both live in Django's default cache: Redis when several application servers share one
(``REDIS_URL``), otherwise files on this machine, which all its worker processes share. The
middleware reads the version and a page in one lookup (one round trip to Redis) and serves
the page only if it records that version.

The database holds the truth (kb.models.content); the cache holds a copy of the version,
written once each change has committed (``share_content_version``). A copy is written
under a lock on the version's row, which waits for any change still being committed and
orders the writers, so a later version can never be overwritten by an earlier one. The copy
expires after a minute, and the next reader writes it again from the database: a change
whose copy could not be written (the cache was unreachable at that moment, or the process
died between its commit and the copy) is served at most that long after it.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import transaction

from kb.models import ContentVersion, current_content_version

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"
VERSION_SECONDS = 60


class CachedPage(NamedTuple):
    """A rendered response, as stored: a tuple pickles (and loads) fastest."""

    etag: str
    status: int
    headers: list[tuple[str, str]]
    content: bytes


def lookup(key: str) -> tuple[ContentVersion, CachedPage | None]:
    """The current content version, and the page stored under ``key`` if any, in one cache
    lookup (or two, when the version's copy has expired)."""
    found = cache.get_many([VERSION_KEY, key])
    shared = found.get(VERSION_KEY)
    if shared is None:
        version = share_content_version()
    else:
        version = ContentVersion(number=shared[0], changed_at=shared[1])
    return version, found.get(key)


def store(key: str, page: CachedPage, timeout: int) -> None:
    cache.set(key, page, timeout)


def share_content_version(**signal: Any) -> ContentVersion:
    """Copy the committed content version into the cache, where every process and server
    reads it. Called after every change (a receiver of ``content_version_changed``) and by
    the first reader after the copy expired."""
    with transaction.atomic():
        version = current_content_version(for_update=True)
        cache.set(VERSION_KEY, version.key, VERSION_SECONDS)
    return version


def share_after_change(**signal: Any) -> None:
    """``content_version_changed`` receiver: a change must never fail because the cache is
    down; its readers then get its pages when the copy expires (see above)."""
    try:
        share_content_version()
    except Exception:
        logger.warning("Cache unavailable; the content version was not shared.", exc_info=True)


def forget_every_page() -> None:
    """Remove every page and the version's copy that this site stored, and nothing else: a
    Redis database may be shared with other sites (django-redis deletes by this site's key
    prefix; the file cache's folder is this site's own)."""
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        delete_pattern("*")
    else:
        cache.clear()
