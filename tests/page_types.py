"""One address of each page type a reader meets, in the seed content (``manage.py seed``),
for the tests that measure every page type: its weight (tests/web/test_page_weight.py) and
its load time on a slow connection (tests/browser/test_slow_connections.py)."""

from __future__ import annotations

from django.utils import translation

from kb.models import Countermeasure, Source, Tactic


def page_addresses(language: str) -> dict[str, str]:
    """Each page type's address in ``language``, as a reader reaches it (no redirect)."""
    tactic = Tactic.objects.get(public_id="TT-0003")
    countermeasure = Countermeasure.objects.get(public_id="CM-0001")
    source = Source.objects.get(public_id="SR-0001")
    with translation.override(language):
        prefix = "" if language == "en" else f"/{language}"
        return {
            "home": prefix + "/",
            "tactic list": prefix + "/tactics/",
            "filtered list": prefix + "/tactics/?technology=gps",
            "search": prefix + "/search/?q=gps",
            "tactic page": tactic.get_absolute_url(),
            "countermeasure page": countermeasure.get_absolute_url(),
            "source page": source.get_absolute_url(),
            "matrix": prefix + "/matrix/",
            "version page": prefix + f"/tactics/{tactic.public_id}/v1/",
            "change log": prefix + f"/tactics/{tactic.public_id}/changes/",
            "what's new": prefix + "/whats-new/",
            "downloads page": prefix + "/downloads/",
            "handout": prefix + f"/handout/?ids={tactic.public_id}",
            "about": prefix + "/about/",
            "get help": prefix + "/help/",
            "embed card": prefix + f"/embed/{tactic.public_id}/",
        }
