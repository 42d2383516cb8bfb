"""drf-spectacular hooks that complete the API's OpenAPI description: the exact values each
list filter takes, and the refusals every endpoint may answer with."""

from __future__ import annotations

from kb.lists.filters import (
    ChoicesFilter,
    CountermeasureFilter,
    DocumentFilter,
    SourceFilter,
    TacticFilter,
    TermFilter,
)


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
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            if names and "{" not in path:
                responses.setdefault("400", {"description": "Malformed filter", "content": content})
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
