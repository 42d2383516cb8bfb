"""Controlled vocabularies that classify tactics and countermeasures.

Admins extend them in the admin; each term links to the public list filtered by it.
"""

from typing import cast
from urllib.parse import urlencode

from django.db import models
from django.db.models import Count, Exists, ForeignObjectRel, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from .translations import Translated, in_reading_language, translated_columns_of


class Vocabulary(models.Model):
    """A term of one controlled vocabulary."""

    #: The list page this vocabulary filters, and the query argument it filters with.
    LIST_URL_NAME = "kb:tactic-list"
    FILTER_PARAM = ""
    #: The entries that carry terms of this vocabulary.
    ENTRIES = "tactics"

    name = Translated(models.CharField("name", max_length=100, unique=True))
    slug = models.SlugField(max_length=100, unique=True)
    description = Translated(models.TextField("description", blank=True))
    position = models.PositiveSmallIntegerField(
        default=0, help_text=gettext_lazy("Lower numbers come first in lists and filters.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "name_en"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse(self.LIST_URL_NAME)}?{urlencode({self.FILTER_PARAM: self.slug})}"


def public_terms(vocabulary: type[Vocabulary]) -> models.QuerySet:
    """The terms of ``vocabulary`` readers may see: those a public entry carries, and those
    no entry carries yet (the curated vocabulary), but not a term that only drafts or
    entries in review carry: its name could announce what is not published."""
    from .workflow import PUBLIC_STATUSES

    relation = cast(ForeignObjectRel, vocabulary._meta.get_field(vocabulary.ENTRIES))
    entry_model = relation.related_model
    entries = entry_model._default_manager.filter(**{relation.field.name: OuterRef("pk")})
    public = entries.filter(status__in=PUBLIC_STATUSES)
    return vocabulary._default_manager.filter(Exists(public) | ~Exists(entries))


class CategoryQuerySet(models.QuerySet):
    def with_published_tactics(self, limit: int = 8) -> "CategoryQuerySet":
        """Categories that have published tactics, each with ``tactic_count`` and its first
        ``limit`` published tactics by name in ``published_tactics``, in two queries."""
        from .tactics import Tactic
        from .workflow import Status

        return (
            self.annotate(tactic_count=Count("tactics", filter=Q(tactics__status=Status.PUBLISHED)))
            .filter(tactic_count__gt=0)
            .prefetch_related(
                Prefetch(
                    "tactics",
                    # Sliced, so a category of thousands still costs a handful of rows; and
                    # only what a link shows, since the database sorts every published
                    # tactic to slice them, and narrow rows halve that sort
                    # (docs/performance.md).
                    queryset=Tactic.objects.published()
                    .only("public_id", "slug", *translated_columns_of(Tactic, "name"), "category")
                    .order_by(in_reading_language("name"), "pk")[:limit],
                    to_attr="published_tactics",
                )
            )
        )


class Category(Vocabulary):
    """The broad family a tactic belongs to (covert communication, recruitment...)."""

    FILTER_PARAM = "category"

    objects = CategoryQuerySet.as_manager()

    class Meta(Vocabulary.Meta):
        verbose_name = gettext_lazy("category")
        verbose_name_plural = gettext_lazy("categories")


class Technology(Vocabulary):
    """A technology that tactics use (encryption, proxy servers, GPS, virtual currency...)."""

    FILTER_PARAM = "technology"

    class Meta(Vocabulary.Meta):
        verbose_name = gettext_lazy("technology")
        verbose_name_plural = gettext_lazy("technologies")


class Platform(Vocabulary):
    """A kind of online service that tactics abuse (social media, dating apps, gaming...)."""

    FILTER_PARAM = "platform"

    class Meta(Vocabulary.Meta):
        verbose_name = gettext_lazy("platform")
        verbose_name_plural = gettext_lazy("platforms")


class Stage(Vocabulary):
    """A stage of the trafficking process; ``position`` orders them as the process runs."""

    FILTER_PARAM = "stage"

    class Meta(Vocabulary.Meta):
        verbose_name = gettext_lazy("stage")
        verbose_name_plural = gettext_lazy("stages")


class TargetGroup(Vocabulary):
    """A group of people that tactics target (children, teenage boys, job seekers...)."""

    FILTER_PARAM = "group"

    class Meta(Vocabulary.Meta):
        verbose_name = gettext_lazy("targeted group")
        verbose_name_plural = gettext_lazy("targeted groups")


class ActorGroup(models.TextChoices):
    """Who can act, as a tactic page groups its countermeasures, in the order the page
    shows them: what readers in the field can do themselves first, then what companies
    and the police do (kb.models.countermeasures.by_who_acts)."""

    PEOPLE = "people", gettext_lazy("NGO staff, families and individuals")
    COMPANIES = "companies", gettext_lazy("Platforms and financial institutions")
    LAW_ENFORCEMENT = "law_enforcement", gettext_lazy("Law enforcement")
    OTHERS = "others", gettext_lazy("Others")


class Actor(Vocabulary):
    """Who applies a countermeasure (law enforcement, NGOs, technology companies...), and
    the group a tactic page lists it under (``group``)."""

    LIST_URL_NAME = "kb:countermeasure-list"
    FILTER_PARAM = "actor"
    ENTRIES = "countermeasures"

    group = models.CharField(
        gettext_lazy("who can act"),
        max_length=20,
        choices=ActorGroup.choices,
        default=ActorGroup.OTHERS,
        help_text=gettext_lazy(
            "Where tactic pages list this actor's countermeasures: what NGO staff, families "
            "and individuals can do comes first, then platforms and financial institutions, "
            "then law enforcement, then others."
        ),
    )

    class Meta(Vocabulary.Meta):
        verbose_name = gettext_lazy("actor")
        verbose_name_plural = gettext_lazy("actors")
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=ActorGroup.values), name="kb_actor_valid_group"
            )
        ]
