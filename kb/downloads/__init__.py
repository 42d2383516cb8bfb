"""Bulk downloads of the published knowledge base: JSON, CSV and a STIX 2.1 bundle.

Every file says when it was generated and which version of the content it holds. The
content version is the time of the latest change to any published entry, so two files
with the same version hold the same content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from kb.models import Countermeasure, Source, Tactic


@dataclass(frozen=True)
class Edition:
    """When a download was generated, and from which version of the content."""

    generated_at: datetime
    content_updated_at: datetime | None

    @property
    def version(self) -> str:
        moment = self.content_updated_at
        return moment.strftime("%Y%m%dT%H%M%SZ") if moment else "empty"

    @property
    def file_stem(self) -> str:
        return f"kb-{self.version}"


def current_edition() -> Edition:
    """The edition a download made now belongs to (three small aggregate queries)."""
    latest = [
        model.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        for model in (Tactic, Countermeasure, Source)
    ]
    known = [moment for moment in latest if moment]
    return Edition(timezone.now(), max(known) if known else None)


def published_content() -> dict:
    """Everything published, loaded with its relations in a fixed number of queries."""
    return {
        "tactics": list(Tactic.objects.published().for_page().order_by("pk")),
        "countermeasures": list(Countermeasure.objects.published().for_page().order_by("pk")),
        "sources": list(Source.objects.published().for_page().order_by("pk")),
    }
