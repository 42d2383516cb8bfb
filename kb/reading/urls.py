"""The public pages' addresses (the ``kb`` namespace).

Entry addresses are made of converters that never overlap, so the table does not depend on
the order of its routes: a public ID (``TT-0001``) is never a slug, and no entry slug is
``changes`` or ``v2`` (kb.models.workflow.validate_entry_slug refuses them).
"""

from __future__ import annotations

from django.urls import path, register_converter

from kb.downloads import views as downloads
from kb.models import Countermeasure, Source, Tactic
from kb.models.workflow import ENTRY_SLUG_PATTERN, PUBLIC_ID_PATTERN
from kb.offline import views as offline
from kb.reading import about, embeds, handouts, help, previews, suggestions, views
from kb.reading.feeds import CategoryTacticsFeed, LatestTacticsFeed
from kb.worker import urls as worker


class PublicIdConverter:
    """A permanent ID in any case and zero padding (``TT-0001``, ``tt-1``); the view
    redirects to the canonical spelling."""

    regex = PUBLIC_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class EntrySlugConverter(PublicIdConverter):
    """An entry's slug: never a public ID, ``changes`` or a version (``v2``)."""

    regex = ENTRY_SLUG_PATTERN


class VersionNumberConverter:
    regex = "[0-9]{1,6}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(PublicIdConverter, "public_id")
register_converter(EntrySlugConverter, "entry_slug")
register_converter(VersionNumberConverter, "version")


def entry_routes(prefix: str, model: type, detail, name: str) -> list:
    """An entry's page (canonical, and short without the slug), its public change log, its
    published versions, and any slug it ever had."""
    model_args = {"model": model}
    return [
        path(f"{prefix}/<public_id:public_id>/<entry_slug:slug>/", detail, name=f"{name}-detail"),
        path(f"{prefix}/<public_id:public_id>/", detail, name=f"{name}-detail-short"),
        path(
            f"{prefix}/<public_id:public_id>/changes/",
            views.entry_changes,
            model_args,
            name=f"{name}-changes",
        ),
        path(
            f"{prefix}/<public_id:public_id>/v<version:number>/",
            views.entry_version,
            model_args,
            name=f"{name}-version",
        ),
        path(
            f"{prefix}/<entry_slug:slug>/", views.entry_by_slug, model_args, name=f"{name}-by-slug"
        ),
        # Its link preview picture, and smaller copies (kb/reading/previews.py).
        path(
            f"{prefix}/<public_id:public_id>/preview.png",
            previews.entry_image,
            model_args,
            name=f"{name}-preview",
        ),
        path(
            f"{prefix}/<public_id:public_id>/preview-<int:width>.png",
            previews.entry_image,
            model_args,
            name=f"{name}-preview-sized",
        ),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.site_search, name="search"),
    path("tactics/", views.tactic_list, name="tactic-list"),
    *entry_routes("tactics", Tactic, views.tactic_detail, "tactic"),
    path("countermeasures/", views.countermeasure_list, name="countermeasure-list"),
    *entry_routes("countermeasures", Countermeasure, views.countermeasure_detail, "countermeasure"),
    path("sources/", views.source_list, name="source-list"),
    *entry_routes("sources", Source, views.source_detail, "source"),
    path("whats-new/", views.whats_new, name="whats-new"),
    path("handout/", handouts.handout, name="handout"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/poster/", handouts.matrix_poster, name="matrix-poster"),
    path("downloads/", downloads.downloads, name="downloads"),
    path("downloads/kb.json", downloads.download_json, name="download-json"),
    path("downloads/<slug:name>.csv", downloads.download_csv, name="download-csv"),
    path("downloads/kb.stix.json", downloads.download_stix, name="download-stix"),
    path("downloads/kb-offline.zip", downloads.download_offline_copy, name="download-offline"),
    path(
        "downloads/kb-offline-all-languages.zip",
        downloads.download_offline_copy_of_every_language,
        name="download-offline-all",
    ),
    path("about/", about.about, name="about"),
    path("offline/search/", offline.offline_search, name="offline-search"),
    path("offline/search-index.js", offline.offline_search_index, name="offline-search-index"),
    path("suggest/", suggestions.suggest, name="suggest"),
    path("help/", help.get_help, name="get-help"),
    path("suggest/thanks/", suggestions.suggest_thanks, name="suggest-thanks"),
    path("preview.png", previews.site_image, name="site-preview"),
    path("preview-<int:width>.png", previews.site_image, name="site-preview-sized"),
    path("embed/<public_id:public_id>/", embeds.embed, name="embed"),
    path(
        "embed/<public_id:public_id>/v<version:number>/",
        embeds.embed_version,
        name="embed-version",
    ),
    path("feeds/tactics/", LatestTacticsFeed(), name="feed"),
    path("feeds/tactics/<slug:slug>/", CategoryTacticsFeed(), name="category-feed"),
    *worker.urlpatterns,
    # Short permanent links (/TT-0001/, any kind of entry): printed on handouts and posters.
    path("<public_id:public_id>/", handouts.short_link, name="short-link"),
]
