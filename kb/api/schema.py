"""drf-spectacular hooks that complete the API's OpenAPI description: the exact values each
list filter takes, the refusals every endpoint may answer with, the choice of language
every endpoint of content takes, and the content's licence."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from kb.api.languages import LANGUAGE_PARAMETER
from kb.licence import CONTENT_LICENCE
from kb.lists.filters import (
    ChoicesFilter,
    CountermeasureFilter,
    DocumentFilter,
    SourceFilter,
    TacticFilter,
    TermFilter,
)
from kb.models.translations import content_languages


def document_filter_values(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: say exactly which values the list filters take.

    Vocabulary filters take the slugs of existing terms (listed; the vocabularies are small
    and change rarely). In every choice, an empty value means "no filter" (as an untouched
    form sends it), an empty ``sort`` the default order, and an empty ``exact`` corrects as
    usual.
    """
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
            elif parameter["name"] in ("sort", "exact") and "" not in schema.get("enum", [""]):
                schema["enum"].append("")
    return result


def document_licence(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: the licence of what the API serves (the content's, CC BY 4.0)
    in ``info.license``, where OpenAPI tools look for it. The code's own licence (MIT) is
    the repository's, not the API's."""
    result.setdefault("info", {})["license"] = {
        "name": CONTENT_LICENCE.name,
        "url": CONTENT_LICENCE.url,
    }
    return result


ERROR_SCHEMA = {
    "type": "object",
    "description": "What was wrong: field names with messages, or `detail`.",
    "additionalProperties": True,
}


def document_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: lists answer 400 for malformed filters and 404 for pages past
    the end, details 404 for unknown IDs, and any endpoint 301 for parameters it does not
    read. Documented so clients (and the schema tests) can
    rely on them."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            content = {"application/json": {"schema": ERROR_SCHEMA}}
            parameters = operation.get("parameters", [])
            names = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
            if names - {LANGUAGE_PARAMETER} and "{" not in path:
                responses.setdefault("400", {"description": "Malformed filter", "content": content})
            elif LANGUAGE_PARAMETER in names:
                responses.setdefault("400", {"description": "Unknown language", "content": content})
            if "page" in names:
                responses.setdefault("404", {"description": "No such page", "content": content})
            if "{" in path:
                responses.setdefault("404", {"description": "No such entry", "content": content})
            # kb.web.parameters: one address per set of parameters an endpoint reads.
            responses.setdefault(
                "301",
                {
                    "description": "The query had parameters this endpoint does not read: "
                    "`Location` is the same address without them."
                },
            )
    return result


class TranslatedContentSchema(AutoSchema):
    """The description of an endpoint that answers in the language asked for
    (kb.api.languages): its ``lang`` parameter, the ``Accept-Language`` it honours, and the
    ``Content-Language`` it answers with."""

    def get_override_parameters(self) -> list:
        languages = content_languages()
        listed = ", ".join(f"`{code}`" for code in languages)
        return [
            *super().get_override_parameters(),
            OpenApiParameter(
                LANGUAGE_PARAMETER,
                str,
                OpenApiParameter.QUERY,
                enum=[*languages, ""],
                description=(
                    f"The language of the answer: one of {listed}. Without it (or empty), "
                    "`Accept-Language` decides, else English. A translated field without a "
                    "published translation is given in English, and each entry's "
                    "`languages` says which language each of its fields is in."
                ),
            ),
            OpenApiParameter(
                "Accept-Language",
                str,
                OpenApiParameter.HEADER,
                description=(
                    f"Used when `{LANGUAGE_PARAMETER}` is not given: the first of "
                    f"{listed} the header accepts, in the order of its preferences; "
                    "English when it accepts none of them."
                ),
            ),
            OpenApiParameter(
                "Content-Language",
                str,
                OpenApiParameter.HEADER,
                enum=languages,
                required=True,
                response=[200],
                description="The language the answer was asked in (the `language` of its entries).",
            ),
        ]


class LanguageCodeExtension(OpenApiSerializerFieldExtension):
    """Every field naming a language (``language``, each of ``languages``) refers to one
    component, ``Language``, instead of repeating the list of codes under a name of its
    own in each place."""

    target_class = "kb.api.serializers.LanguageCodeField"
    match_subclasses = True

    def get_name(self) -> str:
        return "Language"

    def map_serializer_field(self, auto_schema, direction) -> dict:
        return {
            "type": "string",
            "enum": content_languages(),
            "description": "One of kb's languages: English, the source, and its translations.",
        }
