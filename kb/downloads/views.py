"""The downloads page and the files it lists, generated from the published content."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request

from . import current_edition, published_content, stix, tabular

CSV_FILES = {
    "tactics": "Tactics, with their classification and indicators",
    "countermeasures": "Countermeasures",
    "mitigations": "Which countermeasure counters which tactic, and how",
    "sources": "Sources",
    "citations": "The quotes that tie each entry to its sources",
}


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def downloads(request: HttpRequest) -> HttpResponse:
    """Every bulk download, with the edition it would be generated from."""
    return render(
        request,
        "kb/downloads.html",
        {"edition": current_edition(), "csv_files": CSV_FILES},
    )


def download_json(request: HttpRequest) -> HttpResponse:
    """Everything published, as the API's detail objects, in one JSON document."""
    from kb.api.serializers import (
        CountermeasureDetailSerializer,
        SourceDetailSerializer,
        TacticDetailSerializer,
    )

    edition, content = current_edition(), published_content()
    context = {"request": Request(request)}
    document = {
        "title": settings.KB_SITE_NAME,
        "generated_at": edition.generated_at.isoformat(),
        "content_version": edition.version,
        "tactics": TacticDetailSerializer(content["tactics"], many=True, context=context).data,
        "countermeasures": CountermeasureDetailSerializer(
            content["countermeasures"], many=True, context=context
        ).data,
        "sources": SourceDetailSerializer(content["sources"], many=True, context=context).data,
    }
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return _attachment(body, "application/json", f"{edition.file_stem}.json")


def download_csv(request: HttpRequest, name: str) -> HttpResponse:
    """One CSV file of the published content."""
    if name not in CSV_FILES:
        raise Http404("No such file.")
    edition = current_edition()
    rows = tabular.tables(published_content(), request.build_absolute_uri)[name]
    return _attachment(
        tabular.to_csv(rows), "text/csv; charset=utf-8", f"{edition.file_stem}-{name}.csv"
    )


def download_stix(request: HttpRequest) -> HttpResponse:
    """The published content as a STIX 2.1 bundle."""
    edition = current_edition()
    bundle = stix.bundle(published_content(), edition, request.build_absolute_uri)
    return _attachment(
        bundle.serialize(pretty=True).encode(),
        "application/stix+json;version=2.1",
        f"{edition.file_stem}.stix.json",
    )
