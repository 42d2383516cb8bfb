"""The site's address table: public pages, the API, the admin, and what crawlers read."""

from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from kb.reading.sitemaps import SITEMAPS
from kb.reading.views import robots_txt

handler500 = "kb.web.health.server_error"

urlpatterns = [
    path("", include(("kb.reading.urls", "kb"))),
    path("api/", include(("kb.api.urls", "api"))),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-part"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemaps.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-part"),
    path("robots.txt", robots_txt, name="robots"),
]
