"""The offline search page and its index, in the language of the address.

Both are public pages like any other, cached by address per content version
(kb.caching): the index changes only when the content does.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kb.models.translations import reading_language

from .search_index import search_index_script


def offline_search(request: HttpRequest) -> HttpResponse:
    """Search that runs in the browser, over the index below: the static copy's search,
    and the service worker's when there is no connection. It reads ``?q=`` in the browser
    (static/kb/offline-search.js); the server renders the same page whatever the query."""
    return render(request, "kb/offline_search.html")


def offline_search_index(request: HttpRequest) -> HttpResponse:
    """The offline search index of the address's language, as a script that sets
    ``window.kbSearchIndex``."""
    return HttpResponse(
        search_index_script(reading_language()), content_type="text/javascript; charset=utf-8"
    )
