"""The service worker's script, the offline page and the manifest of a saved copy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from kb.models import current_content_version

from .manifest import build_manifest, worker_script


def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, at the root so that its scope is every page in every language. Browsers
    must ask for it again each time they check for a new one (``no-cache``)."""
    response = HttpResponse(worker_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    """What this device holds for offline reading, the button that saves the whole knowledge
    base in this language, and, offline, the page shown in place of one not saved."""
    return render(request, "kb/offline.html")


def manifest(request: HttpRequest) -> JsonResponse:
    """The addresses of every published page in this language and the files they need,
    with the edition (content version) they make."""
    version = getattr(request, "content_version", None) or current_content_version()
    return JsonResponse(
        build_manifest(get_language(), version), json_dumps_params={"ensure_ascii": False}
    )
