"""The parameters of each public list, one FilterSet per list, shared by the HTML pages and
the JSON API. Each keeps its whole state in the query string, so a filtered view is itself a
link a trainer can paste.

A FilterSet here parses and validates; the list engine (kb.lists.engine) answers. Unknown or
malformed values never raise: the form marks them invalid, the engine leaves them out, and
the page (or the API, with a 400) says what was not understood.
"""

from __future__ import annotations

import unicodedata

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

from kb.lists.facets import ChoiceFacet, MembershipFacet, TermFacet
from kb.lists.fields import ChoiceField, ChoicesField, TermField
from kb.models import (
    Actor,
    Category,
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
    Vocabulary,
    public_terms,
)
from kb.models.translations import text_ordering

SEARCH, SORT, EXACT = "q", "sort", "exact"


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Any of the chosen values of a field with fixed choices; ``unknown`` is the message
    for a value that is none of them (with ``%(value)s``)."""

    field_class = ChoicesField

    def __init__(self, *, unknown: str | Promise, **kwargs) -> None:
        super().__init__(
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": unknown},
            **kwargs,
        )


class TermFilter(django_filters.ModelMultipleChoiceFilter):
    """Entries carrying any of the chosen vocabulary terms, named by slug in the URL;
    ``unknown`` is the message for a slug that names no public term (with ``%(value)s``).

    Several values of one filter widen the result (OR); different filters narrow it (AND).
    """

    field_class = TermField

    def __init__(
        self,
        model: type[Vocabulary],
        field_name: str,
        label: str | Promise,
        unknown: str | Promise,
        **kwargs,
    ) -> None:
        super().__init__(
            field_name=field_name,
            label=label,
            queryset=public_terms(model),
            to_field_name="slug",
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": unknown},
            **kwargs,
        )


class SearchField(forms.CharField):
    """A search box's text, without control characters (a pasted NUL or escape code means
    nothing to search, and must not turn the query into an error)."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(c for c in value if unicodedata.category(c) != "Cc" or c in "\t\n")


class SearchFilter(django_filters.CharFilter):
    """The free-text query ``q`` in web-search syntax (see kb.search). Any length is
    accepted: a long description is searched for its first part, and the page says so."""

    field_class = SearchField

    def __init__(self) -> None:
        super().__init__(label=gettext_lazy("Search"), strip=True, widget=forms.SearchInput)


class ExactFilter(django_filters.ChoiceFilter):
    """``exact=1``: search the words as typed, without correcting any (the "search instead
    for ..." link that follows a correction)."""

    field_class = ChoiceField

    def __init__(self) -> None:
        super().__init__(
            label=gettext_lazy("Exactly as typed"),
            choices=[("1", gettext_lazy("Yes"))],
            widget=forms.HiddenInput,
            error_messages={
                "invalid_choice": gettext_lazy(
                    "“exact” can only be 1 (search the words exactly as typed), not “%(value)s”."
                )
            },
        )


class SortFilter(django_filters.ChoiceFilter):
    """Orderings, each a tuple of order_by expressions. "relevance" applies only while
    searching; otherwise the first ordering is the default. Every ordering ends with a
    unique key, so ties always come out in the same order."""

    field_class = ChoiceField

    def __init__(self, orderings: dict[str, tuple[str | Promise, tuple]]) -> None:
        self.orderings = orderings
        super().__init__(
            label=gettext_lazy("Sort by"),
            choices=[(key, label) for key, (label, _) in orderings.items()],
            empty_label=None,
            error_messages={
                "invalid_choice": gettext_lazy(
                    "The results cannot be sorted by “%(value)s”. Choose an order from the list."
                )
            },
        )

    def chosen(self, value: str | None, *, searching: bool) -> str:
        """The name of the ordering ``value`` (as chosen, perhaps nothing) stands for:
        relevance by default while searching, and never without a search."""
        browsing = next(key for key in self.orderings if key != "relevance")
        if value not in self.orderings:
            return "relevance" if searching else browsing
        return browsing if value == "relevance" and not searching else value


#: The message for an actor's slug that names no public actor (both lists filter by actor).
UNKNOWN_ACTOR = gettext_lazy("There is no actor called “%(value)s”. Choose one from the list.")

# "ID" order must compare TT-0009 < TT-0010 < TT-10000: shorter IDs first, then by text.
BY_PUBLIC_ID = (Length("public_id"), "public_id")


class KnowledgeBaseFilterSet(django_filters.FilterSet):
    """A list's parameters: ``q``, its facets (one filter each, by the same name) and
    ``sort``."""

    #: The facets shown beside the list, by filter name (see kb.lists.facets).
    facets: dict[str, MembershipFacet] = {}

    @property
    def active(self) -> bool:
        """Whether anything but sorting narrows the list."""
        data = getattr(self.form, "cleaned_data", {})
        return any(value for name, value in data.items() if name not in (SORT, EXACT))

    @property
    def exact(self) -> bool:
        """Whether the reader asked for their words exactly as typed."""
        return bool(self.form.cleaned_data.get(EXACT))

    @property
    def text(self) -> str:
        """The search text, as understood ("" for none)."""
        return self.form.cleaned_data.get(SEARCH) or ""

    def selected(self, name: str) -> set[str]:
        """The values chosen for facet ``name``, as its options name them."""
        return {getattr(value, "slug", value) for value in self.form.cleaned_data.get(name) or []}

    def ordering(self, *, searching: bool) -> tuple[str, tuple]:
        """The chosen order's name and order_by expressions."""
        sort: SortFilter = self.filters[SORT]
        name = sort.chosen(self.form.cleaned_data.get(SORT), searching=searching)
        return name, text_ordering(sort.orderings[name][1], self._meta.model)


