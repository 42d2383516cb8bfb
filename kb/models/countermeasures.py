"""Countermeasures: what law enforcement, NGOs, companies and others do against tactics."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy

from .history import History
from .tactics import Tactic
from .translations import (
    SOURCE_LANGUAGE,
    Translatable,
    Translated,
    column,
    in_reading_language,
)
from .workflow import Entry, EntryQuerySet

if TYPE_CHECKING:
    from .sources import Citation


class ResponseKind(models.TextChoices):
    """How a countermeasure works against a tactic."""

    DETECT = "detect", gettext_lazy("Detect")
    DENY = "deny", gettext_lazy("Deny")
    DISRUPT = "disrupt", gettext_lazy("Disrupt")
    DETER = "deter", gettext_lazy("Deter")
    PREVENT = "prevent", gettext_lazy("Prevent")
    SUPPORT_VICTIMS = "support_victims", gettext_lazy("Support victims")


class CountermeasureQuerySet(EntryQuerySet):
    def for_list(self) -> CountermeasureQuerySet:
        return self.prefetch_related("actors")

    def for_page(self) -> CountermeasureQuerySet:
        """Load everything a countermeasure page shows, public relations only."""
        from .sources import public_citations_prefetch

        return self.select_related("replaced_by").prefetch_related(
            "actors",
            Prefetch(
                "mitigations",
                queryset=Mitigation.objects.filter(tactic__in=Tactic.objects.published())
                .select_related("tactic", "tactic__category")
                .order_by(in_reading_language("tactic__name")),
                to_attr="public_mitigations",
            ),
            public_citations_prefetch(),
        )


CountermeasureManager = models.Manager.from_queryset(CountermeasureQuerySet)


class Countermeasure(Entry, Translatable):
    """A response to one or more tactics, by a kind of actor, as reported by the sources."""

    PUBLIC_ID_PREFIX = "CM"
    REVISED_PARTS = ("citations", "mitigations")

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
    response_kind = models.CharField(max_length=20, choices=ResponseKind.choices)
    actors = models.ManyToManyField(
        "kb.Actor",
        blank=True,
        related_name="countermeasures",
        help_text=gettext_lazy("Who applies it."),
    )
    tactics = models.ManyToManyField(
        Tactic, through="Mitigation", blank=True, related_name="countermeasures"
    )

    objects: ClassVar[CountermeasureManager] = CountermeasureManager()
    history = History(m2m_fields=[actors])

    if TYPE_CHECKING:
        #: What ``for_page()`` loads: the citations of public sources, in order.
        public_citations: list[Citation]

    class Meta(Entry.Meta):
        verbose_name = gettext_lazy("countermeasure")
        verbose_name_plural = gettext_lazy("countermeasures")
        ordering = ["name_en"]
        permissions = [
            ("review_countermeasure", "Can publish, return to draft and retire countermeasures")
        ]
        constraints = [
            *Entry.Meta.constraints,
            models.CheckConstraint(
                condition=Q(response_kind__in=ResponseKind.values),
                name="kb_countermeasure_valid_response_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "name_en"], name="countermeasure_status_name_idx"),
            # The ids of published entries from the index alone (facet counts, see kb.lists.facets).
            models.Index(fields=["status", "id"], name="countermeasure_status_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}" if self.public_id else self.name

    def translated_parts(self) -> list[models.Model]:
        return [*self.mitigations.all(), *self.citations.all()]

    def references(self) -> list:
        from .sources import group_citations

        return group_citations(self.public_citations)


class Mitigation(models.Model):
    """The link between a countermeasure and a tactic it counters, with a note on how."""

    countermeasure = models.ForeignKey(
        Countermeasure, on_delete=models.CASCADE, related_name="mitigations"
    )
    tactic = models.ForeignKey(Tactic, on_delete=models.CASCADE, related_name="mitigations")
    note = Translated(models.CharField("how it counters the tactic", max_length=500, blank=True))

    history = History()

    class Meta:
        verbose_name = gettext_lazy("mitigation")
        verbose_name_plural = gettext_lazy("mitigations")
        # A fixed order: the fingerprint of what a translation was made from reads the
        # links' notes in it (kb.models.translations).
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["countermeasure", "tactic"], name="kb_mitigation_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.countermeasure.public_id} counters {self.tactic.public_id}"

    def english_texts(self) -> list[str]:
        """What a translation of this note translates."""
        return [getattr(self, column("note", SOURCE_LANGUAGE))]
