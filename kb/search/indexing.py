"""Keeping search documents and the vocabulary in step with the entries.

Every published entry has exactly one SearchDocument; nothing else has one. ``reindex`` is
called by signal receivers (kb/signals.py) whenever an entry or anything shown in its
document changes; ``rebuild`` recomputes everything (after fixtures or bulk loads, and by
``manage.py rebuild_search_index``).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils.html import strip_tags

from kb import bulk
from kb.markdown import render_markdown
from kb.models import (
    Citation,
    Countermeasure,
    DocumentKind,
    Entry,
    SearchDocument,
    SearchWord,
    Source,
    Status,
    Tactic,
    Vocabulary,
    content_changed,
)

from .text import STOPWORDS, clean_for_index, words

BATCH_SIZE = 500
DOCUMENT_FIELDS = ("title", "summary", "keywords", "indicators", "body")


def _plain(markdown_text: str) -> str:
    return html.unescape(strip_tags(render_markdown(markdown_text)))


def _join(parts: Iterable[str]) -> str:
    return clean_for_index("\n".join(part for part in parts if part))


def _public_quotes(entry: Tactic | Countermeasure) -> list[str]:
    return [c.quote for c in entry.citations.all() if c.source.status == Status.PUBLISHED]


def _searchable_id(public_id: str) -> str:
    # "TT-0003" as plain words: PostgreSQL's parser would read "-0003" as a signed number.
    return " ".join(words(public_id))


def _names(terms: Iterable[Vocabulary]) -> list[str]:
    return [term.name for term in terms]


def tactic_document(tactic: Tactic) -> dict[str, str]:
    return {
        "title": clean_for_index(tactic.name),
        "summary": clean_for_index(tactic.summary),
        "keywords": _join(
            [
                _searchable_id(tactic.public_id),
                tactic.category.name,
                *_names(tactic.technologies.all()),
                *_names(tactic.platforms.all()),
                *_names(tactic.stages.all()),
                *_names(tactic.target_groups.all()),
            ]
        ),
        "indicators": _join(indicator.text for indicator in tactic.indicators.all()),
        "body": _join([_plain(tactic.description), *_public_quotes(tactic)]),
    }


def countermeasure_document(countermeasure: Countermeasure) -> dict[str, str]:
    return {
        "title": clean_for_index(countermeasure.name),
        "summary": clean_for_index(countermeasure.summary),
        "keywords": _join(
            [
                _searchable_id(countermeasure.public_id),
                countermeasure.get_response_kind_display(),
                *_names(countermeasure.actors.all()),
            ]
        ),
        "indicators": "",
        "body": _join([_plain(countermeasure.description), *_public_quotes(countermeasure)]),
    }


def source_document(source: Source) -> dict[str, str]:
    # A source's summary lists what its article mentions, not what one entry is about: it is
    # searched as the text of an entry is, so a reader's description finds the entries first.
    return {
        "title": clean_for_index(source.title),
        "summary": "",
        "keywords": _join(
            [
                _searchable_id(source.public_id),
                source.publisher,
                source.authors,
                source.get_kind_display(),
            ]
        ),
        "indicators": "",
        "body": clean_for_index(source.summary),
    }


_CITATIONS = Prefetch("citations", queryset=Citation.objects.select_related("source"))


@dataclass(frozen=True)
class Indexed:
    """How one kind of entry becomes a search document: its kind, how to load entries with
    everything their document shows, and how to build the document's fields."""

    kind: DocumentKind
    load: Callable[[QuerySet], QuerySet]
    build: Callable[[Any], dict[str, str]]


KINDS: dict[type[Entry], Indexed] = {
    Tactic: Indexed(
        DocumentKind.TACTIC,
        lambda qs: qs.select_related("category").prefetch_related(
            "technologies", "platforms", "stages", "target_groups", "indicators", _CITATIONS
        ),
        tactic_document,
    ),
    Countermeasure: Indexed(
        DocumentKind.COUNTERMEASURE,
        lambda qs: qs.prefetch_related("actors", _CITATIONS),
        countermeasure_document,
    ),
    Source: Indexed(DocumentKind.SOURCE, lambda qs: qs, source_document),
}


def index_words(fields: dict[str, str]) -> set[str]:
    """The words a document adds to the vocabulary spelling suggestions come from."""
    return {
        word
        for text in fields.values()
        for word in words(text)
        if len(word) >= 3 and not word.isdigit() and word not in STOPWORDS
    }


def _document_fields(document: SearchDocument) -> dict[str, str]:
    return {name: getattr(document, name) for name in DOCUMENT_FIELDS}


