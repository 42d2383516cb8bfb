"""How the API writes entries, vocabulary terms and search results: every object carries its
permanent URL.

Text is in the language the request asked for (kb.api.languages), where it has a published
translation, and in English where it has none: every entry says which, field by field, in
``languages``, beside the ``language`` asked for. Quotes stay verbatim, as the source has
them; beside each, ``translation`` is kb's translation of it into that language, or null.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils.html import escape
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kb.models import Countermeasure, SearchDocument, Source, Tactic
from kb.models.translations import (
    column,
    reading_language,
    shown_language,
)


class PermanentUrlField(serializers.Field):
    """The absolute, permanent URL of an entry or vocabulary term."""

    def __init__(self, source: str = "*", **kwargs) -> None:
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, entry) -> str:
        return self.context["request"].build_absolute_uri(entry.get_absolute_url())


extend_schema_field({"type": "string", "format": "uri"})(PermanentUrlField)


class LanguageCodeField(serializers.Field):
    """One of kb's languages, by its code (``es``), as ``language_of(obj)`` gives it for the
    object being written: the component ``Language`` of the OpenAPI description
    (kb.api.schema)."""

    def __init__(self, language_of: Callable[[Any], str], **kwargs) -> None:
        # Not read-only only where it may be left out: the OpenAPI description then leaves it
        # out of the required properties (nothing is ever written through the API).
        kwargs.setdefault("read_only", kwargs.get("required", True))
        super().__init__(source="*", **kwargs)
        self.language_of = language_of

    def to_representation(self, value) -> str:
        return self.language_of(value)


def language_asked_for() -> LanguageCodeField:
    """``language``: the language the answer was asked in (what ``Content-Language`` says)."""
    return LanguageCodeField(
        lambda _entry: reading_language(),
        help_text="The language asked for (`lang` or `Accept-Language`).",
    )


class FieldLanguages(serializers.Serializer):
    """Which language each translated field of an entry is in: the one asked for where it
    has a published translation, else English (``{"name": "es", "description": "en"}``)."""


def field_languages(
    component: str, *names: str, optional: tuple[str, ...] = ()
) -> type[FieldLanguages]:
    """A ``FieldLanguages`` reporting on ``names`` (and on ``optional`` names, which some
    rows leave out), described in the OpenAPI document as the component ``component``."""
    declared = {
        name: LanguageCodeField(
            partial(shown_language, name=name),
            help_text=f"The language `{name}` is in.",
            **({"required": False} if name in optional else {}),
        )
        for name in (*names, *optional)
    }
    return type(component, (FieldLanguages,), declared)


# Each name is one component of the OpenAPI description.
NameSummaryLanguages = field_languages("NameSummaryLanguages", "name", "summary")
EntryTextLanguages = field_languages("EntryTextLanguages", "name", "summary", "description")
SummaryLanguages = field_languages("SummaryLanguages", "summary")
NoTextLanguages = field_languages("NoTextLanguages")
# A source's name is its title, the source's own, which kb does not translate: no "name".
# A snippet is cut from the entry's text in the language asked for, which may mix its
# translated fields with English ones: no language can be said of it.
SearchResultLanguages = field_languages("SearchResultLanguages", optional=("name",))


def languages_field(languages: type[FieldLanguages]) -> FieldLanguages:
    return languages(
        source="*",
        read_only=True,
        help_text="Which language each translated field is in: the one asked for where it "
        "has a published translation, else English.",
    )


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


class QuoteTranslationField(serializers.Field):
    """kb's translation of a verbatim quote into the language asked for, or None: never
    another language's, and never presented as the source's own words."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, citation) -> str | None:
        return getattr(citation, column("translation", reading_language())) or None


extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "description": "A translation of `quote` into the language asked for, made by kb "
        "(not the source's words), or null when there is none.",
    }
)(QuoteTranslationField)


class QuoteSerializer(serializers.Serializer):
    quote = serializers.CharField(help_text="Verbatim, in the source's own language.")
    translation = QuoteTranslationField()
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
    language = language_asked_for()
    languages = languages_field(EntryTextLanguages)

    @extend_schema_field(EntryLinkSerializer(allow_null=True))
    def get_replaced_by(self, entry) -> dict | None:
        replacement = entry.public_replacement
        return EntryLinkSerializer(replacement, context=self.context).data if replacement else None


class TacticSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    url = PermanentUrlField()
    language = language_asked_for()
    languages = languages_field(NameSummaryLanguages)

    class Meta:
        model = Tactic
        fields = ["id", "name", "summary", "url", "language", "languages"]


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
            "created_at", "updated_at", "published_at", "url", "language", "languages",
        ]  # fmt: skip


class CountermeasureSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    url = PermanentUrlField()
    language = language_asked_for()
    languages = languages_field(NameSummaryLanguages)

    class Meta:
        model = Countermeasure
        fields = ["id", "name", "summary", "response_kind", "url", "language", "languages"]


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
            "published_at", "url", "language", "languages",
        ]  # fmt: skip


class SourceSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    date = serializers.CharField(source="date_display", read_only=True)
    url = PermanentUrlField()
    language = language_asked_for()
    # A source's row holds no translated text (its title is the source's own).
    languages = languages_field(NoTextLanguages)

    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "kind", "date", "url", "language", "languages"]


class CitingEntrySerializer(serializers.Serializer):
    entry = EntryLinkSerializer()
    quote = serializers.CharField(help_text="Verbatim, in the source's own language.")
    translation = QuoteTranslationField()
    locator = serializers.CharField()


class SourceDetailSerializer(EntrySerializer):
    date = serializers.CharField(source="date_display", read_only=True)
    original_url = serializers.CharField(source="url", read_only=True)
    cited_by = CitingEntrySerializer(source="public_citations", many=True)
    languages = languages_field(SummaryLanguages)

    class Meta:
        model = Source
        fields = [
            "id", "title", "slug", "status", "publisher", "authors", "kind", "published_on",
            "date_precision", "date", "original_url", "archive_url", "summary", "cited_by",
            "replaced_by", "created_at", "updated_at", "published_at", "url", "language",
            "languages",
        ]  # fmt: skip


class SearchResultSerializer(serializers.Serializer):
    type = serializers.CharField(source="kind")
    id = serializers.CharField(source="entry.public_id")
    name = serializers.SerializerMethodField()
    url = PermanentUrlField(source="entry")
    snippet = serializers.SerializerMethodField(
        help_text="HTML: escaped text with the matched words in <mark>, from the entry's "
        "text in the language asked for (English where a field is not translated)."
    )
    language = language_asked_for()
    languages = serializers.SerializerMethodField()

    def get_name(self, document: SearchDocument) -> str:
        # A source is named by its title, which is the source's own and never translated.
        entry = document.entry
        return entry.title if isinstance(entry, Source) else entry.name

    def get_snippet(self, document: SearchDocument) -> str:
        found = getattr(document, "highlight", None)
        return str(found.snippet) if found else escape(document.entry.summary)

    @extend_schema_field(SearchResultLanguages)
    def get_languages(self, document: SearchDocument) -> dict[str, str]:
        entry = document.entry
        return {} if isinstance(entry, Source) else {"name": shown_language(entry, "name")}
