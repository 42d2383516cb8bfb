"""The read-only JSON API. Lists use the same FilterSets as the HTML pages, so a filter that
works in the browser works here, and malformed values get a 400 that says what is wrong."""

from __future__ import annotations

from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from . import search
from .filters import DocumentFilter, TacticFilter
from .models import SearchDocument, Tactic


class PermanentUrlField(serializers.Field):
    """The absolute, permanent URL of an entry."""

    def __init__(self, source: str = "*", **kwargs) -> None:
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, entry) -> str:
        return self.context["request"].build_absolute_uri(entry.get_absolute_url())


class TacticSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    url = PermanentUrlField()

    class Meta:
        model = Tactic
        fields = ["id", "name", "summary", "url"]


class TacticList(generics.ListAPIView):
    """Published tactics, with the filters of /tactics/; in relevance order when ``q`` is
    given."""

    queryset = Tactic.objects.published()
    serializer_class = TacticSerializer
    filterset_class = TacticFilter


class SearchResultSerializer(serializers.Serializer):
    type = serializers.CharField(source="kind")
    id = serializers.CharField(source="entry.public_id")
    name = serializers.CharField(source="title")
    url = PermanentUrlField(source="entry")
    snippet = serializers.SerializerMethodField(
        help_text="HTML: escaped text with the matched words in <mark>."
    )

    def get_snippet(self, document: SearchDocument) -> str:
        found = getattr(document, "highlight", None)
        return str(found.snippet) if found else document.summary

    def to_representation(self, document: SearchDocument) -> dict:
        data = super().to_representation(document)
        data["url"] = self.context["request"].build_absolute_uri(document.entry.get_absolute_url())
        return data


class SearchList(generics.ListAPIView):
    """One search over tactics, countermeasures and sources, in relevance order."""

    serializer_class = SearchResultSerializer
    filter_backends: list = []

    def get_queryset(self):
        return SearchDocument.objects.select_related("tactic", "countermeasure", "source").defer(
            "search_vector"
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        filterset = DocumentFilter(request.query_params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        search.highlight(page, filterset.search_outcome)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
