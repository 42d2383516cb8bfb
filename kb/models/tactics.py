"""Tactics: the ways traffickers use technology, with the red flags that reveal them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from .history import History
from .translations import (
    SOURCE_LANGUAGE,
    Translatable,
    Translated,
    column,
    in_reading_language,
)
from .workflow import Entry, EntryQuerySet

if TYPE_CHECKING:
    from .countermeasures import Mitigation, WhoActs
    from .sources import Citation


class TacticQuerySet(EntryQuerySet):
    def for_list(self) -> TacticQuerySet:
        """Load what a list row shows (its category and stages), in a fixed number of
        queries."""
        return self.select_related("category").prefetch_related("stages")

    def for_page(self) -> TacticQuerySet:
        """Load everything a tactic page shows, public relations only, in a fixed number of
        queries (no query per row, whatever the number of citations or links)."""
        from .countermeasures import Countermeasure, Mitigation
        from .sources import public_citations_prefetch

        return self.select_related("category", "replaced_by").prefetch_related(
            "technologies",
            "platforms",
            "stages",
            "target_groups",
            "indicators",
            Prefetch(
                "related_tactics",
                queryset=Tactic.objects.published().select_related("category"),
                to_attr="public_related_tactics",
            ),
            Prefetch(
                "mitigations",
                queryset=Mitigation.objects.filter(
                    countermeasure__in=Countermeasure.objects.published()
                )
                .select_related("countermeasure")
                .prefetch_related("countermeasure__actors")
                .order_by(in_reading_language("countermeasure__name")),
                to_attr="public_mitigations",
            ),
            public_citations_prefetch(),
        )


TacticManager = models.Manager.from_queryset(TacticQuerySet)


class Tactic(Entry, Translatable):
    """A way in which traffickers use technology, as reported by at least one source."""

    PUBLIC_ID_PREFIX = "TT"
    REVISED_PARTS = ("indicators", "citations", "mitigations")

    name = Translated(models.CharField("name", max_length=200))
    summary = Translated(
        models.TextField(
            "summary",
            help_text=gettext_lazy("One paragraph, plain text, shown in lists and previews."),
        )
    )
    description = Translated(
        models.TextField(
            "description",
            blank=True,
            help_text=gettext_lazy("Markdown. Raw HTML is removed when the page is rendered."),
        )
    )
    category = models.ForeignKey("kb.Category", on_delete=models.PROTECT, related_name="tactics")
    technologies = models.ManyToManyField("kb.Technology", blank=True, related_name="tactics")
    platforms = models.ManyToManyField(
        "kb.Platform",
        blank=True,
        related_name="tactics",
        help_text=gettext_lazy("Platforms it abuses."),
    )
    stages = models.ManyToManyField(
        "kb.Stage",
        blank=True,
        related_name="tactics",
        help_text=gettext_lazy("Stages of the trafficking process where it appears."),
    )
    target_groups = models.ManyToManyField(
        "kb.TargetGroup",
        blank=True,
        related_name="tactics",
        verbose_name=gettext_lazy("targeted groups"),
    )
    related_tactics = models.ManyToManyField("self", blank=True, symmetrical=True)

    objects: ClassVar[TacticManager] = TacticManager()
    history = History(m2m_fields=[technologies, platforms, stages, target_groups])

    if TYPE_CHECKING:
        #: What ``for_page()`` loads: the citations of public sources, in order.
        public_citations: list[Citation]
        #: What ``for_page()`` loads: the links to published countermeasures, by name.
        public_mitigations: list[Mitigation]

    class Meta(Entry.Meta):
        verbose_name = gettext_lazy("tactic")
        verbose_name_plural = gettext_lazy("tactics")
        ordering = ["name_en"]
        permissions = [("review_tactic", "Can publish, return to draft and retire tactics")]
        indexes = [
            models.Index(fields=["status", "name_en"], name="tactic_status_name_idx"),
            models.Index(fields=["status", "-updated_at"], name="tactic_status_updated_idx"),
            # The ids of published entries from the index alone (facet counts, see kb.lists.facets).
            models.Index(fields=["status", "id"], name="tactic_status_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}" if self.public_id else self.name

    def translated_parts(self) -> list[models.Model]:
        return [*self.indicators.all(), *self.citations.all()]

    def references(self) -> list:
        """The page's numbered reference list, from the citations loaded by ``for_page``."""
        from .sources import group_citations

        return group_citations(self.public_citations)

    def countermeasures_by_who_acts(self) -> list[WhoActs]:
        """The published countermeasures loaded by ``for_page``, grouped by who can act
        (kb.models.countermeasures.by_who_acts), what NGO staff, families and individuals
        can do first."""
        from .countermeasures import by_who_acts

        return by_who_acts(self.public_mitigations)


class Indicator(models.Model):
    """A red flag that NGO staff can spot, suggesting a tactic is in use."""

    tactic = models.ForeignKey(Tactic, on_delete=models.CASCADE, related_name="indicators")
    text = Translated(models.TextField("text"))
    position = models.PositiveSmallIntegerField(default=0)

    history = History()

    class Meta:
        verbose_name = gettext_lazy("indicator")
        verbose_name_plural = gettext_lazy("indicators")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    def english_texts(self) -> list[str]:
        """What a translation of this red flag translates."""
        return [getattr(self, column("text", SOURCE_LANGUAGE))]
