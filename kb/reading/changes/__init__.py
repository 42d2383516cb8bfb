"""What each published version of an entry changed, in readers' words and language: the
public change log, What's new, the version line of an entry's page and a version's page.

Each version is compared with the entry's previous published version, both rebuilt from
django-simple-history as readers saw them at the moments they were published
(``history.PublishedHistory``): the entry's own texts, its red flags, its citations of
published sources and its links to published entries. A change is said once, counted
("2 red flags added"), naming the source or linked entry where that helps; a translation
counts apart from the English, a quote's translation apart from the entry's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

from kb.models import Countermeasure, Entry, PublishedVersion, Source, Tactic
from kb.models.translations import SOURCE_LANGUAGE, column, translated_names, translation_languages

from .history import OTHER_SIDE, PublishedHistory, Snapshot
from .words import Change

__all__ = ["Change", "describe", "with_changes"]

#: A source's fields that readers see as its publication details.
SOURCE_DETAILS = (
    "publisher",
    "authors",
    "kind",
    "published_on",
    "date_precision",
    "dateline",
    "url",
    "archive_url",
)


def _entry_of(version: PublishedVersion) -> tuple[type[Entry], int]:
    """The kind and id of the version's entry, without reading the entry."""
    for model, key in ((Tactic, "tactic_id"), (Countermeasure, "countermeasure_id")):
        if pk := getattr(version, key):
            return model, pk
    return Source, version.source_id or 0


def _previous_moments(
    versions: list[PublishedVersion], given: list[PublishedVersion]
) -> dict[tuple, datetime]:
    """When the version before each of ``versions`` was published, by (kind, id, number):
    from the versions ``given`` when they hold it (a change log), else in one query."""
    moments = {(*_entry_of(v), v.number): v.published_at for v in given}
    missing = [v for v in versions if (*_entry_of(v), v.number - 1) not in moments]
    if missing:
        wanted = Q(pk__in=[])
        for v in missing:
            model, pk = _entry_of(v)
            wanted |= Q(**{str(model._meta.model_name): pk, "number": v.number - 1})
        for row in PublishedVersion.objects.filter(wanted).only(
            "tactic", "countermeasure", "source", "number", "published_at"
        ):
            moments[(*_entry_of(row), row.number)] = row.published_at
    return moments


def describe(versions: Iterable[PublishedVersion]) -> dict[int, list[Change]]:
    """What each of ``versions`` changed since its entry's previous published version, by
    version id, in a fixed number of queries however many versions and entries."""
    given = list(versions)
    described = {v.pk: [Change("first_published")] for v in given if v.number == 1}
    # A first version changed nothing before it: only later ones read the history.
    versions = [v for v in given if v.number > 1]
    if not versions:
        return described
    previous = _previous_moments(versions, given)
    wanted: dict[type[Entry], dict[int, set[datetime]]] = {}
    for version in versions:
        model, pk = _entry_of(version)
        moments = wanted.setdefault(model, {}).setdefault(pk, set())
        moments.add(version.published_at)
        if (earlier := previous.get((model, pk, version.number - 1))) is not None:
            moments.add(earlier)
    history = PublishedHistory(wanted)
    for version in versions:
        model, pk = _entry_of(version)
        after = history.snapshot(model, pk, version.published_at)
        before_moment = previous.get((model, pk, version.number - 1))
        before = history.snapshot(model, pk, before_moment) if before_moment else None
        if before_moment is None or before is None or after is None:
            # A history cut short (content loaded without it): nothing to compare.
            described[version.pk] = [Change("not_recorded")]
            continue
        between = (before_moment, version.published_at)
        described[version.pk] = _compare(model, before, after, history, between)
    return described


def with_changes(versions: Iterable[PublishedVersion]) -> list[PublishedVersion]:
    """``versions``, each with ``changes``: what it changed (see ``describe``)."""
    versions = list(versions)
    described = describe(versions)
    for version in versions:
        version.changes = described[version.pk]  # type: ignore[attr-defined]
    return versions


def _english(record, name: str) -> str:
    return getattr(record, column(name, SOURCE_LANGUAGE)) or ""


def _compare(
    model: type[Entry], before: Snapshot, after: Snapshot, history: PublishedHistory, moments
) -> list[Change]:
    """Every change readers see from ``before`` to ``after``, in the page's order: the
    entry's own texts, red flags, sources and quotes, links, then translations."""
    old, new = before.record, after.record
    changes: list[Change] = []
    if model is Source:
        if old.title != new.title:
            changes.append(Change("title", name=old.title))
    elif _english(old, "name") != _english(new, "name"):
        # The English decides that it was renamed; the old name is said in the reader's
        # language where it had one.
        changes.append(Change("renamed", name=str(old.name)))
    for name in ("summary", "description"):
        if name in translated_names(model) and _english(old, name) != _english(new, name):
            changes.append(Change(name if _english(old, name) else f"{name}_added"))
    if model is Tactic and old.category_id != new.category_id:
        changes.append(Change("category"))
    was, now = history.terms[old.history_id], history.terms[new.history_id]
    if regrouped := [name for name in now if was.get(name) != now[name]]:
        fields = {field.name: field.verbose_name for field in model._meta.many_to_many}
        names = ", ".join(str(fields[name]) for name in regrouped)
        changes.append(Change("terms", name=names))
    if model is Countermeasure and old.response_kind != new.response_kind:
        changes.append(Change("response_kind"))
    if model is Source and any(getattr(old, f) != getattr(new, f) for f in SOURCE_DETAILS):
        changes.append(Change("details"))
    changes += _counted(
        "red_flag",
        before.indicators,
        after.indicators,
        lambda old, new: _english(old, "text") != _english(new, "text"),
    )
    changes += _citations(before, after, history, moments)
    if model in OTHER_SIDE:
        changes += _links(model, before, after, history, moments)
    translations = _translations(model, before, after)
    if translations and not changes:
        translations.append(Change("english_unchanged"))
    return changes + translations or [Change("unchanged")]


