"""Countermeasures: what law enforcement, NGOs, companies and others do against tactics."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import Prefetch, Q

from .history import History
from .tactics import Tactic
from .workflow import Entry, EntryQuerySet

if TYPE_CHECKING:
    from .sources import Citation


class ResponseKind(models.TextChoices):
    """How a countermeasure works against a tactic."""

    DETECT = "detect", "Detect"
    DENY = "deny", "Deny"
    DISRUPT = "disrupt", "Disrupt"
    DETER = "deter", "Deter"
    PREVENT = "prevent", "Prevent"
    SUPPORT_VICTIMS = "support_victims", "Support victims"


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
                .order_by("tactic__name"),
                to_attr="public_mitigations",
            ),
            public_citations_prefetch(),
        )


CountermeasureManager = models.Manager.from_queryset(CountermeasureQuerySet)


class Countermeasure(Entry):
    """A response to one or more tactics, by a kind of actor, as reported by the sources."""

    PUBLIC_ID_PREFIX = "CM"
    REVISED_PARTS = ("citations", "mitigations")

    name = models.CharField(max_length=200)
    summary = models.TextField(help_text="One paragraph, plain text, shown in lists and previews.")
    description = models.TextField(
        blank=True, help_text="Markdown. Raw HTML is removed when the page is rendered."
    )
    response_kind = models.CharField(max_length=20, choices=ResponseKind.choices)
    actors = models.ManyToManyField(
        "kb.Actor", blank=True, related_name="countermeasures", help_text="Who applies it."
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
        ordering = ["name"]
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
            models.Index(fields=["status", "name"], name="countermeasure_status_name_idx"),
            # The ids of published entries from the index alone (facet counts, see kb.lists.facets).
            models.Index(fields=["status", "id"], name="countermeasure_status_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}" if self.public_id else self.name

    def references(self) -> list:
        from .sources import group_citations

        return group_citations(self.public_citations)


class Mitigation(models.Model):
    """The link between a countermeasure and a tactic it counters, with a note on how."""

    countermeasure = models.ForeignKey(
        Countermeasure, on_delete=models.CASCADE, related_name="mitigations"
    )
    tactic = models.ForeignKey(Tactic, on_delete=models.CASCADE, related_name="mitigations")
    note = models.CharField("how it counters the tactic", max_length=500, blank=True)

    history = History()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["countermeasure", "tactic"], name="kb_mitigation_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.countermeasure.public_id} counters {self.tactic.public_id}"
