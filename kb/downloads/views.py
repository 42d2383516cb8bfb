"""The downloads page, and the built files it lists, served as files.

A request never builds anything. It is served the edition of the current content version
when that is built; otherwise the previous edition, marked as such (``KB-Edition:
previous``), while the current one is built in the background (kb.downloads.build); and a
503 "being prepared" page, with ``Retry-After``, when no edition has been built at all.

The page and its files are in the language of the address: /es/downloads/ offers, and
/es/downloads/kb.json serves, the Spanish files (kb.es.json, the offline copy
kb-offline.es.zip); the unprefixed addresses the English ones, as they always have. The
STIX bundle and the offline copy of every language are the same file at every address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from kb.licence import link_licence
from kb.models import ContentVersion, current_content_version
from kb.models.translations import language_name, reading_language

from .build import build_in_background
from .editions import (
    CSV_FILES,
    FILES,
    Edition,
    edition_of,
    latest_edition,
    stored_name,
    version_label,
)
from .serving import file_response

RETRY_AFTER_SECONDS = 60


def _current_version(request: HttpRequest) -> ContentVersion:
    # The page cache has read it already for an anonymous reader (kb.caching).
    version = getattr(request, "content_version", None)
    return version if version is not None else current_content_version()


def _edition_to_serve(version: ContentVersion) -> Edition | None:
    """The current version's edition; else the latest built, after starting a build."""
    edition = edition_of(version)
    if edition is None:
        if settings.KB_DOWNLOADS_BUILD_IN_BACKGROUND:
            build_in_background(after_failure_wait=True)
        edition = latest_edition()
    return edition


def _listed(name: str, edition: Edition | None) -> dict:
    """What the downloads page says of one file, in the page's language."""
    stored = stored_name(name, reading_language())
    return {
        "name": stored,
        "stem": name.removesuffix(".csv"),
        "description": FILES[name].description,
        # An edition built before the files were translated has no size for them.
        "bytes": edition.files.get(stored, {}).get("bytes") if edition else None,
    }


def downloads(request: HttpRequest) -> HttpResponse:
    """Every bulk download, with the content version the files hold."""
    version = _current_version(request)
    edition = _edition_to_serve(version)
    current = edition is not None and edition.is_of(version)
    response = render(
        request,
        "kb/downloads.html",
        {
            "edition": edition,
            "current": current,
            "current_version": version_label(version.changed_at),
            "files_language": language_name(reading_language()),
            "json_file": _listed("kb.json", edition),
            "csv_files": [_listed(name, edition) for name in CSV_FILES],
            "stix_file": _listed("kb.stix.json", edition),
            "offline_file": _listed("kb-offline.zip", edition),
            "offline_file_of_every_language": _listed("kb-offline-all-languages.zip", edition),
        },
    )
    link_licence(response)
    if not current:
        # Says "being prepared" until the build is done, with no change to the content
        # version to tell the page cache: it must not be kept.
        add_never_cache_headers(response)
    return response


def being_prepared(request: HttpRequest, version: ContentVersion) -> HttpResponse:
    """503: no edition has been built yet; come back in a minute."""
    response = render(
        request,
        "kb/downloads_being_prepared.html",
        {"current_version": version_label(version.changed_at)},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def serve(request: HttpRequest, name: str) -> HttpResponseBase:
    """The file ``name`` of the edition to serve (see the module's docstring), in the
    language of the address."""
    version = _current_version(request)
    stored = stored_name(name, reading_language())
    for _ in range(2):
        edition = _edition_to_serve(version)
        if edition is None:
            return being_prepared(request, version)
        try:
            file = open(edition.path(stored), "rb")  # noqa: SIM115 (the response closes it)
        except FileNotFoundError:
            # A newer edition replaced it a moment ago (look again), or the edition was
            # built before this file existed (its successor is being built).
            continue
        response = file_response(
            request,
            file,
            content_type=FILES[name].content_type,
            filename=edition.download_name(stored),
            etag=edition.etag(stored),
            last_modified=edition.generated_at,
        )
        response["KB-Content-Version"] = edition.version
        response["KB-Edition"] = "current" if edition.is_of(version) else "previous"
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        # CSV has no place for metadata of its own: every file says its licence here.
        link_licence(response)
        return response
    return being_prepared(request, version)


def download_json(request: HttpRequest) -> HttpResponseBase:
    """Everything published, as the API's detail objects, in one JSON document."""
    return serve(request, "kb.json")


def download_csv(request: HttpRequest, name: str) -> HttpResponseBase:
    """One CSV file of the published content."""
    if f"{name}.csv" not in CSV_FILES:
        raise Http404("No such file.")
    return serve(request, f"{name}.csv")


def download_stix(request: HttpRequest) -> HttpResponseBase:
    """The published content as a STIX 2.1 bundle."""
    return serve(request, "kb.stix.json")


def download_offline_copy(request: HttpRequest) -> HttpResponseBase:
    """The offline copy in the language of the address: a zip of static pages."""
    return serve(request, "kb-offline.zip")


def download_offline_copy_of_every_language(request: HttpRequest) -> HttpResponseBase:
    """The offline copy of every language: a zip of static pages, with the switcher."""
    return serve(request, "kb-offline-all-languages.zip")
