"""Caching of public pages for anonymous readers, shared by every application server.

``PublicPageCacheMiddleware`` handles every anonymous GET outside the admin: HTML pages,
the API, feeds, the sitemap and downloads alike.

- A conditional request whose ETag matches the current content version gets a 304 before
  any view runs (the ETag costs one indexed query, not a render).
- Otherwise the response comes from the cache when it is there, keyed by the URL, the
  Accept header (the API answers HTML or JSON), the content version and the day (entry
  pages show today's date in their citations).
- Any change to content bumps the content version (kb/signals.py), so no reader is ever
  served a page older than the latest change; stale entries simply expire.

Staff are never served cached pages: they may preview drafts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

from .models import ContentState, current_content

UNCACHED_PREFIXES = ("/admin/", "/static/")


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.path.startswith(UNCACHED_PREFIXES)
        and "Authorization" not in request.headers
        and not request.user.is_authenticated
    )


def _etag(state: ContentState) -> str:
    return f'"kb-{state.number}-{timezone.localdate():%Y%m%d}"'


def _cache_key(request: HttpRequest, etag: str) -> str:
    accept = request.headers.get("Accept", "")
    digest = hashlib.sha256(f"{request.get_full_path()}|{accept}".encode()).hexdigest()
    return f"page:{etag.strip(chr(34))}:{digest}"


def _not_modified(request: HttpRequest, etag: str, state: ContentState) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")]
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(state.changed_at.timestamp()) <= since


def _validators(response: HttpResponse, etag: str, state: ContentState) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(state.changed_at.timestamp())
    # Browsers and proxies may keep the page but must ask (cheaply, with the ETag) first.
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        state = current_content()
        etag = _etag(state)
        if _not_modified(request, etag, state):
            return _validators(HttpResponseNotModified(), etag, state)
        key = _cache_key(request, etag)
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if self._storable(response):
                _validators(response, etag, state)
                cache.set(key, response, settings.KB_PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _storable(response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )
