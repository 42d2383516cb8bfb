"""A STIX 2.1 bundle of the knowledge base, for threat-intelligence platforms.

Tactics become attack patterns, countermeasures courses of action; "mitigates" and
"related-to" relationships link them; sources are external references carrying their
quotes; stages of the trafficking process are kill chain phases. Object ids are derived
from the permanent IDs (UUIDv5), so re-importing a newer bundle updates the same objects.
A report object says when the bundle was generated and from which content version.

An object's ``description`` is its summary and description as the editors wrote them
(Markdown); ``x_kb_description_html`` holds the same rendered to sanitised HTML. It is a
top-level property extension, described by the bundle's extension definition, as STIX 2.1
asks of properties of one's own.

The bundle is written an object at a time as the entries are read, so that its size does
not decide the memory it takes; only the objects' ids are kept, for the report.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TextIO

import stix2
from django.conf import settings
from django.utils.html import escape

from kb.markdown import render_markdown
from kb.models import Countermeasure, Tactic

from . import SiteAddress, read_in_chunks
from .editions import Edition

NAMESPACE = uuid.UUID("6f1c5e56-2b7a-4d51-9d0a-5a1f6a4f3c11")  # fixed: ids must never change
KILL_CHAIN = "trafficking-process"
SPEC_VERSION = "2.1"
# Fixed, like NAMESPACE: platforms know the definition by this date.
DEFINED = "2026-01-01T00:00:00Z"
HTML_PROPERTY = "x_kb_description_html"


def stix_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"


def _references(entry, build_url: Callable[[str], str]) -> list[dict]:
    own = {
        "source_name": settings.KB_SITE_NAME,
        "external_id": entry.public_id,
        "url": build_url(entry.get_absolute_url()),
    }
    cited = []
    for reference in entry.references():
        source = reference.source
        quotes = " | ".join(
            f"“{c.quote}” ({c.locator})" if c.locator else f"“{c.quote}”"
            for c in reference.citations
        )
        item = {
            "source_name": source.title,
            "external_id": source.public_id,
            "description": f"{source.publisher}, {source.date_display}. Quotes: {quotes}",
        }
        if source.url:
            item["url"] = source.url
        cited.append(item)
    return [own, *cited]


def _description(entry) -> str:
    return f"{entry.summary}\n\n{entry.description}".strip()


def _description_html(entry) -> str:
    """The summary (plain text) and the description (Markdown) as sanitised HTML."""
    summary = f"<p>{escape(entry.summary)}</p>" if entry.summary else ""
    return summary + render_markdown(entry.description)


class _BundleWriter:
    """Writes a bundle's objects one at a time, one a line (as kb.json writes its entries),
    and keeps their ids."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.ids: list[str] = []
        out.write('{\n    "type": "bundle",\n    "id": ')
        out.write(json.dumps(f"bundle--{uuid.uuid4()}"))
        out.write(',\n    "objects": [')

    def add(self, obj, *, keep_id: bool = True) -> None:
        self.out.write("\n        " if not self.ids else ",\n        ")
        self.out.write(obj.serialize(ensure_ascii=False))
        if keep_id:
            self.ids.append(obj.id)

    def close(self) -> None:
        self.out.write("\n    ]\n}\n")


def write_bundle(out: TextIO, edition: Edition, site: SiteAddress, *, chunk_size: int) -> None:
    """Write the whole published knowledge base to ``out`` as one STIX 2.1 bundle."""
    build_url = site.build_absolute_uri
    author = stix2.Identity(
        id=stix_id("identity", "kb"),
        name=settings.KB_SITE_NAME,
        identity_class="organization",
        created=DEFINED,
        modified=DEFINED,
    )
    common = {"created_by_ref": author.id, "spec_version": SPEC_VERSION}
    html_extension = stix2.ExtensionDefinition(
        id=stix_id("extension-definition", HTML_PROPERTY),
        name=f"{HTML_PROPERTY}: descriptions as sanitised HTML",
        description=(
            "In attack patterns and courses of action, description is Markdown as the editors "
            f"wrote it; {HTML_PROPERTY} is the same text rendered to HTML and sanitised with "
            "the site's allow-list (no scripts, styles, images or frames)."
        ),
        schema=build_url("/downloads/"),
        version="1.0.0",
        extension_types=["toplevel-property-extension"],
        extension_properties=[HTML_PROPERTY],
        created=DEFINED,
        modified=DEFINED,
        created_by_ref=author.id,
    )
    extended = {
        "extensions": {html_extension.id: {"extension_type": "toplevel-property-extension"}},
        "allow_custom": True,
    }
    bundle = _BundleWriter(out)
    bundle.add(author)
    bundle.add(html_extension)
    tactics = Tactic.objects.published().for_page().order_by("pk")
    for tactic in read_in_chunks(tactics, chunk_size):
        pattern = stix2.AttackPattern(
            id=stix_id("attack-pattern", tactic.public_id),
            name=tactic.name,
            description=_description(tactic),
            created=tactic.created_at,
            modified=max(tactic.updated_at, tactic.created_at),
            external_references=_references(tactic, build_url),
            kill_chain_phases=[
                {"kill_chain_name": KILL_CHAIN, "phase_name": stage.slug}
                for stage in tactic.stages.all()
            ]
            or None,
            **{HTML_PROPERTY: _description_html(tactic)},
            **extended,
            **common,
        )
        bundle.add(pattern)
        for related in tactic.public_related_tactics:
            if tactic.pk < related.pk:
                bundle.add(
                    stix2.Relationship(
                        id=stix_id("relationship", f"{tactic.public_id}~{related.public_id}"),
                        relationship_type="related-to",
                        source_ref=pattern.id,
                        target_ref=stix_id("attack-pattern", related.public_id),
                        **common,
                    )
                )
    countermeasures = Countermeasure.objects.published().for_page().order_by("pk")
    for countermeasure in read_in_chunks(countermeasures, chunk_size):
        course = stix2.CourseOfAction(
            id=stix_id("course-of-action", countermeasure.public_id),
            name=countermeasure.name,
            description=_description(countermeasure),
            created=countermeasure.created_at,
            modified=max(countermeasure.updated_at, countermeasure.created_at),
            external_references=_references(countermeasure, build_url),
            **{HTML_PROPERTY: _description_html(countermeasure)},
            **extended,
            **common,
        )
        bundle.add(course)
        for mitigation in countermeasure.public_mitigations:
            bundle.add(_mitigates(course.id, mitigation, common))
    report = stix2.Report(
        id=stix_id("report", f"edition-{edition.version}"),
        name=f"{settings.KB_SITE_NAME}, content version {edition.version}",
        description=(
            f"Generated {edition.generated_at.isoformat()}. Descriptions are Markdown; "
            f"{HTML_PROPERTY} holds them as sanitised HTML."
        ),
        published=edition.generated_at,
        report_types=["attack-pattern"],
        object_refs=bundle.ids,
        **common,
    )
    bundle.add(report, keep_id=False)
    bundle.close()


def _mitigates(course: str, mitigation, common: dict) -> stix2.Relationship:
    return stix2.Relationship(
        id=stix_id("relationship", f"{course}-mitigates-{mitigation.tactic.public_id}"),
        relationship_type="mitigates",
        source_ref=course,
        target_ref=stix_id("attack-pattern", mitigation.tactic.public_id),
        description=mitigation.note or None,
        **common,
    )
