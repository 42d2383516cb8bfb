"""Keeping search documents and the vocabulary in step with the entries.

Every published entry has exactly one SearchDocument per language kb is read in; nothing
else has one. A language's document is the entry as a reader of that language sees it: its
text in that language, the English of each field not translated yet (so that an entry not
translated yet is still found), and the quotes of its citations, verbatim, beside their
translation into that language. ``reindex`` is called by signal receivers
(kb/search/signals.py) whenever an entry or anything shown in its documents changes (a
translation published through a revision changes the entry's columns, and so saves it);
``rebuild`` recomputes everything, in every language (after fixtures or bulk loads, and by
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
from django.utils.translation import override

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
from kb.models.translations import column

from .backends import get_backend
from .languages import search_languages, stopwords
from .text import clean_for_index, words

BATCH_SIZE = 500
DOCUMENT_FIELDS = ("title", "summary", "keywords", "indicators", "body")


def _plain(markdown_text: str) -> str:
    return html.unescape(strip_tags(render_markdown(markdown_text)))


def _join(parts: Iterable[str]) -> str:
    return clean_for_index("\n".join(part for part in parts if part))


def _public_quotes(entry: Tactic | Countermeasure, language: str) -> list[str]:
    """The quotes of the entry's citations of published sources, verbatim, each followed by
    its translation into ``language`` where it has one."""
    found = []
    for citation in entry.citations.all():
        if citation.source.status == Status.PUBLISHED:
            found += [citation.quote, getattr(citation, column("translation", language), "")]
    return found


def _searchable_id(public_id: str) -> str:
    # "TT-0003" as plain words: PostgreSQL's parser would read "-0003" as a signed number.
    return " ".join(words(public_id))


def _names(terms: Iterable[Vocabulary]) -> list[str]:
    return [term.name for term in terms]


def tactic_document(tactic: Tactic, language: str) -> dict[str, str]:
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
        "body": _join([_plain(tactic.description), *_public_quotes(tactic, language)]),
    }


def countermeasure_document(countermeasure: Countermeasure, language: str) -> dict[str, str]:
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
        "body": _join(
            [_plain(countermeasure.description), *_public_quotes(countermeasure, language)]
        ),
    }


def source_document(source: Source, language: str) -> dict[str, str]:
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
    everything their documents show, and how to build a document's fields in a language
    (called with that language active: the entry's translated fields read its text in it,
    or the English where it has none)."""

    kind: DocumentKind
    load: Callable[[QuerySet], QuerySet]
    build_fields: Callable[[Any, str], dict[str, str]]

    def build(self, entry: Entry, language: str) -> dict[str, str]:
        """The fields of ``entry``'s document in ``language``."""
        with override(language):
            return self.build_fields(entry, language)


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


def index_words(fields: dict[str, str], language: str) -> set[str]:
    """The words a document in ``language`` adds to that language's vocabulary, which
    spelling suggestions come from."""
    common = stopwords(language)
    return {
        word
        for text in fields.values()
        for word in words(text)
        if len(word) >= 3 and not word.isdigit() and word not in common
    }


def _document_fields(document: SearchDocument) -> dict[str, str]:
    return {name: getattr(document, name) for name in DOCUMENT_FIELDS}


def _adjust_vocabulary(language: str, added: set[str], removed: set[str]) -> None:
    words_in = SearchWord.objects.filter(language=language)
    if added:
        SearchWord.objects.bulk_create(
            [SearchWord(language=language, word=word, document_count=0) for word in added],
            ignore_conflicts=True,
        )
        words_in.filter(word__in=added).update(document_count=F("document_count") + 1)
    if removed:
        words_in.filter(word__in=removed, document_count__gt=0).update(
            document_count=F("document_count") - 1
        )
        words_in.filter(word__in=removed, document_count=0).delete()


def _configurations() -> dict[str, str]:
    """Each language's PostgreSQL text search configuration, as documents record it."""
    return {language: get_backend(language).configuration for language in search_languages()}


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
    """Bring the documents of these entries up to date in every language: create, update,
    or delete them."""
    pks = set(pks)
    if not pks or bulk.in_progress():
        return
    indexed = KINDS[model]
    kind = indexed.kind
    _lock(model, pks)
    entries = {entry.pk: entry for entry in indexed.load(model.objects.filter(pk__in=pks))}
    documents = {
        (getattr(document, f"{kind}_id"), document.language): document
        for document in SearchDocument.objects.filter(**{f"{kind}__in": pks}).defer("search_vector")
    }
    configurations = _configurations()
    for pk in pks:
        entry = entries.get(pk)
        published = entry is not None and entry.status == Status.PUBLISHED
        for language, configuration in configurations.items():
            document = documents.pop((pk, language), None)
            old_words = index_words(_document_fields(document), language) if document else set()
            if entry is None or not published:
                if document:
                    document.delete()
                _adjust_vocabulary(language, set(), old_words)
                continue
            fields = indexed.build(entry, language)
            if document is None:
                SearchDocument.objects.create(
                    kind=kind,
                    language=language,
                    search_configuration=configuration,
                    **{kind: entry},
                    **fields,
                )
            elif fields != _document_fields(document) or (
                document.search_configuration != configuration
            ):
                SearchDocument.objects.filter(pk=document.pk).update(
                    search_configuration=configuration, **fields
                )
            new_words = index_words(fields, language)
            _adjust_vocabulary(language, new_words - old_words, old_words - new_words)
    # Documents in a language kb is no longer read in.
    for document in documents.values():
        _forget_document(document)


def _forget_document(document: SearchDocument) -> None:
    _adjust_vocabulary(
        document.language, set(), index_words(_document_fields(document), document.language)
    )
    document.delete()


@transaction.atomic
def forget(entry: Entry) -> None:
    """Remove an entry's documents before the entry itself is deleted."""
    if bulk.in_progress():
        return
    _lock(type(entry), [entry.pk])
    found = SearchDocument.objects.filter(**{KINDS[type(entry)].kind: entry}).defer("search_vector")
    for document in found:
        _forget_document(document)


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
    """Recompute every document, in every language, and each language's vocabulary from
    scratch. ``progress(n)`` is called with the number of entries done after each batch.
    The counts are of entries (each has a document per language) and of distinct words."""
    SearchDocument.objects.all().delete()
    SearchWord.objects.all().delete()
    vocabulary: Counter[tuple[str, str]] = Counter()
    counts: dict[str, int] = {}
    configurations = _configurations()
    for model, indexed in KINDS.items():
        kind = str(indexed.kind)
        counts[kind] = 0
        for batch in _published_in_batches(model):
            documents = []
            for entry in batch:
                for language, configuration in configurations.items():
                    fields = indexed.build(entry, language)
                    vocabulary.update((language, word) for word in index_words(fields, language))
                    documents.append(
                        SearchDocument(
                            kind=kind,
                            language=language,
                            search_configuration=configuration,
                            **{kind: entry},
                            **fields,
                        )
                    )
            SearchDocument.objects.bulk_create(documents)
            counts[kind] += len(batch)
            if progress:
                progress(len(batch))
    SearchWord.objects.bulk_create(
        [
            SearchWord(language=language, word=word, document_count=n)
            for (language, word), n in vocabulary.items()
        ],
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
