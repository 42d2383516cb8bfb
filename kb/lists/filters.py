"""One FilterSet per public list, shared by the HTML pages and the JSON API. Each keeps its
whole state in the query string, so a filtered view is itself a link a trainer can paste.

Unknown or malformed values never raise: the form marks them invalid, the filtering leaves
them out, and the page (or the API, with a 400) says what was not understood.
"""

from __future__ import annotations

import unicodedata
from functools import cached_property

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.db.models.functions import Length

from kb import search
from kb.lists.facets import ChoiceFacet, Facet, TermFacet, bitset, matching_bitset
from kb.lists.listing import FacetedRows, kept
from kb.models import (
    Actor,
    Category,
    ContentVersion,
    Countermeasure,
    DocumentKind,
    Platform,
    ResponseKind,
    SearchDocument,
    Source,
    SourceKind,
    Stage,
    Status,
    Tactic,
    TargetGroup,
    Technology,
    current_content_version,
)

QUERY_MAX_LENGTH = 200
SEARCH, SORT = "q", "sort"


def _without_blanks(value):
    # "?actor=" (an empty choice, as forms and hand-edited links send) means no filter.
    return [item for item in value if item not in ("", None)] if value else value


class TermField(django_filters.fields.ModelMultipleChoiceField):
    def clean(self, value):
        return super().clean(_without_blanks(value))


class ChoicesField(django_filters.fields.MultipleChoiceField):
    def clean(self, value):
        return super().clean(_without_blanks(value))


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Any of the chosen values of a field with fixed choices."""

    field_class = ChoicesField

    def __init__(self, **kwargs) -> None:
        super().__init__(widget=forms.CheckboxSelectMultiple, **kwargs)


class TermFilter(django_filters.ModelMultipleChoiceFilter):
    """Entries carrying any of the chosen vocabulary terms, named by slug in the URL.

    Several values of one filter widen the result (OR); different filters narrow it (AND).
    """

    field_class = TermField

    def __init__(self, model: type, field_name: str, label: str, **kwargs) -> None:
        super().__init__(
            field_name=field_name,
            label=label,
            queryset=model.objects.all(),
            to_field_name="slug",
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        field = qs.model._meta.get_field(self.field_name)
        if not field.many_to_many:
            return qs.filter(**{f"{self.field_name}__in": value})
        # A semi-join on the link table: joining it would repeat rows and need DISTINCT,
        # which made counting a filtered list of 10,000 tactics take 15 ms instead of 5.
        links = field.remote_field.through.objects.filter(
            **{f"{field.m2m_reverse_field_name()}__in": value}
        )
        return qs.filter(pk__in=links.values(field.m2m_field_name()))


class SearchField(forms.CharField):
    """A search box's text, without control characters (a pasted NUL or escape code means
    nothing to search, and must not turn the query into an error)."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(c for c in value if unicodedata.category(c) != "Cc" or c in "\t\n")


class SearchFilter(django_filters.CharFilter):
    """The free-text query ``q`` in web-search syntax (see kb.search). Applied after every
    other filter, so that the relaxed fallback sees the list as filtered."""

    field_class = SearchField

    def __init__(self) -> None:
        super().__init__(
            label="Search", max_length=QUERY_MAX_LENGTH, strip=True, widget=forms.SearchInput
        )

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        results, self.parent.search_outcome = search.search(qs, value or "")
        return results


class SortFilter(django_filters.ChoiceFilter):
    """Orderings, each a tuple of order_by expressions. "relevance" applies only while
    searching; otherwise the first ordering is the default. Every ordering ends with a
    unique key, so ties always come out in the same order."""

    def __init__(self, orderings: dict[str, tuple[str, tuple]]) -> None:
        self.orderings = orderings
        super().__init__(
            label="Sort by",
            choices=[(key, label) for key, (label, _) in orderings.items()],
            empty_label=None,
        )

    def ordering(self, value: str) -> tuple:
        """The order_by expressions that ``value`` (as chosen, perhaps nothing) stands for."""
        searching = bool(self.parent.search_outcome)
        default = "relevance" if searching else next(k for k in self.orderings if k != "relevance")
        key = value if value in self.orderings else default
        if key == "relevance" and not searching:
            key = next(k for k in self.orderings if k != "relevance")
        return self.orderings[key][1]

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return qs.order_by(*self.ordering(value))


