"""Countermeasures: what law enforcement, NGOs, companies and others do against tactics."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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
from .vocabularies import ActorGroup
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


#: What each group of a tactic page is headed with, and what it says when nothing is
#: recorded for it (the groups always shown: the first three).
WHO_ACTS_HEADINGS = {
    ActorGroup.PEOPLE: gettext_lazy("What NGO staff, families and individuals can do"),
    ActorGroup.COMPANIES: gettext_lazy("What platforms and financial institutions do"),
    ActorGroup.LAW_ENFORCEMENT: gettext_lazy("What law enforcement does"),
    ActorGroup.OTHERS: gettext_lazy("What others do"),
}
NOTHING_RECORDED = {
    ActorGroup.PEOPLE: gettext_lazy(
        "Nothing that NGO staff, families or individuals can do against this tactic is "
        "recorded yet."
    ),
    ActorGroup.COMPANIES: gettext_lazy(
        "Nothing that platforms or financial institutions do against this tactic is recorded yet."
    ),
    ActorGroup.LAW_ENFORCEMENT: gettext_lazy(
        "Nothing that law enforcement does against this tactic is recorded yet."
    ),
}


@dataclass
class WhoActs:
    """One group of a tactic's countermeasures: who can act, and the links (mitigations,
    each with its countermeasure and the note on how it counters the tactic) they apply."""

    group: ActorGroup
    mitigations: list[Mitigation] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return str(WHO_ACTS_HEADINGS[self.group])

    @property
    def nothing_recorded(self) -> str:
        """What the group says when it has no countermeasure ("" for a group shown only
        when it has some)."""
        return str(NOTHING_RECORDED.get(self.group, ""))

    @property
    def anchor(self) -> str:
        """The id of the group's heading, to link to it."""
        return f"countermeasures-{self.group.replace('_', '-')}"

    @property
    def shown(self) -> bool:
        return bool(self.mitigations) or self.group in NOTHING_RECORDED


def by_who_acts(mitigations: Iterable[Mitigation]) -> list[WhoActs]:
    """A tactic's countermeasure links grouped by who can act, in ActorGroup's order (what
    NGO staff, families and individuals can do first): every group, empty ones too, so a
    page can say plainly what is not recorded (``WhoActs.shown`` says which to show).

    A countermeasure goes under each group one of its actors belongs to (awareness
    partnerships between NGOs and companies are both what NGOs can do and what companies
    do), and under "others" when it names no actor. Reads ``mitigation.countermeasure``
    and its ``actors``: load them with the mitigations (``Tactic.objects.for_page()`` does)
    so that grouping costs no query. The order of ``mitigations`` is kept within a group.
    """
    groups = {group: WhoActs(group) for group in ActorGroup}
    for mitigation in mitigations:
        actors = mitigation.countermeasure.actors.all()
        named = {ActorGroup(actor.group) for actor in actors} or {ActorGroup.OTHERS}
        for group in ActorGroup:
            if group in named:
                groups[group].mitigations.append(mitigation)
    return list(groups.values())
