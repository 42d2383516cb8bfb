"""Caching of public pages for anonymous readers, shared by every application server.

``PublicPageCacheMiddleware`` comes first in MIDDLEWARE and handles every anonymous GET
outside the admin: HTML pages, the API, feeds, the sitemap and downloads alike.

- A conditional request whose ETag matches the current content version gets a 304 before
  any view runs.
- Otherwise the response comes from the cache when it is there, keyed by host, URL and
  Accept header (the API answers JSON, or 406 to a client that accepts none), and
  current: each cached page records the content version it shows (kb.caching.pages).
  Pages are stored with every header the rest of the stack added, so a cached page is
  answered without running anything else.
- Any change to content moves the content version on (kb.models.content), so once a
  change is done no reader is served a page older than it (kb.caching.pages says how long
  that can take when the cache was unreachable at the moment of the change).
- If the cache cannot be reached, pages are rendered as if nothing were cached.

Anyone signed in (staff, who may preview drafts) carries a session cookie, and is never
served or stored a cached page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from kb.models import ContentVersion

from . import pages
from .pages import CachedPage

logger = logging.getLogger(__name__)

UNCACHED_PREFIXES = ("/admin/", "/static/")


def _cacheable(request: HttpRequest) -> bool:
    # META, not request.headers: this runs on every request, and headers builds a dict.
    meta = request.META
    return not (
        not settings.KB_PAGE_CACHE_SECONDS
        or request.method != "GET"
        or request.path.startswith(UNCACHED_PREFIXES)
        or "HTTP_AUTHORIZATION" in meta
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        # The stack below redirects plain HTTP to HTTPS when told to; never skip that.
        or (settings.SECURE_SSL_REDIRECT and not request.is_secure())
    )


def _allowed_host(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def _cache_key(request: HttpRequest) -> str:
    # Pages are stored only for hosts the stack below accepted, so an unknown host misses.
    meta = request.META
    address = f"{meta.get('HTTP_HOST', '')}|{request.get_full_path()}|{meta.get('HTTP_ACCEPT', '')}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _not_modified(request: HttpRequest, etag: str, version: ContentVersion) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")]
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(version.changed_at.timestamp()) <= since


def _validators(response: HttpResponse, etag: str, version: ContentVersion) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(version.changed_at.timestamp())
    # Browsers and proxies may keep the page but must ask (cheaply, with the ETag) first.
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        key = _cache_key(request)
        try:
            version, page = pages.lookup(key)
        except Exception:  # an unreachable cache must not take the site down with it
            logger.warning("Page cache unavailable; rendering without it.", exc_info=True)
            return self.get_response(request)
        etag = version.etag
        if _not_modified(request, etag, version) and _allowed_host(request):
            return _validators(HttpResponseNotModified(), etag, version)
        if page is not None and page.etag == etag:
            return HttpResponse(page.content, status=page.status, headers=page.headers)
        # The view renders what the database holds at this version or later; lists key
        # what they keep in memory by it (kb.lists).
        request.content_version = version  # type: ignore[attr-defined]
        response = self.get_response(request)
        if _storable(response):
            _validators(response, etag, version)
            page = CachedPage(etag, response.status_code, list(response.items()), response.content)
            try:
                pages.store(key, page, settings.KB_PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Page cache unavailable; page not stored.", exc_info=True)
        return response
