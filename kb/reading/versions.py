"""Entries as they were at a published version, rebuilt from django-simple-history: what a
version page (``/tactics/TT-0001/v2/``) shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from kb.models import (
    Category,
    Citation,
    Countermeasure,
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
    assert tactic is not None, "a tactic's version"
    record = _record(tactic, moment)
    from kb.models import Platform, Stage, TargetGroup, Technology

    terms = {}
    for name, model, term_field in (
        ("stages", Stage, "stage"),
        ("technologies", Technology, "technology"),
        ("platforms", Platform, "platform"),
        ("target_groups", TargetGroup, "targetgroup"),
    ):
        terms[name] = list(model.objects.filter(pk__in=_term_ids(record, name, term_field)))

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
    from kb.models import Actor

    moment, countermeasure = version.published_at, version.countermeasure
    assert countermeasure is not None, "a countermeasure's version"
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