def _adjust_vocabulary(added: set[str], removed: set[str]) -> None:
    if added:
        SearchWord.objects.bulk_create(
            [SearchWord(word=word, document_count=0) for word in added], ignore_conflicts=True
        )
        SearchWord.objects.filter(word__in=added).update(document_count=F("document_count") + 1)
    if removed:
        SearchWord.objects.filter(word__in=removed, document_count__gt=0).update(
            document_count=F("document_count") - 1
        )
        SearchWord.objects.filter(word__in=removed, document_count=0).delete()


def _lock(model: type[Entry], pks: Iterable[int]) -> None:
    """Re-index one entry in one transaction at a time.

    Two transactions that each add an indicator to the same tactic would otherwise each
    build its document from what they can see (their own indicator, not the other's), and
    the last to commit would win; the spelling counts would drift the same way. The second
    waits here until the first has committed, then reads the entry's parts as committed
    (PostgreSQL reads afresh at every statement). ``FOR NO KEY UPDATE`` does not wait for
    transactions that only added a part (they hold a key-share lock on the entry), so two
    such transactions cannot deadlock on it; entries are locked in order of their keys.
    SQLite has no row locks and needs none: it lets one transaction write at a time, and
    kb starts each as a writer (``transaction_mode`` IMMEDIATE)."""
    locking = model.objects.filter(pk__in=pks).order_by("pk").select_for_update(no_key=True)
    list(locking.values_list("pk", flat=True))


@transaction.atomic
def reindex(model: type[Entry], pks: Iterable[int]) -> None:
    """Bring the documents of these entries up to date: create, update, or delete them."""
    pks = set(pks)
    if not pks or bulk.in_progress():
        return
    indexed = KINDS[model]
    kind = indexed.kind
    _lock(model, pks)
    entries = {entry.pk: entry for entry in indexed.load(model.objects.filter(pk__in=pks))}
    documents = {
        getattr(document, f"{kind}_id"): document
        for document in SearchDocument.objects.filter(**{f"{kind}__in": pks}).defer("search_vector")
    }
    for pk in pks:
        entry, document = entries.get(pk), documents.get(pk)
        old_words = index_words(_document_fields(document)) if document else set()
        if entry is None or entry.status != Status.PUBLISHED:
            if document:
                document.delete()
            _adjust_vocabulary(set(), old_words)
            continue
        fields = indexed.build(entry)
        if document is None:
            SearchDocument.objects.create(kind=kind, **{kind: entry}, **fields)
        elif fields != _document_fields(document):
            SearchDocument.objects.filter(pk=document.pk).update(**fields)
        new_words = index_words(fields)
        _adjust_vocabulary(new_words - old_words, old_words - new_words)


@transaction.atomic
def forget(entry: Entry) -> None:
    """Remove an entry's document before the entry itself is deleted."""
    if bulk.in_progress():
        return
    _lock(type(entry), [entry.pk])
    document = SearchDocument.objects.filter(**{KINDS[type(entry)].kind: entry}).first()
    if document:
        _adjust_vocabulary(set(), index_words(_document_fields(document)))
        document.delete()


def _published_in_batches(model: type[Entry]) -> Iterator[list]:
    queryset = KINDS[model].load(model.objects.published().order_by("pk"))
    batch = []
    for entry in queryset.iterator(chunk_size=BATCH_SIZE):
        batch.append(entry)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def rebuild(progress=None) -> dict[str, int]:
    """Recompute every document and the vocabulary from scratch. ``progress(n)`` is called
    with the number of entries done after each batch."""
    SearchDocument.objects.all().delete()
    SearchWord.objects.all().delete()
    vocabulary: Counter[str] = Counter()
    counts: dict[str, int] = {}
    for model, indexed in KINDS.items():
        kind = str(indexed.kind)
        counts[kind] = 0
        for batch in _published_in_batches(model):
            documents = []
            for entry in batch:
                fields = indexed.build(entry)
                vocabulary.update(index_words(fields))
                documents.append(SearchDocument(kind=kind, **{kind: entry}, **fields))
            SearchDocument.objects.bulk_create(documents)
            counts[kind] += len(documents)
            if progress:
                progress(len(documents))
    SearchWord.objects.bulk_create(
        [SearchWord(word=word, document_count=n) for word, n in vocabulary.items()],
        batch_size=BATCH_SIZE * 4,
    )
    counts["words"] = len(vocabulary)
    _refresh_planner_statistics()
    content_changed()  # search results, and so cached pages, may differ now
    return counts


def _refresh_planner_statistics() -> None:
    """Tell the query planner how large the tables now are. Without statistics SQLite
    joins the full-text index last and runs MATCH once per row (about 50 times slower on a
    large knowledge base); PostgreSQL's autovacuum would get there too, later."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
