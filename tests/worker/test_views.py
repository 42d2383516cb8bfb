"""The service worker's script, the offline page and the manifest of a saved copy."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from kb.models import Status, current_content_version
from kb.models.translations import content_languages
from tests.factories import make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db


def test_the_worker_is_served_from_the_root_and_asked_for_again_every_time(reader):
    response = reader.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    config = json.loads(script.split("const KB = ", 1)[1].split(";\n", 1)[0])
    # It knows every language's offline page and search, and the static files to keep.
    assert config["languages"]["en"]["offline"] == "/offline/"
    assert config["languages"]["es"]["offline"] == "/es/offline/"
    assert config["languages"]["ar"]["search"] == "/ar/search/"
    assert set(config["languages"]) == {"en", "es", "fr", "ar"}
    assert "/static/kb/site.css" in config["static"]
    assert config["version"]


def test_the_worker_runs_under_the_sites_content_security_policy(reader):
    response = reader.get("/service-worker.js")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "eval(" not in response.content.decode()


def test_the_offline_page_is_in_the_readers_language_and_links_from_every_page(reader):
    response = reader.get("/es/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert 'data-offline="es"' in html and 'data-offline-path="/es/offline/"' in html
    assert "/static/kb/offline.js" in html
    assert 'href="/ar/offline/"' in reader.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in reader.get("/ar/offline/").content.decode()


def test_the_manifest_lists_every_published_page_of_its_language_and_nothing_else(reader):
    tactic = make_tactic("Fake job offers")
    draft = make_tactic("Draft tactic", status=Status.DRAFT)
    countermeasure = make_countermeasure(counters=[tactic])
    source = make_source()
    retired = make_source(status=Status.RETIRED)
    english = [e.get_absolute_url() for e in (tactic, countermeasure, source)]
    hidden = [draft.get_absolute_url(), retired.get_absolute_url()]

    manifest = reader.get("/offline/manifest.json").json()
    assert manifest["language"] == "en"
    assert set(english) <= set(manifest["pages"])
    assert not set(hidden) & set(manifest["pages"])
    assert {"/", "/tactics/", "/countermeasures/", "/sources/"} <= set(manifest["pages"])
    assert "/offline/" in manifest["files"]

    spanish = reader.get("/es/offline/manifest.json").json()
    assert spanish["language"] == "es"
    assert f"/es{english[0]}" in spanish["pages"]
    assert all(address.startswith("/es/") for address in spanish["pages"])
    assert "/es/offline/" in spanish["files"]
    assert len(spanish["pages"]) == len(manifest["pages"])


def test_the_manifest_saves_the_offline_search_with_its_index_and_script(reader):
    make_tactic("Fake job offers")
    for prefix in ("", "/ar"):
        manifest = reader.get(f"{prefix}/offline/manifest.json").json()
        # The page a search is answered by offline, and what it needs to run.
        assert manifest["search"] == f"{prefix}/offline/search/"
        assert f"{prefix}/offline/search/" in manifest["pages"]
        assert f"{prefix}/offline/search-index.js" in manifest["files"]
        assert "/static/kb/offline-search.js" in manifest["files"]
        assert f"{prefix}/jsi18n/" in manifest["files"]
        index = reader.get(f"{prefix}/offline/search-index.js")
        assert index.status_code == 200 and "kbSearchIndex" in index.content.decode()


def test_the_manifest_names_the_edition_it_holds(reader):
    make_tactic()
    version = current_content_version()
    edition = reader.get("/fr/offline/manifest.json").json()["edition"]
    assert edition["number"] == version.number
    assert edition["id"].startswith(f"{version.number}-")
    assert str(version.number) in edition["label"]

    make_tactic()
    assert reader.get("/fr/offline/manifest.json").json()["edition"]["id"] != edition["id"]


@pytest.mark.parametrize("language", content_languages())
def test_every_language_has_its_offline_page_and_manifest(reader, language):
    prefix = "" if language == "en" else f"/{language}"
    assert reader.get(f"{prefix}/offline/").status_code == 200
    assert reader.get(f"{prefix}/offline/manifest.json")["Content-Type"] == "application/json"


def test_the_worker_is_served_with_the_hashed_static_names_of_production(reader, tmp_path):
    production_static = override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            },
        },
    )
    with production_static:
        call_command("collectstatic", interactive=False, verbosity=0)
        response = reader.get("/service-worker.js")
    assert response.status_code == 200
    config = json.loads(response.content.decode().split("const KB = ", 1)[1].split(";\n", 1)[0])
    assert config["static_url"] == "/static/"
    site_css = next(name for name in config["static"] if "site" in name and name.endswith(".css"))
    assert re.fullmatch(r"/static/kb/site\.[0-9a-f]{12}\.css", site_css)
