"""What the service worker is told: the addresses it keeps ready for each language, and the
manifest of a saved copy (every published page of one language, and the files they need).

A saved copy is one *edition*: the content version it was made at. The worker compares the
edition of the copy it holds with the manifest's when the reader is online, and saves the
new edition beside the old one before it drops the old one (static/kb/service-worker.js).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.templatetags.static import PrefixNode, static
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from kb.models import ContentVersion
from kb.offline.pages import published_pages

WORKER_SOURCE = Path(__file__).with_name("service_worker.js")

# Every page needs these (base.html, the handout tray in its header), the offline page its
# own script, and the offline search page the search script.
STATIC_FILES = (
    "kb/site.css",
    "kb/site.js",
    "kb/handout.js",
    "kb/offline.js",
    "kb/offline-search.js",
)


def language_shell(language: str) -> dict[str, str]:
    """The addresses the worker needs in ``language`` before anything is saved: where the
    language's pages live, its offline page, its search, its scripts' strings, its manifest."""
    with translation.override(language):
        return {
            "home": reverse("kb:home"),
            "offline": reverse("kb:offline"),
            "search": reverse("kb:search"),
            "catalog": reverse("javascript-catalog"),
            "manifest": reverse("kb:offline-manifest"),
            "offline_search": reverse("kb:offline-search"),
            "search_index": reverse("kb:offline-search-index"),
        }


def worker_config() -> dict[str, Any]:
    """What the worker script starts from (kb.worker.views.service_worker): the static files
    it keeps (their hashed names in production, so a new release gives a new worker) and
    each language's addresses. ``version`` changes whenever the script or any of these does."""
    config: dict[str, Any] = {
        "default": settings.LANGUAGE_CODE,
        "languages": {code: language_shell(code) for code, _ in settings.LANGUAGES},
        # Not static(""): with the hashed names of production, that asks the manifest for a
        # file named "" and raises (the worker answered 500 wherever DEBUG was off).
        "static_url": PrefixNode.handle_simple("STATIC_URL"),
        "static": [static(name) for name in STATIC_FILES],
    }
    text = json.dumps(config, sort_keys=True) + WORKER_SOURCE.read_text()
    config["version"] = hashlib.sha256(text.encode()).hexdigest()[:12]
    return config


def worker_script() -> str:
    """The worker's source, preceded by its configuration."""
    config = json.dumps(worker_config(), ensure_ascii=False, sort_keys=True)
    return f'"use strict";\nconst KB = {config};\n{WORKER_SOURCE.read_text()}'


def edition(version: ContentVersion) -> dict[str, Any]:
    """The edition a copy saved at ``version`` holds, as the reader is shown it."""
    changed = timezone.localtime(version.changed_at)
    return {
        "id": f"{version.number}-{int(changed.timestamp())}",
        "number": version.number,
        "changed_at": changed.isoformat(),
        "label": gettext("Edition %(number)s, %(date)s")
        % {"number": version.number, "date": formats.date_format(changed, "DATE_FORMAT")},
    }


def build_manifest(language: str, version: ContentVersion) -> dict[str, Any]:
    """Everything a saved copy of the knowledge base in ``language`` holds."""
    shell = language_shell(language)
    return {
        "language": language,
        "edition": edition(version),
        "pages": published_pages(language),
        # The search index and scripts too: the worker keeps the static files from its
        # installation, but a saved copy should hold all its offline search needs.
        "files": [shell["offline"], shell["catalog"], shell["search_index"]]
        + [static(name) for name in STATIC_FILES],
        "search": shell["offline_search"],
    }
