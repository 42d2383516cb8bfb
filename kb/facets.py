"""Facet counts: beside each filter option, how many results choosing it would give.

Each facet counts over the rows that match the query and every *other* active filter (so
ticking a second technology shows how many the wider choice gives), in one GROUP BY query
per facet, whatever the number of rows or options.

The matching rows come as a subquery, a list of ids, or the results of a search, which
already hold the ids (and the values of ``ChoiceFacet`` fields), so the full-text query is
not run again for each facet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .search import SearchResults


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]

    @property
    def active(self) -> bool:
        return any(option.selected for option in self.options)


Matching = QuerySet | list[int] | SearchResults


def _among(path: str, matching: Matching) -> Q:
    if isinstance(matching, SearchResults):
        matching = matching.ids
    if isinstance(matching, list):
        return Q(**{f"{path}__among": matching})
    return Q(**{f"{path}__in": matching})


class TermFacet:
    """Counts per term of a vocabulary, reached from the terms through ``relation``."""

    def __init__(self, model: type, relation: str, condition: Q | None = None) -> None:
        self.model, self.relation, self.condition = model, relation, condition or Q()

    def options(self, model: type, matching: Matching, selected: set[str]) -> list[FacetOption]:
        counted = _among(f"{self.relation}__pk", matching) & self.condition
        terms = self.model.objects.annotate(
            facet_count=Count(self.relation, filter=counted, distinct=True)
        ).order_by("position", "name")
        return [
            FacetOption(term.slug, term.name, term.facet_count, term.slug in selected)
            for term in terms
        ]


class ChoiceFacet:
    """Counts per value of a field with fixed choices."""

    def __init__(self, field: str, choices: list[tuple[str, str]]) -> None:
        self.field, self.choices = field, choices

    def options(self, model: type, matching: Matching, selected: set[str]) -> list[FacetOption]:
        if isinstance(matching, SearchResults) and self.field in matching.columns:
            counts = matching.counts(self.field)
        else:
            counts = dict(
                model.objects.filter(_among("pk", matching))
                .values_list(self.field)
                .annotate(n=Count("pk"))
                .order_by()
            )
        return [
            FacetOption(value, label, counts.get(value, 0), value in selected)
            for value, label in self.choices
        ]
