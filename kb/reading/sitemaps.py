"""The sitemap: an index at /sitemap.xml naming one part per kind of page (/sitemap-tactics.xml
and so on), each split into pages of at most ``PART_SIZE`` addresses (?p=2, ...), so that no
response grows with the knowledge base beyond what a crawler takes in one read."""

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from kb.models import Countermeasure, Entry, Source, Tactic

PART_SIZE = 10_000


class EntrySitemap(Sitemap):
    """Published entries of one kind (retired ones are noindex, so they are left out)."""

    limit = PART_SIZE

    def __init__(self, model: type[Entry]) -> None:
        self.model = model

    def items(self) -> QuerySet:
        return self.model.objects.published().order_by("pk").only("public_id", "slug", "updated_at")

    def lastmod(self, entry):
        return entry.updated_at


class PageSitemap(Sitemap):
    """The list pages readers start from."""

    def items(self) -> list[str]:
        return [
            "kb:home",
            "kb:tactic-list",
            "kb:countermeasure-list",
            "kb:source-list",
            "kb:matrix",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "tactics": EntrySitemap(Tactic),
    "countermeasures": EntrySitemap(Countermeasure),
    "sources": EntrySitemap(Source),
    "pages": PageSitemap(),
}