class TacticFilter(KnowledgeBaseFilterSet):
    """Filters of the tactic list; the same FilterSet serves the HTML list and the API."""

    q = SearchFilter()
    exact = ExactFilter()
    category = TermFilter(
        Category,
        "category",
        gettext_lazy("Category"),
        gettext_lazy("There is no category called “%(value)s”. Choose one from the list."),
    )
    technology = TermFilter(
        Technology,
        "technologies",
        gettext_lazy("Technology"),
        gettext_lazy("There is no technology called “%(value)s”. Choose one from the list."),
    )
    platform = TermFilter(
        Platform,
        "platforms",
        gettext_lazy("Platform"),
        gettext_lazy("There is no platform called “%(value)s”. Choose one from the list."),
    )
    stage = TermFilter(
        Stage,
        "stages",
        gettext_lazy("Stage"),
        gettext_lazy("There is no stage called “%(value)s”. Choose one from the list."),
    )
    group = TermFilter(
        TargetGroup,
        "target_groups",
        gettext_lazy("Targeted group"),
        gettext_lazy("There is no targeted group called “%(value)s”. Choose one from the list."),
    )
    actor = TermFilter(
        Actor, "countermeasures__actors", gettext_lazy("Countered by"), UNKNOWN_ACTOR
    )
    sort = SortFilter(
        {
            "relevance": (
                gettext_lazy("Relevance"),
                ("-search_rank", "-search_score", "name", "pk"),
            ),
            "name": (pgettext_lazy("sort order", "Name"), ("name", "pk")),
            "updated": (gettext_lazy("Recently updated"), ("-updated_at", "pk")),
            "id": (pgettext_lazy("sort order", "ID"), (*BY_PUBLIC_ID, "pk")),
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


class CountermeasureFilter(KnowledgeBaseFilterSet):
    """Filters of the countermeasure list."""

    q = SearchFilter()
    exact = ExactFilter()
    kind = ChoicesFilter(
        field_name="response_kind",
        label=gettext_lazy("Kind of response"),
        choices=ResponseKind.choices,
        unknown=gettext_lazy(
            "There is no kind of response called “%(value)s”. Choose one from the list."
        ),
    )
    actor = TermFilter(Actor, "actors", gettext_lazy("Actor"), UNKNOWN_ACTOR)
    sort = SortFilter(
        {
            "relevance": (
                gettext_lazy("Relevance"),
                ("-search_rank", "-search_score", "name", "pk"),
            ),
            "name": (pgettext_lazy("sort order", "Name"), ("name", "pk")),
            "updated": (gettext_lazy("Recently updated"), ("-updated_at", "pk")),
            "id": (pgettext_lazy("sort order", "ID"), (*BY_PUBLIC_ID, "pk")),
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
    exact = ExactFilter()
    kind = ChoicesFilter(
        label=gettext_lazy("Kind of source"),
        choices=SourceKind.choices,
        unknown=gettext_lazy(
            "There is no kind of source called “%(value)s”. Choose one from the list."
        ),
    )
    sort = SortFilter(
        {
            "relevance": (
                gettext_lazy("Relevance"),
                ("-search_rank", "-search_score", "title", "pk"),
            ),
            "title": (pgettext_lazy("sort order", "Title"), ("title", "pk")),
            "date": (
                gettext_lazy("Publication date"),
                (F("published_on").desc(nulls_last=True), "title", "pk"),
            ),
            "id": (pgettext_lazy("sort order", "ID"), (*BY_PUBLIC_ID, "pk")),
        }
    )

    facets = {"kind": ChoiceFacet("kind", SourceKind.choices)}

    class Meta:
        model = Source
        fields: list[str] = []


class DocumentFilter(KnowledgeBaseFilterSet):
    """The site-wide search over tactics, countermeasures and sources together."""

    q = SearchFilter()
    exact = ExactFilter()
    type = ChoicesFilter(
        field_name="kind",
        label=pgettext_lazy("kind of search result", "Type"),
        choices=DocumentKind.choices,
        unknown=gettext_lazy(
            "There is no type of result called “%(value)s”. Choose one from the list."
        ),
    )
    sort = SortFilter(
        {
            "relevance": (
                gettext_lazy("Relevance"),
                ("-search_rank", "-search_score", "title", "pk"),
            ),
            "title": (pgettext_lazy("sort order", "Title"), ("title", "pk")),
        }
    )

    facets = {"type": ChoiceFacet("kind", DocumentKind.choices)}

    class Meta:
        model = SearchDocument
        fields: list[str] = []
