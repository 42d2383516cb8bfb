"""Which language the API answers in.

The site's pages take their language from the address alone (kb.web.languages); the API has
one address per resource, so a client says which language it wants: ``?lang=es``, or else
its ``Accept-Language`` header (the best of kb's languages it accepts), or else English.
An unknown ``lang`` is refused (400) rather than quietly answered in English, so a client's
typo shows.

The page cache keys API responses by this same choice (kb.caching.middleware), so a copy
made for one language is never served to a client asking for another. It is worked out from
the request alone, before any view runs, and reads nothing from the database.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header

from kb.models.translations import SOURCE_LANGUAGE, content_languages

#: The query parameter naming the language of the answer.
LANGUAGE_PARAMETER = "lang"


class UnknownLanguage(ValueError):
    """``?lang=`` names no language of kb's (or more than one)."""

    def __init__(self) -> None:
        listed = ", ".join(content_languages())
        super().__init__(f"Give one of kb's languages: {listed}.")


def _primary(code: str) -> str:
    """``es`` for ``es``, ``es-MX``, ``ES_mx``: kb's content has one variant per language."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def accepted_language(header: str) -> str:
    """The first of kb's languages an ``Accept-Language`` header accepts, in the order of
    its preferences (``q``), or English when it accepts none of them (or anything: ``*``)."""
    ours = content_languages()
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        if _primary(code) in ours:
            return _primary(code)
    return SOURCE_LANGUAGE


def answer_language(request: HttpRequest) -> str:
    """The language to answer ``request`` in: its ``lang`` parameter, else its
    ``Accept-Language``, else English. An empty ``lang`` means no choice (as an untouched form
    sends it). Raises UnknownLanguage for any other value that is not one of kb's."""
    values = [value for value in request.GET.getlist(LANGUAGE_PARAMETER) if value]
    if len(values) > 1:
        raise UnknownLanguage
    if values:
        if values[0] not in content_languages():
            raise UnknownLanguage
        return values[0]
    return accepted_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))


def cache_language(request: HttpRequest) -> str:
    """What the page cache keys an API response by: its language, or ``?`` when the request
    names an unknown one (answered 400, never stored)."""
    try:
        return answer_language(request)
    except UnknownLanguage:
        return "?"
