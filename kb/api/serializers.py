"""How the API writes entries, vocabulary terms and search results: every object carries its
permanent URL."""

from __future__ import annotations

from django.utils.html import escape
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kb.models import Countermeasure, SearchDocument, Source, Tactic


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
    # DRF's metaclass takes declared fields off the class, so this one may be named like
    # Field.source; the type checker cannot know that.
    source = SourceLinkSerializer()  # type: ignore[assignment]
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
    technologies = TermSerializer(many=True)
    platforms = TermSerializer(many=True)
    stages = TermSerializer(many=True)
    target_groups = TermSerializer(many=True)
    indicators: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="text", many=True, read_only=True
    )
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
        return str(found.snippet) if found else escape(document.entry.summary)
