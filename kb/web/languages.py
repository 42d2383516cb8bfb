"""The reader's language: which one a page is in, and where the same page is in the others.

A page's language comes from its address alone (``/es/tactics/`` is Spanish, an address
without a prefix is English), so a link always shows what it showed when it was shared,
and a cached page is keyed by an address that already says its language. Nothing is
decided from a cookie or the browser's preferences; a first visit to the home page may
*offer* the browser's language (static/kb/site.js), never switch to it. The admin is the
exception: it follows the editor's browser (AdminLanguageMiddleware).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_bidi, get_language_info

from kb.models.translations import SOURCE_LANGUAGE, content_languages, reading_language


@dataclass(frozen=True)
class Alternate:
    """The page being read, in one of kb's languages."""

    code: str
    #: The language's name in that language ("Español"), as the switcher shows it.
    name: str
    #: Its name in English, for screen readers and the offer on the home page.
    name_in_english: str
    path: str
    url: str
    #: The language's home page: where a page with no alternates (a 404) leads.
    home: str
    current: bool
    bidi: bool


#: Pages whose query is what the reader chose (a search, filters, a handout's tactics): the
#: same page in another language keeps it. Other pages' alternates are their bare address,
#: so a page never repeats a query it was merely given (an ID in ``?about=``, say).
QUERY_PAGES = frozenset(
    {"tactic-list", "countermeasure-list", "source-list", "search", "handout", "matrix"}
)


def alternates(request: HttpRequest) -> list[Alternate]:
    """The current page in every language, the reader's own included (marked current).

    A page that no address matched (a 404) has no alternates: its switcher leads to each
    language's home page instead."""
    match = request.resolver_match
    if match is None:
        path = None
    elif match.url_name in QUERY_PAGES:
        path = request.get_full_path()
    else:
        path = request.path
    here = reading_language()
    found = []
    for code in content_languages():
        info = get_language_info(code)
        with translation.override(code):
            home = reverse("kb:home")
        translated = translate_url(path, code) if path else home
        found.append(
            Alternate(
                code=code,
                name=dict(settings.LANGUAGES)[code],
                name_in_english=info["name"],
                path=translated,
                url=request.build_absolute_uri(translated) if path else "",
                home=home,
                current=code == here,
                bidi=info["bidi"],
            )
        )
    return found


def languages(request: HttpRequest) -> dict:
    """Template context: the page's language and direction, and its alternates (the
    language switcher, ``<link rel="alternate" hreflang>``)."""
    return {
        "page_language": reading_language(),
        "page_direction": "rtl" if get_language_bidi() else "ltr",
        "source_language": SOURCE_LANGUAGE,
        # Worked out only by templates that show it (admin pages never do).
        "alternates": lambda: alternates(request),
    }


class AdminLanguageMiddleware:
    """The admin in the editor's own language (from their browser's Accept-Language, or
    the language cookie), where the reader's pages take theirs from the address: admin
    addresses are never shared with readers nor cached, and translators and reviewers
    work in many languages. Runs after Django's LocaleMiddleware, which makes every
    unprefixed address English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/admin/"):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