# "ID" order must compare TT-0009 < TT-0010 < TT-10000: shorter IDs first, then by text.
BY_PUBLIC_ID = (Length("public_id"), "public_id")


class KnowledgeBaseFilterSet(django_filters.FilterSet):
    """Shared behaviour: search last, sorting always, facet counts on demand."""

    #: Facets shown beside the list, by filter name.
    facets: dict = {}

    search_outcome: search.SearchOutcome | None = None

    def _narrowed(self, queryset: QuerySet, leave_out: str = "") -> QuerySet:
        for name, value in self.form.cleaned_data.items():
            if name not in {SEARCH, SORT, leave_out}:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet | search.SearchResults:
        queryset = self._narrowed(queryset)
        queryset = self.filters[SEARCH].filter(queryset, self.form.cleaned_data.get(SEARCH))
        return self.filters[SORT].filter(queryset, self.form.cleaned_data.get(SORT))

    @property
    def active(self) -> bool:
        """Whether any filter other than sorting narrows the list."""
        data = getattr(self.form, "cleaned_data", {})
        return any(value for name, value in data.items() if name != SORT)

    @cached_property
    def content(self) -> ContentVersion:
        """The content version the facets' sets are read at, read once and before them:
        the version the page cache read for this request (and will store the page under),
        or else from the database."""
        return getattr(self.request, "content_version", None) or current_content_version()

    def selected(self, name: str) -> set[str]:
        """The values chosen for filter ``name``, as its facet names its options."""
        return {getattr(value, "slug", value) for value in self.form.cleaned_data.get(name) or []}

    def matching_from_facets(self, leave_out: str = "") -> int | None:
        """The rows matching every filter in use but ``leave_out``, as a bitset, from the
        facets' sets alone (no query); None while searching or filtering by something
        that is not a facet, which only the database can answer."""
        self.form.is_valid()  # cleans the form, once
        in_use = {name for name, value in self.form.cleaned_data.items() if value}
        in_use.discard(SORT)
        if not in_use <= self.facets.keys():
            return None
        model = self.queryset.model
        matching = self.population
        for name in in_use - {leave_out}:
            matching &= self.facets[name].carrying(model, self.selected(name), self.content)
        return matching

    @cached_property
    def population(self) -> int:
        """Every row the list can show (its base queryset) as a bitset, kept per content
        version like the facets' sets."""
        return kept(self.queryset.order_by(), self.content, bitset)

    def rows(self) -> QuerySet | search.SearchResults | FacetedRows:
        """The matching rows in order, for the paginator. When the facets' sets tell which
        rows match, a page is taken from the population kept in the chosen order and
        loaded by primary key (see kb.lists.listing); otherwise the filtered queryset or the
        search results answer."""
        matching = self.matching_from_facets()
        if matching is None:
            return self.qs
        ordering = self.filters[SORT].ordering(self.form.cleaned_data.get(SORT))
        order = kept(self.queryset.order_by(*ordering), self.content, list)
        return FacetedRows(self.queryset, matching, order)

    def facet_counts(self) -> list[Facet]:
        """Every facet with its options and counts: from the facets' sets alone when every
        filter in use is a facet; otherwise one query for the matching ids, and one more
        per facet with a choice made (see kb.lists.facets)."""
        version = self.content  # before anything facets read; see kb.lists.facets
        everything = self.matching_from_facets()
        if everything is None:
            results = self.qs
            if isinstance(results, search.SearchResults):
                results.ids  # noqa: B018 - settles strict or relaxed before facets re-apply it
            everything = matching_bitset(results)
        facets = []
        for name, facet in self.facets.items():
            matching = everything
            # A facet's own choice must not narrow its counts.
            if self.form.cleaned_data.get(name):
                matching = self.matching_from_facets(leave_out=name)
                if matching is None:
                    narrowed = self._narrowed(self.queryset, leave_out=name)
                    matching = matching_bitset(search.apply(narrowed, self.search_outcome))
            options = facet.options(self.queryset.model, matching, self.selected(name), version)
            facets.append(Facet(name, self.filters[name].label, options))
        return facets


