"""The site's address table: public pages, the API, the admin, and what crawlers read."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from kb.reading.oembed import oembed
from kb.reading.sitemaps import SITEMAPS
from kb.reading.views import robots_txt
from kb.worker.views import service_worker

handler500 = "kb.web.health.server_error"

# The reader's pages in every language: English unprefixed (every address course material
# already links keeps answering, in English), the others under /es/, /fr/, /ar/.
urlpatterns = i18n_patterns(
    path("", include(("kb.reading.urls", "kb"))),
    # The script's strings in the page's language; they change only with a new release, so
    # browsers keep them for a day instead of asking on every page.
    path(
        "jsi18n/",
        cache_control(public=True, max_age=24 * 3600)(JavaScriptCatalog.as_view(packages=["kb"])),
        name="javascript-catalog",
    ),
    prefix_default_language=False,
)
urlpatterns += [
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
    # Unprefixed like the API: the card's language comes from the address it is asked about.
    path("oembed", oembed, name="oembed"),
    # At the root, so that it may look after every page in every language (kb.worker).
    path("service-worker.js", service_worker, name="service-worker"),
]
