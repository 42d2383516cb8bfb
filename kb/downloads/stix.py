"""A STIX 2.1 bundle of the knowledge base, for threat-intelligence platforms.

Tactics become attack patterns, countermeasures courses of action; "mitigates" and
"related-to" relationships link them; sources are external references carrying their
quotes; stages of the trafficking process are kill chain phases. Object ids are derived
from the permanent IDs (UUIDv5), so re-importing a newer bundle updates the same objects.
A report object says when the bundle was generated and from which content version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import stix2
from django.conf import settings

from . import Edition

NAMESPACE = uuid.UUID("6f1c5e56-2b7a-4d51-9d0a-5a1f6a4f3c11")  # fixed: ids must never change
KILL_CHAIN = "trafficking-process"
SPEC_VERSION = "2.1"


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


def bundle(content: dict, edition: Edition, build_url: Callable[[str], str]) -> stix2.Bundle:
    """The whole published knowledge base as one STIX 2.1 bundle."""
    author = stix2.Identity(
        id=stix_id("identity", "kb"),
        name=settings.KB_SITE_NAME,
        identity_class="organization",
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )
    common = {"created_by_ref": author.id, "spec_version": SPEC_VERSION}
    objects: list = [author]
    patterns: dict[str, str] = {}
    for tactic in content["tactics"]:
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
            **common,
        )
        patterns[tactic.public_id] = pattern.id
        objects.append(pattern)
    for countermeasure in content["countermeasures"]:
        course = stix2.CourseOfAction(
            id=stix_id("course-of-action", countermeasure.public_id),
            name=countermeasure.name,
            description=_description(countermeasure),
            created=countermeasure.created_at,
            modified=max(countermeasure.updated_at, countermeasure.created_at),
            external_references=_references(countermeasure, build_url),
            **common,
        )
        objects.append(course)
        for mitigation in countermeasure.public_mitigations:
            objects.append(_relationship("mitigates", course.id, patterns, mitigation, common))
    for tactic in content["tactics"]:
        for related in tactic.public_related_tactics:
            if tactic.pk < related.pk and related.public_id in patterns:
                objects.append(
                    stix2.Relationship(
                        id=stix_id("relationship", f"{tactic.public_id}~{related.public_id}"),
                        relationship_type="related-to",
                        source_ref=patterns[tactic.public_id],
                        target_ref=patterns[related.public_id],
                        **common,
                    )
                )
    report = stix2.Report(
        id=stix_id("report", f"edition-{edition.version}"),
        name=f"{settings.KB_SITE_NAME}, content version {edition.version}",
        description=f"Generated {edition.generated_at.isoformat()}.",
        published=edition.generated_at,
        report_types=["attack-pattern"],
        object_refs=[obj.id for obj in objects],
        **common,
    )
    return stix2.Bundle(*objects, report, allow_custom=False)


def _relationship(kind: str, source: str, patterns: dict, mitigation, common: dict):
    return stix2.Relationship(
        id=stix_id("relationship", f"{source}-{kind}-{mitigation.tactic.public_id}"),
        relationship_type=kind,
        source_ref=source,
        target_ref=patterns[mitigation.tactic.public_id],
        description=mitigation.note or None,
        **common,
    )
