"""The API's reference page, rendered on the server from its own OpenAPI description.

It replaces Swagger UI: a page of this site's own markup (headings, tables with captions,
nothing that needs a script), so it meets the same accessibility bar as every other page,
loads nothing but the site's stylesheet, and cannot drift from the API, being built from the
same description that `/api/schema/` serves and schemathesis tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator


@dataclass
class Parameter:
    """One query or path parameter: its name, where it goes, and what it accepts."""

    name: str
    location: str
    required: bool
    description: str
    accepts: str


@dataclass
class Operation:
    """One endpoint's GET: what it returns, what it takes, how it can answer."""

    path: str
    anchor: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)


def _accepts(schema: dict) -> str:
    """What a parameter accepts, for people: its values, or its type and bounds."""
    items = schema.get("items", schema)
    values = [value for value in items.get("enum", []) if value]
    kind = items.get("type", "string")
    if values:
        listed = ", ".join(str(value) for value in values)
        if schema.get("type") == "array":
            return _("one or more of: %(values)s") % {"values": listed}
        return _("one of: %(values)s") % {"values": listed}
    kinds = {"integer": _("a whole number"), "string": _("text")}
    bounds = [
        _("at least %(minimum)s") % {"minimum": schema["minimum"]} if "minimum" in schema else "",
        _("at most %(maximum)s") % {"maximum": schema["maximum"]} if "maximum" in schema else "",
    ]
    return " ".join([kinds.get(kind, kind), *filter(None, bounds)])


def operations() -> tuple[dict, list[Operation]]:
    """The API's description (title, version, text) and its operations, in path order."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, methods in sorted(schema["paths"].items()):
        get = methods.get("get")
        if get is None:
            continue
        found.append(
            Operation(
                path=path,
                anchor=get["operationId"].replace("_", "-"),
                description=get.get("description", ""),
                parameters=[
                    Parameter(
                        name=p["name"],
                        location=p["in"],
                        required=p.get("required", False),
                        description=p.get("description", ""),
                        accepts=_accepts(p.get("schema", {})),
                    )
                    for p in get.get("parameters", [])
                ],
                responses=[
                    (status, answer.get("description", ""))
                    for status, answer in sorted(get.get("responses", {}).items())
                ],
            )
        )
    return schema["info"], found


def api_reference(request: HttpRequest) -> HttpResponse:
    """Every endpoint of the open data API, its parameters and its answers."""
    info, found = operations()
    return render(request, "kb/api_reference.html", {"info": info, "operations": found})
