"""Entries as they were at a published version, rebuilt from django-simple-history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.http import Http404
from django.utils.text import Truncator

from .models import (
    Category,
    Citation,
    Countermeasure,
    Entry,
    Indicator,
    Mitigation,
    PublishedVersion,
    Source,
    Status,
    Tactic,
    group_citations,
)


@dataclass
class TacticAsPublished:
    """What a tactic page showed at one published version: the tactic's own fields, its
    classification, indicators, countermeasures and references as they were then."""

    version: PublishedVersion
    tactic: Tactic
    category: Category | None
    terms: dict[str, list] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    mitigations: list[Mitigation] = field(default_factory=list)
    references: list = field(default_factory=list)


def _term_ids(record, name: str, term_field: str) -> list[int]:
    return [getattr(row, f"{term_field}_id") for row in getattr(record, name).all()]


def _record(entry, moment):
    record = entry.history.filter(history_date__lte=moment).order_by("-history_date").first()
    if record is None:
        raise Http404("This version's history is not available.")
    return record


def _references_as_of(moment, **entry) -> list:
    published_sources = {
        s.pk: s for s in Source.history.as_of(moment).filter(status=Status.PUBLISHED)
    }
    citations = [
        c for c in Citation.history.as_of(moment).filter(**entry)
        if c.source_id in published_sources
    ]  # fmt: skip
    for citation in citations:
        citation.source = published_sources[citation.source_id]
    citations.sort(key=lambda c: (c.position, c.pk))
    return group_citations(citations)


def _mitigations_as_of(moment, **own) -> list[Mitigation]:
    """One entry's countermeasure links as of ``moment`` (``tactic_id=`` or
    ``countermeasure_id=``), to entries on the other side that were published then."""
    other, model = ("countermeasure", Countermeasure) if "tactic_id" in own else ("tactic", Tactic)
    published = {e.pk: e for e in model.history.as_of(moment).filter(status=Status.PUBLISHED)}
    links = [
        link for link in Mitigation.history.as_of(moment).filter(**own)
        if getattr(link, f"{other}_id") in published
    ]  # fmt: skip
    for link in links:
        setattr(link, other, published[getattr(link, f"{other}_id")])
    return sorted(links, key=lambda link: getattr(link, other).name)


def tactic_as_published(version: PublishedVersion) -> TacticAsPublished:
    """Rebuild ``version`` of its tactic (a handful of queries on the history tables)."""
    moment, tactic = version.published_at, version.tactic
    record = _record(tactic, moment)
    from .models import Platform, Stage, TargetGroup, Technology

    terms = {}
    for name, model, term_field in (
        ("stages", Stage, "stage"),
        ("technologies", Technology, "technology"),
        ("platforms", Platform, "platform"),
        ("target_groups", TargetGroup, "targetgroup"),
    ):
        terms[name] = list(model.objects.filter(pk__in=_term_ids(record, name, term_field)))

    published_sources = {
        s.pk: s for s in Source.history.as_of(moment).filter(status=Status.PUBLISHED)
    }
    citations = [
        c for c in Citation.history.as_of(moment).filter(tactic_id=tactic.pk)
        if c.source_id in published_sources
    ]  # fmt: skip
    for citation in citations:
        citation.source = published_sources[citation.source_id]
    citations.sort(key=lambda c: (c.position, c.pk))

    return TacticAsPublished(
        version=version,
        tactic=record.instance,
        category=Category.objects.filter(pk=record.category_id).first(),
        terms=terms,
        indicators=sorted(
            Indicator.history.as_of(moment).filter(tactic_id=tactic.pk),
            key=lambda i: (i.position, i.pk),
        ),
        mitigations=_mitigations_as_of(moment, tactic_id=tactic.pk),
        references=_references_as_of(moment, tactic_id=tactic.pk),
    )


@dataclass
class CountermeasureAsPublished:
    """What a countermeasure page showed at one published version."""

    version: PublishedVersion
    countermeasure: Countermeasure
    actors: list = field(default_factory=list)
    mitigations: list[Mitigation] = field(default_factory=list)
    references: list = field(default_factory=list)


def countermeasure_as_published(version: PublishedVersion) -> CountermeasureAsPublished:
    """Rebuild ``version`` of its countermeasure from the history tables."""
    from .models import Actor

    moment, countermeasure = version.published_at, version.countermeasure
    record = _record(countermeasure, moment)
    return CountermeasureAsPublished(
        version=version,
        countermeasure=record.instance,
        actors=list(Actor.objects.filter(pk__in=_term_ids(record, "actors", "actor"))),
        mitigations=_mitigations_as_of(moment, countermeasure_id=countermeasure.pk),
        references=_references_as_of(moment, countermeasure_id=countermeasure.pk),
    )


@dataclass
class SourceAsPublished:
    """What a source page showed at one published version."""

    version: PublishedVersion
    source: Source


def source_as_published(version: PublishedVersion) -> SourceAsPublished:
    """Rebuild ``version`` of its source from the history tables."""
    return SourceAsPublished(version, _record(version.source, version.published_at).instance)


AS_PUBLISHED = {
    Tactic: tactic_as_published,
    Countermeasure: countermeasure_as_published,
    Source: source_as_published,
}


# --- restoring an entry's parts with an earlier version of the entry ----------------------

PARTS = {
    Tactic: ((Indicator, "tactic"), (Citation, "tactic"), (Mitigation, "tactic")),
    Countermeasure: ((Citation, "countermeasure"), (Mitigation, "countermeasure")),
    Source: (),
}
"""The records edited inline with each kind of entry, and their link to it."""


def parts_moment(record) -> datetime | None:
    """When the entry's parts were as they went with the historical ``record``: up to the
    entry's next change (an admin save writes the entry, then its parts), or now."""
    later = (
        type(record)
        .objects.filter(id=record.id, history_date__gt=record.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return later - timedelta(microseconds=1) if later else None


def _describe(part) -> str:
    # Not str(part): that may name the very record that no longer exists.
    text = getattr(part, "quote", None) or getattr(part, "text", None) or f"#{part.pk}"
    return Truncator(text).chars(80)


def restore_parts(entry: Entry, moment: datetime | None) -> list[str]:
    """Bring the entry's indicators, citations and countermeasure links back to what they
    were at ``moment`` (None: as they are now): those added since go, those removed come
    back, those edited get their old text. A part that refers to a record deleted since
    cannot come back; the returned messages say which."""
    if moment is None:
        return []
    skipped = []
    for model, link in PARTS[type(entry)]:
        wanted = {
            part.pk: part for part in model.history.as_of(moment).filter(**{f"{link}_id": entry.pk})
        }
        model.objects.filter(**{link: entry}).exclude(pk__in=wanted).delete()
        links = [field for field in model._meta.concrete_fields if field.is_relation]
        # One query per kind of link, whatever the number of parts.
        existing = {
            field: set(
                field.related_model._base_manager.filter(
                    pk__in={getattr(part, field.attname) for part in wanted.values()}
                ).values_list("pk", flat=True)
            )
            for field in links
        }
        for part in wanted.values():
            gone = [
                str(field.verbose_name)
                for field in links
                if (target := getattr(part, field.attname)) is not None
                and target not in existing[field]
            ]
            if gone:
                skipped.append(
                    f"The {model._meta.verbose_name} “{_describe(part)}” was not restored: "
                    f"its {', '.join(gone)} has been deleted since."
                )
                continue
            part.save()
    return skipped
