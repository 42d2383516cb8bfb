from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import api, views
from .api_reference import api_reference
from .downloads import views as downloads
from .feeds import CategoryTacticsFeed, LatestTacticsFeed
from .models import Countermeasure, Source, Tactic
from .sitemaps import SITEMAPS

# Public IDs look like TT-0001; any case and zero padding is accepted and redirected.
ENTRY_ID = r"(?P<public_id>[A-Za-z]{2}-[0-9]{1,9})"
SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"


def entry_routes(prefix: str, view, name: str) -> list:
    """The canonical /<prefix>/<ID>/<slug>/ and its short form /<prefix>/<ID>/."""
    return [
        re_path(rf"^{prefix}/{ENTRY_ID}/{SLUG}/$", view, name=name),
        re_path(rf"^{prefix}/{ENTRY_ID}/$", view, name=f"{name}-short"),
    ]


def history_routes(prefix: str, model, name: str) -> list:
    """An entry's public change log and its published versions."""
    return [
        re_path(
            rf"^{prefix}/{ENTRY_ID}/changes/$",
            views.entry_changes,
            {"model": model},
            name=f"{name}-changes",
        ),
        re_path(
            rf"^{prefix}/{ENTRY_ID}/v(?P<number>[0-9]{{1,6}})/$",
            views.entry_version,
            {"model": model},
            name=f"{name}-version",
        ),
    ]


def slug_route(prefix: str, model, name: str):
    """``/<prefix>/<slug>/``: every slug an entry ever had, redirected to it."""
    return re_path(rf"^{prefix}/{SLUG}/$", views.entry_by_slug, {"model": model}, name=name)


kb_patterns = [
    path("", views.home, name="home"),
    path("search/", views.site_search, name="search"),
    path("tactics/", views.tactic_list, name="tactic-list"),
    *history_routes("tactics", Tactic, "tactic"),
    *entry_routes("tactics", views.tactic_detail, "tactic-detail"),
    slug_route("tactics", Tactic, "tactic-by-slug"),
    path("countermeasures/", views.countermeasure_list, name="countermeasure-list"),
    *history_routes("countermeasures", Countermeasure, "countermeasure"),
    *entry_routes("countermeasures", views.countermeasure_detail, "countermeasure-detail"),
    slug_route("countermeasures", Countermeasure, "countermeasure-by-slug"),
    path("sources/", views.source_list, name="source-list"),
    *history_routes("sources", Source, "source"),
    *entry_routes("sources", views.source_detail, "source-detail"),
    slug_route("sources", Source, "source-by-slug"),
    path("whats-new/", views.whats_new, name="whats-new"),
    path("handout/", views.handout, name="handout"),
    path("matrix/", views.matrix, name="matrix"),
    path("downloads/", downloads.downloads, name="downloads"),
    path("downloads/kb.json", downloads.download_json, name="download-json"),
    path("downloads/<slug:name>.csv", downloads.download_csv, name="download-csv"),
    path("downloads/kb.stix.json", downloads.download_stix, name="download-stix"),
    path("feeds/tactics/", LatestTacticsFeed(), name="feed"),
    path("feeds/tactics/<slug:slug>/", CategoryTacticsFeed(), name="category-feed"),
]

router = DefaultRouter()
router.register("tactics", api.TacticViewSet, basename="tactic")
router.register("countermeasures", api.CountermeasureViewSet, basename="countermeasure")
router.register("sources", api.SourceViewSet, basename="source")
for prefix, vocabulary in api.VOCABULARY_ROUTES.items():
    router.register(prefix, api.vocabulary_viewset(vocabulary), basename=prefix)

api_patterns = [
    path("search/", api.SearchList.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_reference, name="docs"),
    *router.urls,
]

handler500 = "kb.health.server_error"

urlpatterns = [
    path("", include((kb_patterns, "kb"))),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