class TacticFilter(KnowledgeBaseFilterSet):
    """Filters of the tactic list; the same FilterSet serves the HTML list and the API."""

    q = SearchFilter()
    category = TermFilter(Category, "category", "Category")
    technology = TermFilter(Technology, "technologies", "Technology")
    platform = TermFilter(Platform, "platforms", "Platform")
    stage = TermFilter(Stage, "stages", "Stage")
    group = TermFilter(TargetGroup, "target_groups", "Targeted group")
    actor = TermFilter(
        Actor, "countermeasures__actors", "Countered by", method="filter_countered_by"
    )
    sort = SortFilter(
        {
            "relevance": ("Relevance", ("-search_rank", "name", "pk")),
            "name": ("Name", ("name", "pk")),
            "updated": ("Recently updated", ("-updated_at", "pk")),
            "id": ("ID", (*BY_PUBLIC_ID, "pk")),
        }
    )

    facets = {
        "category": TermFacet(Category, "tactics"),
        "technology": TermFacet(Technology, "tactics"),
        "platform": TermFacet(Platform, "tactics"),
        "stage": TermFacet(Stage, "tactics"),
        "group": TermFacet(TargetGroup, "tactics"),
        "actor": TermFacet(
            Actor,
            "countermeasures__mitigations__tactic",
            Q(countermeasures__status=Status.PUBLISHED),
        ),
    }

    class Meta:
        model = Tactic
        fields: list[str] = []

    def filter_countered_by(self, qs: QuerySet, name: str, value) -> QuerySet:
        """Tactics with a published countermeasure applied by any of the chosen actors."""
        if not value:
            return qs
        return qs.filter(
            pk__in=Countermeasure.objects.published()
            .filter(actors__in=value)
            .values("mitigations__tactic")
        )


class CountermeasureFilter(KnowledgeBaseFilterSet):
    """Filters of the countermeasure list."""

    q = SearchFilter()
    kind = ChoicesFilter(
        field_name="response_kind", label="Kind of response", choices=ResponseKind.choices
    )
    actor = TermFilter(Actor, "actors", "Actor")
    sort = SortFilter(
        {
            "relevance": ("Relevance", ("-search_rank", "name", "pk")),
            "name": ("Name", ("name", "pk")),
            "updated": ("Recently updated", ("-updated_at", "pk")),
            "id": ("ID", (*BY_PUBLIC_ID, "pk")),
        }
    )

    facets = {
        "kind": ChoiceFacet("response_kind", ResponseKind.choices),
        "actor": TermFacet(Actor, "countermeasures"),
    }

    class Meta:
        model = Countermeasure
        fields: list[str] = []


class SourceFilter(KnowledgeBaseFilterSet):
    """Filters of the source list."""

    q = SearchFilter()
    kind = ChoicesFilter(label="Kind of source", choices=SourceKind.choices)
    sort = SortFilter(
        {
            "relevance": ("Relevance", ("-search_rank", "title", "pk")),
            "title": ("Title", ("title", "pk")),
            "date": ("Publication date", ("-published_on", "title", "pk")),
            "id": ("ID", (*BY_PUBLIC_ID, "pk")),
        }
    )

    facets = {"kind": ChoiceFacet("kind", SourceKind.choices)}

    class Meta:
        model = Source
        fields: list[str] = []


class DocumentFilter(KnowledgeBaseFilterSet):
    """The site-wide search over tactics, countermeasures and sources together."""

    q = SearchFilter()
    type = ChoicesFilter(field_name="kind", label="Type", choices=DocumentKind.choices)
    sort = SortFilter(
        {
            "relevance": ("Relevance", ("-search_rank", "title", "pk")),
            "title": ("Title", ("title", "pk")),
        }
    )

    facets = {"type": ChoiceFacet("kind", DocumentKind.choices)}

    class Meta:
        model = SearchDocument
        fields: list[str] = []
