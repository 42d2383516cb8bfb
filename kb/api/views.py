"""The read-only JSON API. Lists are answered by the same list engine as the HTML pages, so a
filter that works in the browser works here, and malformed values get a 400 that says what
is wrong.
Every object carries its permanent URL. Only published entries are listed; a retired
entry's own URL still answers, saying so, as its page does.
Every endpoint of content answers in the language asked for (kb.api.languages): the
published translation where there is one, the English otherwise, and says which.
Every answer links the content's licence (``Link: <...>; rel="license"``), and the root
lists it beside the collections."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework import generics, routers, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.inspectors import ViewInspector

from kb import lists
from kb.api.languages import LANGUAGE_PARAMETER, UnknownLanguage, answer_language
from kb.api.schema import TranslatedContentSchema
from kb.api.serializers import (
    CountermeasureDetailSerializer,
    CountermeasureSerializer,
    SearchResultSerializer,
    SourceDetailSerializer,
    SourceSerializer,
    TacticDetailSerializer,
    TacticSerializer,
    TermSerializer,
)
from kb.licence import content_licence_data, link_licence
from kb.lists import EntryList
from kb.lists.filters import CountermeasureFilter, DocumentFilter, SourceFilter, TacticFilter
from kb.models import (
    Actor,
    Category,
    Countermeasure,
    Entry,
    Platform,
    SearchDocument,
    Source,
    Stage,
    Tactic,
    TargetGroup,
    Technology,
    Vocabulary,
    public_terms,
)
from kb.models.translations import reading_language
from kb.search import highlight


class LicensedAnswers:
    """Says the content's licence in every answer's ``Link`` header (rel="license"), refusals
    included: a client that stores what it fetched can store the terms with it."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        link_licence(response)
        return response


class ApiRoot(LicensedAnswers, routers.APIRootView):
    """The addresses of the collections, and the licence of what they hold."""

    def get(self, request: Request, *args, **kwargs) -> Response:
        response = super().get(request, *args, **kwargs)
        response.data = {**response.data, "license": content_licence_data()}
        return response


class InTheAskedLanguage(LicensedAnswers):
    """Answers in the language the request asks for (``?lang=``, else ``Accept-Language``,
    else English), saying so in ``Content-Language``; an unknown ``lang`` is a 400 that
    lists kb's languages, in the shape of every other refusal."""

    schema: ViewInspector | None = TranslatedContentSchema()

    def dispatch(self, request, *args, **kwargs):
        # The language chosen for this answer is let go of when it is done.
        with translation.override(translation.get_language()):
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        try:
            translation.activate(answer_language(request))
        except UnknownLanguage as unknown:
            raise ValidationError({LANGUAGE_PARAMETER: [str(unknown)]}) from None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = reading_language()
        patch_vary_headers(response, ["Accept-Language"])
        return response


class ListedByTheEngine(InTheAskedLanguage, generics.GenericAPIView):
    """API lists answered by the list engine, as the HTML lists are (kb.lists): malformed
    filters get a 400 that names them. ``filterset_class`` documents the parameters in the
    OpenAPI description (drf-spectacular reads it through the filter backend)."""

    entries: EntryList

    def list(self, request: Request, *args, **kwargs) -> Response:
        result = self.entries.run(request.query_params, getattr(request, "content_version", None))
        if result.parameters.errors:
            raise ValidationError(result.parameters.errors)
        page = self.paginate_queryset(result.rows) or []
        highlight(page, result.search)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Lists go through the engine; a detail is found by its ID alone.
        return queryset


class EntryViewSet(ListedByTheEngine, viewsets.ReadOnlyModelViewSet):
    """Lists of published entries (filtered as on the site); details by permanent ID."""

    lookup_field = "public_id"
    # Any segment reaches the view, so that an unknown ID gets the API's JSON 404.
    lookup_value_regex = r"[^/]+"
    model: type[Entry]
    list_serializer: type[serializers.Serializer]
    detail_serializer: type[serializers.Serializer]

    def get_queryset(self) -> QuerySet:
        return self.model.objects.public().for_page()

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return self.detail_serializer if self.action == "retrieve" else self.list_serializer


class TacticViewSet(EntryViewSet):
    """Published tactics; ``q`` searches, in relevance order."""

    model, entries = Tactic, lists.TACTICS
    filterset_class = TacticFilter
    list_serializer, detail_serializer = TacticSerializer, TacticDetailSerializer


class CountermeasureViewSet(EntryViewSet):
    """Published countermeasures; ``q`` searches, in relevance order."""

    model, entries = Countermeasure, lists.COUNTERMEASURES
    filterset_class = CountermeasureFilter
    list_serializer, detail_serializer = CountermeasureSerializer, CountermeasureDetailSerializer


class SourceViewSet(EntryViewSet):
    """Published sources; ``q`` searches, in relevance order."""

    model, entries = Source, lists.SOURCES
    filterset_class = SourceFilter
    list_serializer, detail_serializer = SourceSerializer, SourceDetailSerializer


def vocabulary_viewset(vocabulary: type[Vocabulary]) -> type[viewsets.ReadOnlyModelViewSet]:
    """A read-only list of one vocabulary's terms, in their curated order."""
    return type(
        f"{vocabulary.__name__}ViewSet",
        (InTheAskedLanguage, viewsets.ReadOnlyModelViewSet),
        {
            "__doc__": f"{str(vocabulary._meta.verbose_name_plural).capitalize()}: "
            f"{(vocabulary.__doc__ or '').splitlines()[0]}",
            "queryset": public_terms(vocabulary),
            "serializer_class": TermSerializer,
            "lookup_field": "slug",
            "lookup_value_regex": r"[^/]+",
            "filter_backends": [],
        },
    )


VOCABULARY_ROUTES: dict[str, type[Vocabulary]] = {
    "categories": Category,
    "technologies": Technology,
    "platforms": Platform,
    "stages": Stage,
    "groups": TargetGroup,
    "actors": Actor,
}


class SearchList(ListedByTheEngine, generics.ListAPIView):
    """One search over tactics, countermeasures and sources, in relevance order."""

    entries = lists.DOCUMENTS
    serializer_class = SearchResultSerializer
    filterset_class = DocumentFilter
    queryset = SearchDocument.objects.none()  # for the OpenAPI description's model
