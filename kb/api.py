"""The read-only JSON API. Lists use the same FilterSets as the HTML pages, so a filter that
works in the browser works here, and malformed values get a 400 that says what is wrong.
Every object carries its permanent URL. Only published entries are listed; a retired
entry's own URL still answers, saying so, as its page does."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from . import search
from .filters import CountermeasureFilter, DocumentFilter, SourceFilter, TacticFilter
from .models import (
    Actor,
    Category,
    Countermeasure,
    Platform,
    SearchDocument,
    Source,
    Stage,
    Tactic,
    TargetGroup,
    Technology,
)


class PermanentUrlField(serializers.Field):
    """The absolute, permanent URL of an entry or vocabulary term."""

    def __init__(self, source: str = "*", **kwargs) -> None:
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, entry) -> str:
        return self.context["request"].build_absolute_uri(entry.get_absolute_url())


extend_schema_field({"type": "string", "format": "uri"})(PermanentUrlField)


class TermSerializer(serializers.Serializer):
    """A vocabulary term; ``url`` is the list of entries it classifies."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    url = PermanentUrlField()


class EntryLinkSerializer(serializers.Serializer):
    """A short reference to another entry."""

    id = serializers.CharField(source="public_id")
    name = serializers.CharField()
    url = PermanentUrlField()


class QuoteSerializer(serializers.Serializer):
    quote = serializers.CharField()
    locator = serializers.CharField()


class SourceLinkSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    title = serializers.CharField()
    publisher = serializers.CharField()
    date = serializers.CharField(source="date_display")
    original_url = serializers.CharField(source="url")
    archive_url = serializers.CharField()
    url = PermanentUrlField()


class ReferenceSerializer(serializers.Serializer):
    """A numbered reference: the source and the quotes taken from it."""

    number = serializers.IntegerField()
    source = SourceLinkSerializer()
    quotes = QuoteSerializer(source="citations", many=True)


class EntrySerializer(serializers.ModelSerializer):
    """Fields every entry detail shares."""

    id = serializers.CharField(source="public_id", read_only=True)
    url = PermanentUrlField()
    replaced_by = serializers.SerializerMethodField()

    @extend_schema_field(EntryLinkSerializer(allow_null=True))
    def get_replaced_by(self, entry) -> dict | None:
        replacement = entry.public_replacement
        return EntryLinkSerializer(replacement, context=self.context).data if replacement else None


class TacticSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    url = PermanentUrlField()

    class Meta:
        model = Tactic
        fields = ["id", "name", "summary", "url"]


class MitigationForTacticSerializer(serializers.Serializer):
    countermeasure = EntryLinkSerializer()
    note = serializers.CharField()


class TacticDetailSerializer(EntrySerializer):
    category = TermSerializer()
    technologies = TermSerializer(source="terms.technologies", many=True)
    platforms = TermSerializer(source="terms.platforms", many=True)
    stages = TermSerializer(source="terms.stages", many=True)
    target_groups = TermSerializer(source="terms.target_groups", many=True)
    indicators = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    countermeasures = MitigationForTacticSerializer(source="public_mitigations", many=True)
    related_tactics = EntryLinkSerializer(source="public_related_tactics", many=True)
    references = ReferenceSerializer(many=True)

    class Meta:
        model = Tactic
        fields = [
            "id", "name", "slug", "status", "summary", "description", "category",
            "technologies", "platforms", "stages", "target_groups", "indicators",
            "countermeasures", "related_tactics", "references", "replaced_by",
            "created_at", "updated_at", "published_at", "url",
        ]  # fmt: skip


class CountermeasureSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    url = PermanentUrlField()

    class Meta:
        model = Countermeasure
        fields = ["id", "name", "summary", "response_kind", "url"]


class MitigationForCountermeasureSerializer(serializers.Serializer):
    tactic = EntryLinkSerializer()
    note = serializers.CharField()


class CountermeasureDetailSerializer(EntrySerializer):
    actors = TermSerializer(many=True)
    tactics = MitigationForCountermeasureSerializer(source="public_mitigations", many=True)
    references = ReferenceSerializer(many=True)

    class Meta:
        model = Countermeasure
        fields = [
            "id", "name", "slug", "status", "summary", "description", "response_kind",
            "actors", "tactics", "references", "replaced_by", "created_at", "updated_at",
            "published_at", "url",
        ]  # fmt: skip


class SourceSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    date = serializers.CharField(source="date_display", read_only=True)
    url = PermanentUrlField()

    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "kind", "date", "url"]


class CitingEntrySerializer(serializers.Serializer):
    entry = EntryLinkSerializer()
    quote = serializers.CharField()
    locator = serializers.CharField()


class SourceDetailSerializer(EntrySerializer):
    date = serializers.CharField(source="date_display", read_only=True)
    original_url = serializers.CharField(source="url", read_only=True)
    cited_by = CitingEntrySerializer(source="public_citations", many=True)

    class Meta:
        model = Source
        fields = [
            "id", "title", "slug", "status", "publisher", "authors", "kind", "published_on",
            "date_precision", "date", "original_url", "archive_url", "summary", "cited_by",
            "replaced_by", "created_at", "updated_at", "published_at", "url",
        ]  # fmt: skip


