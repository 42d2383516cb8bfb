"""The query parameters each public page reads, and one address per page.

A page is cached under its address (kb.caching). A parameter that no view reads would give
the same page a new address, so anyone could make every request miss the cache and fill it
with copies (``?r=<random>``). A request for a public page that carries such a parameter is
therefore redirected, permanently, to the address without it: links with tracking
parameters keep working, and each page has one address per set of parameters it reads.

The table below is the one place that says what each page reads; a page missing from it
reads nothing. The lists read their FilterSet's parameters, so a filter added there is
known here at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation
from django.utils.http import urlencode

from kb import lists
from kb.lists.filters import KnowledgeBaseFilterSet
from kb.reading.handouts import HANDOUT_PARAMETERS

EXEMPT_PREFIXES = ("/admin/", "/static/")
PAGE = "page"
API_PAGING = frozenset({"page", "page_size"})
# DRF's format override, and drf-spectacular's choice of language for the schema.
API_FORMAT = frozenset({"format"})
# The language an API answer is in (kb.api.languages), read by the views of content (which
# refuse an unknown one), not by the root, the schema's own view or the reference page.
API_LANGUAGE = frozenset({"lang"})
API_UNTRANSLATED = frozenset({"api:api-root", "api:schema", "api:docs"})


def _names(parameters: type[KnowledgeBaseFilterSet]) -> frozenset[str]:
    return frozenset(parameters.base_filters)


LIST_PAGES = {
    "kb:tactic-list": lists.TACTICS,
    "kb:countermeasure-list": lists.COUNTERMEASURES,
    "kb:source-list": lists.SOURCES,
    "kb:search": lists.DOCUMENTS,
    "api:tactic-list": lists.TACTICS,
    "api:countermeasure-list": lists.COUNTERMEASURES,
    "api:source-list": lists.SOURCES,
    "api:search": lists.DOCUMENTS,
}

OTHER_PAGES = {
    # The matrix filters by vocabulary only (kb.reading.views.matrix).
    "kb:matrix": (_names(lists.TACTICS.parameters) - {"q", "exact", "sort"}) | {"by"},
    "kb:handout": HANDOUT_PARAMETERS,
    # Read in the browser (static/kb/offline-search.js), not by the view.
    "kb:offline-search": frozenset({"q"}),
    # The entry a suggestion is about, from the link on its page (kb.reading.suggestions).
    "kb:suggest": frozenset({"about"}),
    # The address a card is asked for, and the consumer's limits (kb.reading.oembed).
    "oembed": frozenset({"url", "format", "maxwidth", "maxheight"}),
    # Where to get help, by country and language (kb.reading.help).
    "kb:get-help": frozenset({"country", "language"}),
    # Django's sitemap view pages a part with ?p=.
    "sitemap-part": frozenset({"p"}),
    "api:schema": API_FORMAT | {"lang"},
}


def parameters_read(match: ResolverMatch) -> frozenset[str]:
    """The names of the query parameters the page at ``match`` reads."""
    name = match.view_name
    read = OTHER_PAGES.get(name, frozenset())
    if name in LIST_PAGES:
        read = _names(LIST_PAGES[name].parameters) | {PAGE}
    if name.startswith("api:"):
        read = read | API_FORMAT
        if name not in API_UNTRANSLATED:
            read = read | API_LANGUAGE
        if name.endswith("-list") or name == "api:search":
            read = read | API_PAGING
    return read


@lru_cache(maxsize=4096)
def _parameters_at(path: str) -> frozenset[str] | None:
    # The address table does not change while the process runs, and resolving is most of
    # what this check costs a cached page with a query.
    try:
        # Addresses under a language prefix resolve only while that language is active.
        with translation.override(translation.get_language_from_path(path) or "en"):
            return parameters_read(resolve(path))
    except Resolver404:
        return None


def canonical_query(request: HttpRequest) -> str | None:
    """The request's query string without the parameters its page does not read, or None
    when it has none of those (or is not a public page)."""
    if not request.GET or request.path.startswith(EXEMPT_PREFIXES):
        return None
    read = _parameters_at(request.path_info)
    if read is None or all(name in read for name in request.GET):
        return None
    return urlencode([(k, v) for k, v in request.GET.lists() if k in read], doseq=True)


class CanonicalAddressMiddleware:
    """Redirects a GET or HEAD of a public page with parameters it does not read to its
    address without them (before the page cache, so that only canonical addresses are
    cached)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            query = canonical_query(request)
            if query is not None:
                return HttpResponsePermanentRedirect(request.path + (f"?{query}" if query else ""))
        return self.get_response(request)
