"""Caching of public pages for anonymous readers, shared by every application server.

``PublicPageCacheMiddleware`` comes right after the canonical-address redirect
(kb.web.parameters) and handles every anonymous GET and HEAD outside the admin: HTML pages,
the API, feeds, the sitemap and downloads alike.

- A page is keyed by what its view reads: the scheme, the host, the path, the query's
  parameters in a fixed order (the redirect before this has dropped those no view reads),
  and, for the API, which of JSON or nothing the client accepts (it answers 406 to the
  rest) and the language it answers in (``?lang=`` or ``Accept-Language``: kb.api.languages).
  Any other header, such as a made-up ``Accept``, cannot make a new copy; a page's language
  is in its address (``/es/...``), so pages in two languages never share a copy.
- A request whose ``If-None-Match`` names the current version's ETag gets a 304 only for a
  page that is a 200 at that version. ``If-Modified-Since`` is not trusted for this: it
  counts whole seconds, and two changes can fall in one.
- Otherwise the response comes from the cache when it is there and current: each cached
  page records the content version it shows (kb.caching.pages). Pages are stored with every
  header the rest of the stack added, so a cached page is answered without running anything
  else. A HEAD is answered from the GET's copy.
- Any change to content moves the content version on (kb.models.content), so once a
  change is done no reader is served a page older than it (kb.caching.pages says how long
  that can take when the cache was unreachable at the moment of the change).
- Bodies over ``KB_PAGE_CACHE_MAX_BYTES`` are not stored (downloads, large sitemaps): a
  few of them would take the memory of thousands of pages.
- If the cache cannot be reached, pages are rendered as if nothing were cached.

A reader with a session that exists (staff, who may preview drafts) is never served or
stored a cached page (kb.web.security marks what they are sent ``private, no-store``); a
session cookie that names no session is ignored, so a made-up one cannot skip the cache.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date

from kb.api.languages import cache_language
from kb.models import ContentVersion

from . import pages
from .pages import CachedPage

logger = logging.getLogger(__name__)

UNCACHED_PREFIXES = ("/admin/", "/static/")
# The API answers JSON, or 406 to a client that accepts none (kb.api).
NEGOTIATED_PREFIX, NEGOTIATED_TYPE = "/api/", "application/json"


def _has_session(request: HttpRequest) -> bool:
    """Whether the request's session cookie names a session that exists (and has not
    expired): one query, only for requests that carry the cookie."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return bool(store.load())


def _cacheable(request: HttpRequest) -> bool:
    # META, not request.headers: this runs on every request, and headers builds a dict.
    meta = request.META
    return not (
        not settings.KB_PAGE_CACHE_SECONDS
        or request.method not in ("GET", "HEAD")
        or request.path.startswith(UNCACHED_PREFIXES)
        or "HTTP_AUTHORIZATION" in meta
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
    """What the page depends on, and nothing a client could vary at will."""
    # Pages are stored only for hosts the stack below accepted, so an unknown host misses.
    meta = request.META
    query = sorted(request.GET.lists())
    accepts = language = ""
    if request.path.startswith(NEGOTIATED_PREFIX):
        accepts = NEGOTIATED_TYPE if request.accepts(NEGOTIATED_TYPE) else "none"
        # The API answers in the language ?lang= or Accept-Language chooses (pages take it
        # from their address, which the key has already).
        language = cache_language(request)
    address = (
        f"{request.scheme}|{meta.get('HTTP_HOST', '')}|{request.path}|{query}|{accepts}|{language}"
    )
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _not_modified(request: HttpRequest, etag: str) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    # A compressed page's ETag reaches the browser weakened (W/"..."; kb.web.compression),
    # and comes back so: the page is the same either way.
    return if_none_match is not None and etag in [
        t.strip().removeprefix("W/") for t in if_none_match.split(",")
    ]


ASK_AGAIN = "public, max-age=0, must-revalidate"


def _freshness(cache_control: str) -> str:
    """The ``Cache-Control`` a public page is sent with: browsers and proxies may keep it
    but must ask (cheaply, with the ETag) first; except where its view says how long it
    stays fresh (the script catalogue /jsi18n/ changes only with a release, and a repeat
    visit on a slow connection should not wait a round trip for it)."""
    fresh = "public" in cache_control and "max-age=" in cache_control
    return cache_control if fresh and "max-age=0" not in cache_control else ASK_AGAIN


def _validators(
    response: HttpResponse, etag: str, version: ContentVersion, cache_control: str = ""
) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(version.changed_at.timestamp())
    response["Cache-Control"] = _freshness(cache_control or response.get("Cache-Control", ""))
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and len(response.content) <= settings.KB_PAGE_CACHE_MAX_BYTES
    )


def _answer(request: HttpRequest, page: CachedPage) -> HttpResponse:
    if request.method == "HEAD":
        response = HttpResponse(status=page.status, headers=page.headers)
        response["Content-Length"] = str(len(page.content))
        return response
    return HttpResponse(page.content, status=page.status, headers=page.headers)


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        if _has_session(request):
            # Rendered for them alone (and marked private: kb.web.security).
            return self.get_response(request)
        key = _cache_key(request)
        try:
            version, page = pages.lookup(key)
        except Exception:  # an unreachable cache must not take the site down with it
            logger.warning("Page cache unavailable; rendering without it.", exc_info=True)
            return self.get_response(request)
        etag = version.etag
        if page is not None and page.etag == etag:
            if page.status == 200 and _not_modified(request, etag) and _allowed_host(request):
                cache_control = dict(page.headers).get("Cache-Control", "")
                return _validators(HttpResponseNotModified(), etag, version, cache_control)
            return _answer(request, page)
        # The view renders what the database holds at this version or later; lists key
        # what they keep in memory by it (kb.lists).
        request.content_version = version  # type: ignore[attr-defined]
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        _validators(response, etag, version)
        page = CachedPage(etag, response.status_code, list(response.items()), response.content)
        try:
            pages.store(key, page, settings.KB_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable; page not stored.", exc_info=True)
        if _not_modified(request, etag):
            return _validators(HttpResponseNotModified(), etag, version, response["Cache-Control"])
        return response
