"""Every public page of the published knowledge base, as addresses, in one language.

One list for everything that takes the site offline: the static copy for download renders
exactly these pages (kb.offline.export) and a service worker's "save everything" fetches
exactly these addresses. Only published entries are listed (never drafts, entries in
review, retired or withdrawn ones), each at its canonical address in the language asked
for; lists are listed page by page (``?page=2`` and on), as a reader pages through them.
"""

from __future__ import annotations

from collections.abc import Iterator
from math import ceil

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from kb.models import Countermeasure, Source, Tactic
from kb.models.translations import content_languages

#: The lists, with the entries they show: each is listed with every page of its rows.
LISTS = {
    "kb:tactic-list": Tactic,
    "kb:countermeasure-list": Countermeasure,
    "kb:source-list": Source,
}
#: Pages that hold no list of their own.
PAGES = ("kb:home", "kb:matrix", "kb:whats-new", "kb:offline-search")
#: Pages other parts of kb add (about, getting help); listed once their address exists.
OPTIONAL_PAGES = ("kb:about", "kb:help", "kb:get-help")
ENTRY_MODELS = (Tactic, Countermeasure, Source)
#: The page number a list reads (kb.web.parameters.PAGE).
PAGE_PARAMETER = "page"


def _pages_of_list(name: str, count: int) -> Iterator[str]:
    address = reverse(name)
    yield address
    for number in range(2, ceil(count / settings.KB_PAGE_SIZE) + 1):
        yield f"{address}?{PAGE_PARAMETER}={number}"


def _optional(names: tuple[str, ...]) -> Iterator[str]:
    for name in names:
        try:
            yield reverse(name)
        except NoReverseMatch:
            continue


def published_pages(language: str) -> list[str]:
    """The address of every public page of the published content in ``language`` (one of
    kb's languages): the home page, the lists page by page, the matrix, what's new, the
    offline search page, any about or help page, and every published tactic,
    countermeasure and source. Paths, without the host: ``/es/tactics/TT-0001/slug/``."""
    with translation.override(language):
        found = [reverse(name) for name in PAGES]
        found += _optional(OPTIONAL_PAGES)
        for name, model in LISTS.items():
            found += _pages_of_list(name, model.objects.published().count())
        for model in ENTRY_MODELS:
            entries = model.objects.published().order_by("public_id").only("public_id", "slug")
            found += (entry.get_absolute_url() for entry in entries.iterator(chunk_size=2000))
    return found


def published_pages_in_every_language() -> dict[str, list[str]]:
    """``published_pages`` of each of kb's languages, English first."""
    return {language: published_pages(language) for language in content_languages()}
