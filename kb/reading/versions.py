"""Entries as they were at a published version, rebuilt from django-simple-history: what a
version page (``/tactics/TT-0001/v2/``) shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import Http404
from simple_history.manager import HistoryManager

from kb.models import (
    Actor,
    Category,
    Citation,
    Countermeasure,
    Entry,
    Indicator,
    Mitigation,
    Platform,
    PublishedVersion,
    Source,
    Stage,
    Status,
    Tactic,
    TargetGroup,
    Technology,
    Vocabulary,
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

    @property
    def entry(self) -> Tactic:
        """The entry as this version published it."""
        return self.tactic


_managers: dict[tuple[type, str], HistoryManager] = {}


def _history(owner: type, name: str = "history") -> HistoryManager:
    """``owner.history`` (or the history of its many-to-many field ``name``), made once:
    django-simple-history builds a new manager class each time the attribute is read,
    inspecting the queryset class, which a version page would otherwise pay a dozen times."""
    manager = _managers.get((owner, name))
    if manager is None:
        manager = _managers[owner, name] = getattr(owner, name)
    return manager


def _terms_of(record, name: str, model: type[Vocabulary], term_field: str) -> list:
    """The terms of ``model`` that ``record`` (a historical entry) carried in its many-to-many
    field ``name``, under their current names; a term deleted since is left out."""
    linked = _history(type(record), name).filter(history=record).values(f"{term_field}_id")
    return list(model._default_manager.filter(pk__in=linked))


def _record(entry, moment, *related: str):
    """The entry's historical record as of ``moment``, with the current rows of its foreign
    keys ``related`` (None for a row deleted since)."""
    records = _history(type(entry)).filter(id=entry.pk, history_date__lte=moment)
    record = records.select_related(*related).order_by("-history_date").first()
    if record is None:
        raise Http404("This version's history is not available.")
    return record


def _published_as_of(model: type[Entry], moment, ids: set[int]) -> dict[int, Entry]:
    """The entries among ``ids`` that were published at ``moment``, as they stood then.

    Only those rows are read: a page linking to three sources reads three, whatever the
    size of the knowledge base."""
    if not ids:
        return {}
    entries = _history(model).as_of(moment).filter(id__in=ids, status=Status.PUBLISHED)
    return {entry.pk: entry for entry in entries}


def _references_as_of(moment, **entry) -> list:
    """One entry's citations as of ``moment`` (``tactic_id=`` or ``countermeasure_id=``),
    of sources that were published then, grouped into its numbered reference list."""
    citations = list(_history(Citation).as_of(moment).filter(**entry))
    sources = _published_as_of(Source, moment, {c.source_id for c in citations})
    citations = [c for c in citations if c.source_id in sources]
    for citation in citations:
        citation.source = sources[citation.source_id]
    citations.sort(key=lambda c: (c.position, c.pk))
    return group_citations(citations)


def _mitigations_as_of(moment, **own) -> list[Mitigation]:
    """One entry's countermeasure links as of ``moment`` (``tactic_id=`` or
    ``countermeasure_id=``), to entries on the other side that were published then."""
    other, model = ("countermeasure", Countermeasure) if "tactic_id" in own else ("tactic", Tactic)
    links = list(_history(Mitigation).as_of(moment).filter(**own))
    published = _published_as_of(model, moment, {getattr(link, f"{other}_id") for link in links})
    links = [link for link in links if getattr(link, f"{other}_id") in published]
    for link in links:
        setattr(link, other, published[getattr(link, f"{other}_id")])
    return sorted(links, key=lambda link: getattr(link, other).name)


def tactic_as_published(version: PublishedVersion) -> TacticAsPublished:
    """Rebuild ``version`` of its tactic from the history tables, reading only the rows it
    links to (a fixed number of queries, whatever the size of the knowledge base)."""
    moment, tactic = version.published_at, version.tactic
    assert tactic is not None, "a tactic's version"
    record = _record(tactic, moment, "category")
    terms = {
        name: _terms_of(record, name, model, term_field)
        for name, model, term_field in (
            ("stages", Stage, "stage"),
            ("technologies", Technology, "technology"),
            ("platforms", Platform, "platform"),
            ("target_groups", TargetGroup, "targetgroup"),
        )
    }

    return TacticAsPublished(
        version=version,
        tactic=record.instance,
        category=record.category,
        terms=terms,
        indicators=sorted(
            _history(Indicator).as_of(moment).filter(tactic_id=tactic.pk),
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

    @property
    def entry(self) -> Countermeasure:
        """The entry as this version published it."""
        return self.countermeasure


def countermeasure_as_published(version: PublishedVersion) -> CountermeasureAsPublished:
    """Rebuild ``version`` of its countermeasure from the history tables."""
    moment, countermeasure = version.published_at, version.countermeasure
    assert countermeasure is not None, "a countermeasure's version"
    record = _record(countermeasure, moment)
    return CountermeasureAsPublished(
        version=version,
        countermeasure=record.instance,
        actors=_terms_of(record, "actors", Actor, "actor"),
        mitigations=_mitigations_as_of(moment, countermeasure_id=countermeasure.pk),
        references=_references_as_of(moment, countermeasure_id=countermeasure.pk),
    )


@dataclass
class SourceAsPublished:
    """What a source page showed at one published version."""

    version: PublishedVersion
    source: Source

    @property
    def entry(self) -> Source:
        """The entry as this version published it."""
        return self.source


def source_as_published(version: PublishedVersion) -> SourceAsPublished:
    """Rebuild ``version`` of its source from the history tables."""
    return SourceAsPublished(version, _record(version.source, version.published_at).instance)


AsPublished = TacticAsPublished | CountermeasureAsPublished | SourceAsPublished

AS_PUBLISHED: dict[type[Entry], Callable[[PublishedVersion], AsPublished]] = {
    Tactic: tactic_as_published,
    Countermeasure: countermeasure_as_published,
    Source: source_as_published,
}