def _counted(kind: str, before: dict, after: dict, reworded) -> list[Change]:
    """Parts added, removed and reworded, counted: "2 new red flags"."""
    counts = {
        "added": len(after.keys() - before.keys()),
        "removed": len(before.keys() - after.keys()),
        "reworded": sum(reworded(before[k], after[k]) for k in before.keys() & after.keys()),
    }
    return [Change(f"{kind}_{what}", count=n) for what, n in counts.items() if n]


def _citations(before: Snapshot, after: Snapshot, history: PublishedHistory, moments) -> list:
    """Sources added and removed (by title), quotes added to, removed from or corrected in
    the sources cited in both."""
    was = {c.source_id for c in before.citations.values()}
    now = {c.source_id for c in after.citations.values()}

    def title(source_id: int, moment: datetime) -> str:
        record = history.entry_as_of(Source, source_id, moment)
        return record.title if record is not None else ""

    changes = [Change("source_added", name=title(s, moments[1])) for s in sorted(now - was)]
    changes += [Change("source_removed", name=title(s, moments[0])) for s in sorted(was - now)]
    added = sum(
        after.citations[c].source_id in was
        for c in after.citations.keys() - before.citations.keys()
    )
    removed = sum(
        before.citations[c].source_id in now
        for c in before.citations.keys() - after.citations.keys()
    )
    corrected = sum(
        (before.citations[c].quote, before.citations[c].locator)
        != (after.citations[c].quote, after.citations[c].locator)
        for c in before.citations.keys() & after.citations.keys()
    )
    for what, count in (("quote_added", added), ("quote_removed", removed)):
        if count:
            changes.append(Change(what, count=count))
    if corrected:
        changes.append(Change("quote_corrected", count=corrected))
    return changes


def _links(
    model: type[Entry], before: Snapshot, after: Snapshot, history: PublishedHistory, moments
) -> list[Change]:
    """Entries on the other side linked and unlinked (by name), and notes reworded."""
    other, other_model = OTHER_SIDE[model]
    kind = other_model._meta.model_name
    was = {getattr(link, other): link for link in before.links.values()}
    now = {getattr(link, other): link for link in after.links.values()}

    def name(pk: int, moment: datetime) -> str:
        record = history.entry_as_of(other_model, pk, moment)
        return str(record.name) if record is not None else ""

    linked, unlinked = sorted(now.keys() - was.keys()), sorted(was.keys() - now.keys())
    changes = [Change(f"{kind}_linked", name=name(pk, moments[1])) for pk in linked]
    changes += [Change(f"{kind}_unlinked", name=name(pk, moments[0])) for pk in unlinked]
    reworded = sum(
        _english(was[pk], "note") != _english(now[pk], "note") for pk in was.keys() & now.keys()
    )
    if reworded:
        changes.append(Change(f"{kind}_note", count=reworded))
    return changes


def _translations(model: type[Entry], before: Snapshot, after: Snapshot) -> list[Change]:
    """Per language: the entry's translation (its own texts, its red flags' and its links'
    notes) added, updated or removed; then its quotes' translations added or updated."""
    changes = []
    for language in translation_languages():
        was, now = (
            _translated_texts(model, before, after, language),
            _translated_texts(model, after, after, language),
        )
        if was != now:
            what = "translated" if not was else "translation_removed" if not now else None
            changes.append(Change(what or "translation_updated", language=language))
    for language in translation_languages():
        counts: Counter[str] = Counter()
        name = column("translation", language)
        for pk in before.citations.keys() & after.citations.keys():
            old, new = getattr(before.citations[pk], name), getattr(after.citations[pk], name)
            if new and old != new:
                counts["quote_translation_updated" if old else "quote_translated"] += 1
        changes += [Change(what, count=n, language=language) for what, n in sorted(counts.items())]
    return changes


def _translated_texts(model: type[Entry], state: Snapshot, parts_of: Snapshot, language: str):
    """The ``language`` texts of ``state`` that readers see: the entry's own, then those of
    its red flags and links that are also in ``parts_of`` (a part added or removed is a
    change of the English, not of a translation). Empty texts are left out."""
    texts = {
        ("entry", name): text
        for name in translated_names(model)
        if (text := getattr(state.record, column(name, language)))
    }
    for part, name in (("indicators", "text"), ("links", "note")):
        rows, kept = getattr(state, part), getattr(parts_of, part)
        texts |= {
            (part, pk): text
            for pk, row in rows.items()
            if pk in kept and (text := getattr(row, column(name, language)))
        }
    return texts
