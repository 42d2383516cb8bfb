"""The sitemap: an index at /sitemap.xml naming one part per kind of page (/sitemap-tactics.xml
and so on), each split into pages of at most ``PART_SIZE`` addresses (?p=2, ...), so that no
response grows with the knowledge base beyond what a crawler takes in one read.

Every page is listed in every language (``/tactics/...``, ``/es/tactics/...``, ...), each
address with its alternates in all of them and ``x-default`` (the English, unprefixed), as
``<link rel="alternate" hreflang>`` gives them on the page itself. An entry's page exists in
every language; where it has no translation yet it shows the English with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from kb.models import Countermeasure, Entry, Source, Tactic
from kb.models.translations import content_languages

PART_SIZE = 10_000


class InEveryLanguage(Sequence):
    """``items`` each paired with every language, ``(item, language)``, item after item: what
    Django's sitemaps page through when they list every language. Django builds that list
    whole, reading every item for any page; this reads the count, then only the items of
    the page asked for."""

    def __init__(self, items: QuerySet | Sequence, languages: list[str]) -> None:
        self.items = items
        self.languages = languages

    @cached_property
    def _count(self) -> int:
        items = self.items
        return (items.count() if isinstance(items, QuerySet) else len(items)) * len(self.languages)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        size = len(self.languages)
        if not isinstance(index, slice):
            position = range(len(self))[index]  # negative positions, and IndexError
            return (self.items[position // size], self.languages[position % size])
        start, stop, step = index.indices(len(self))
        first, last = start // size, -(-stop // size)  # the items the slice touches
        pairs = [(item, code) for item in self.items[first:last] for code in self.languages]
        return pairs[start - first * size : stop - first * size : step]


class InEveryLanguageSitemap(Sitemap):
    """A sitemap listing each item in every language, with its alternates."""

    i18n = True
    alternates = True
    x_default = True

    @property
    def languages(self) -> list[str]:  # type: ignore[override]
        return content_languages()

    def items(self) -> QuerySet | Sequence:
        return []

    def _items(self) -> InEveryLanguage:
        return InEveryLanguage(self.items(), self.languages)


class EntrySitemap(InEveryLanguageSitemap):
    """Published entries of one kind (retired ones are noindex, so they are left out)."""

    limit = PART_SIZE

    def __init__(self, model: type[Entry]) -> None:
        self.model = model

    def items(self) -> QuerySet:
        return self.model.objects.published().order_by("pk").only("public_id", "slug", "updated_at")

    def lastmod(self, entry):
        return entry.updated_at


class PageSitemap(InEveryLanguageSitemap):
    """The list pages readers start from."""

    def items(self) -> list[str]:
        return [
            "kb:home",
            "kb:tactic-list",
            "kb:countermeasure-list",
            "kb:source-list",
            "kb:matrix",
            "kb:about",
            "kb:get-help",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "tactics": EntrySitemap(Tactic),
    "countermeasures": EntrySitemap(Countermeasure),
    "sources": EntrySitemap(Source),
    "pages": PageSitemap(),
}