class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists of published entries (filtered as on the site); details by permanent ID."""

    lookup_field = "public_id"
    # Any segment reaches the view, so that an unknown ID gets the API's JSON 404.
    lookup_value_regex = r"[^/]+"
    model: type
    list_serializer: type[serializers.Serializer]
    detail_serializer: type[serializers.Serializer]

    def get_queryset(self) -> QuerySet:
        if self.action == "retrieve":
            return self.model.objects.public().for_page()
        return self.model.objects.published()

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return self.detail_serializer if self.action == "retrieve" else self.list_serializer

    def filter_queryset(self, queryset: QuerySet):
        # Filters and search belong to lists; a detail is found by its ID alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


class TacticViewSet(EntryViewSet):
    """Published tactics; ``q`` searches, in relevance order."""

    model = Tactic
    filterset_class = TacticFilter
    list_serializer, detail_serializer = TacticSerializer, TacticDetailSerializer


class CountermeasureViewSet(EntryViewSet):
    """Published countermeasures; ``q`` searches, in relevance order."""

    model = Countermeasure
    filterset_class = CountermeasureFilter
    list_serializer, detail_serializer = CountermeasureSerializer, CountermeasureDetailSerializer


class SourceViewSet(EntryViewSet):
    """Published sources; ``q`` searches, in relevance order."""

    model = Source
    filterset_class = SourceFilter
    list_serializer, detail_serializer = SourceSerializer, SourceDetailSerializer


def vocabulary_viewset(vocabulary: type) -> type[viewsets.ReadOnlyModelViewSet]:
    """A read-only list of one vocabulary's terms, in their curated order."""
    return type(
        f"{vocabulary.__name__}ViewSet",
        (viewsets.ReadOnlyModelViewSet,),
        {
            "__doc__": f"{vocabulary._meta.verbose_name_plural.capitalize()}: "
            f"{vocabulary.__doc__.splitlines()[0]}",
            "queryset": vocabulary.objects.all(),
            "serializer_class": TermSerializer,
            "lookup_field": "slug",
            "lookup_value_regex": r"[^/]+",
            "filter_backends": [],
        },
    )


VOCABULARY_ROUTES = {
    "categories": Category,
    "technologies": Technology,
    "platforms": Platform,
    "stages": Stage,
    "groups": TargetGroup,
    "actors": Actor,
}


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


class SearchList(generics.ListAPIView):
    """One search over tactics, countermeasures and sources, in relevance order."""

    serializer_class = SearchResultSerializer
    filterset_class = DocumentFilter

    def get_queryset(self) -> QuerySet:
        return SearchDocument.objects.select_related("tactic", "countermeasure", "source").defer(
            "search_vector"
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        filterset = DjangoFilterBackend().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        search.highlight(page, filterset.search_outcome)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def document_filter_values(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: say exactly which values the list filters take.

    Vocabulary filters take the slugs of existing terms (listed; the vocabularies are small
    and change rarely). In every choice, an empty value means "no filter" (as an untouched
    form sends it), and an empty ``sort`` the default order.
    """
    from .filters import ChoicesFilter, TermFilter

    filtersets = {
        "/api/tactics/": TacticFilter,
        "/api/countermeasures/": CountermeasureFilter,
        "/api/sources/": SourceFilter,
        "/api/search/": DocumentFilter,
    }
    for path, filterset in filtersets.items():
        operation = result.get("paths", {}).get(path, {}).get("get", {})
        for parameter in operation.get("parameters", []):
            declared = filterset.base_filters.get(parameter["name"])
            schema = parameter["schema"]
            if isinstance(declared, TermFilter):
                slugs = list(declared.queryset.values_list("slug", flat=True))
                schema["items"] = {"type": "string", "enum": [*slugs, ""]}
            elif isinstance(declared, ChoicesFilter) and "" not in schema["items"]["enum"]:
                schema["items"]["enum"].append("")
            elif parameter["name"] == "sort" and "" not in schema.get("enum", [""]):
                schema["enum"].append("")
    return result


ERROR_SCHEMA = {
    "type": "object",
    "description": "What was wrong: field names with messages, or `detail`.",
    "additionalProperties": True,
}


def document_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: lists answer 400 for malformed filters and 404 for pages past
    the end, details 404 for unknown IDs. Documented so clients (and the schema tests) can
    rely on them."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            content = {"application/json": {"schema": ERROR_SCHEMA}}
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            if names and "{" not in path:
                responses.setdefault("400", {"description": "Malformed filter", "content": content})
            if "page" in names:
                responses.setdefault("404", {"description": "No such page", "content": content})
            if "{" in path:
                responses.setdefault("404", {"description": "No such entry", "content": content})
    return result
