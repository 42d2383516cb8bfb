"""sitemap.xml: every published entry, and the public list pages."""

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from kb.models import Countermeasure, Entry, Source, Tactic


class EntrySitemap(Sitemap):
    """Published entries of one kind (retired ones are noindex, so they are left out)."""

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
