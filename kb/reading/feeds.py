"""Atom feeds of new and updated tactics, site-wide and per category, in every language.

A feed is in the language of its address (``/es/feeds/tactics/`` is Spanish): its title, its
items' names and summaries (the published translation, else the English), and its links,
which lead to the pages in the same language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from kb.models import Category, Tactic, public_terms
from kb.models.translations import reading_language

FEED_LENGTH = 50


class LatestTacticsFeed(Feed):
    """Published tactics, most recently updated first."""

    feed_type = Atom1Feed

    # Feed's is a class attribute; this one is worked out for each request.
    @property
    def language(self) -> str:  # type: ignore[override]
        """The feed's language (Atom's ``xml:lang``): its address's. Django's Feed reads
        this attribute on every request; one instance serves every language."""
        return reading_language()

    def title(self, category: Category | None = None) -> str:
        names = {"site": settings.KB_SITE_NAME}
        if category is not None:
            return _("%(site)s: new and updated tactics in %(category)s") % {
                **names,
                "category": category.name,
            }
        return _("%(site)s: new and updated tactics") % names

    def subtitle(self, category: Category | None = None) -> str:
        return _("Technology tactics used by human traffickers, each traced to its sources.")

    def link(self, category: Category | None = None) -> str:
        return category.get_absolute_url() if category else reverse("kb:tactic-list")

    def items(self, category: Category | None = None) -> QuerySet:
        tactics = Tactic.objects.published().select_related("category")
        if category is not None:
            tactics = tactics.filter(category=category)
        return tactics.order_by("-updated_at", "pk")[:FEED_LENGTH]

    def item_title(self, tactic: Tactic) -> str:
        return f"{tactic.name} ({tactic.public_id})"

    def item_description(self, tactic: Tactic) -> str:
        return tactic.summary

    def item_pubdate(self, tactic: Tactic):
        return tactic.published_at or tactic.created_at

    def item_updateddate(self, tactic: Tactic):
        return tactic.updated_at

    def item_categories(self, tactic: Tactic) -> list[str]:
        return [tactic.category.name]


class CategoryTacticsFeed(LatestTacticsFeed):
    """The same feed, for one category."""

    def get_object(self, request: HttpRequest, slug: str) -> Category:
        return get_object_or_404(public_terms(Category), slug=slug)
