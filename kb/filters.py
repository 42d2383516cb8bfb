"""One FilterSet per public list. Each keeps its whole state in the query string, so a
filtered view is itself a link a trainer can paste into course material.

Unknown or malformed values never raise: the form marks them invalid, django-filter leaves
them out of the filtering, and the page shows the form's message.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Length

from .models import (
    Actor,
    Category,
    Countermeasure,
    Mitigation,
    Platform,
    ResponseKind,
    Source,
    SourceKind,
    Stage,
    Status,
    Tactic,
    TargetGroup,
    Technology,
)

QUERY_MAX_LENGTH = 200


class TermFilter(django_filters.ModelMultipleChoiceFilter):
    """Entries carrying any of the chosen vocabulary terms, named by slug in the URL.

    Several values of one filter widen the result (OR); different filters narrow it (AND).
    """

    def __init__(self, model: type, field_name: str, label: str) -> None:
        super().__init__(
            field_name=field_name,
            label=label,
            queryset=model.objects.all(),
            to_field_name="slug",
            widget=forms.CheckboxSelectMultiple,
        )

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value}).distinct()


class TextQueryFilter(django_filters.CharFilter):
    """The free-text query ``q``, delegated to the queryset's own ``search``."""

    def __init__(self) -> None:
        super().__init__(
            label="Search", max_length=QUERY_MAX_LENGTH, strip=True, widget=forms.SearchInput
        )

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return qs.search(value) if value else qs


class SortFilter(django_filters.ChoiceFilter):
    """A choice of orderings, each a tuple of order_by expressions; the first is the default."""

    def __init__(self, orderings: dict[str, tuple[str, tuple]]) -> None:
        self.orderings = orderings
        super().__init__(
            label="Sort by",
            choices=[(key, label) for key, (label, _) in orderings.items()],
            empty_label=None,
        )

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        key = value if value in self.orderings else next(iter(self.orderings))
        return qs.order_by(*self.orderings[key][1])


# "ID" order must compare TT-0009 < TT-0010 < TT-10000: shorter IDs first, then by text.
BY_PUBLIC_ID = (Length("public_id"), "public_id")


class KnowledgeBaseFilterSet(django_filters.FilterSet):
    """Shared behaviour: sorting always applies, even when the form has no sort value."""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = self.filters["sort"].filter(queryset, "")
        return queryset

    @property
    def active(self) -> bool:
        """Whether any filter other than sorting narrows the list."""
        data = getattr(self.form, "cleaned_data", {})
        return any(value for name, value in data.items() if name != "sort")


class TacticFilter(KnowledgeBaseFilterSet):
    """Filters of the tactic list; the same FilterSet serves the HTML list and the API."""

    q = TextQueryFilter()
    category = TermFilter(Category, "category", "Category")
    technology = TermFilter(Technology, "technologies", "Technology")
    platform = TermFilter(Platform, "platforms", "Platform")
    stage = TermFilter(Stage, "stages", "Stage")
    group = TermFilter(TargetGroup, "target_groups", "Targeted group")
    actor = django_filters.ModelMultipleChoiceFilter(
        label="Countered by",
        queryset=Actor.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        method="filter_countered_by",
    )
    sort = SortFilter(
        {
            "name": ("Name", ("name", "pk")),
            "updated": ("Recently updated", ("-updated_at", "pk")),
            "id": ("ID", BY_PUBLIC_ID),
        }
    )

    class Meta:
        model = Tactic
        fields: list[str] = []

    def filter_countered_by(self, qs: QuerySet, name: str, value) -> QuerySet:
        """Tactics with a published countermeasure applied by any of the chosen actors."""
        if not value:
            return qs
        return qs.filter(
            Exists(
                Mitigation.objects.filter(
                    tactic=OuterRef("pk"),
                    countermeasure__status=Status.PUBLISHED,
                    countermeasure__actors__in=value,
                )
            )
        )


class CountermeasureFilter(KnowledgeBaseFilterSet):
    """Filters of the countermeasure list."""

    q = TextQueryFilter()
    kind = django_filters.MultipleChoiceFilter(
        field_name="response_kind",
        label="Kind of response",
        choices=ResponseKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    actor = TermFilter(Actor, "actors", "Actor")
    sort = SortFilter(
        {
            "name": ("Name", ("name", "pk")),
            "updated": ("Recently updated", ("-updated_at", "pk")),
            "id": ("ID", BY_PUBLIC_ID),
        }
    )

    class Meta:
        model = Countermeasure
        fields: list[str] = []


class SourceFilter(KnowledgeBaseFilterSet):
    """Filters of the source list."""

    q = TextQueryFilter()
    kind = django_filters.MultipleChoiceFilter(
        label="Kind of source", choices=SourceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    sort = SortFilter(
        {
            "title": ("Title", ("title", "pk")),
            "date": ("Publication date", ("-published_on", "title", "pk")),
            "id": ("ID", BY_PUBLIC_ID),
        }
    )

    class Meta:
        model = Source
        fields: list[str] = []
