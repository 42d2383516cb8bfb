"""The offline search index: the published search documents of one language as a JavaScript
file that a ``<script>`` tag loads, from a server or from ``file://`` (where a page cannot
fetch a file, so an index read with ``fetch`` would not do).

    window.kbSearchIndex = {"language": "es", "fields": [...], "documents": [...], ...};

Built from what search already keeps (kb.search.indexing's SearchDocument: each published
entry's text in that language, English where it is not translated yet), split into words
by search's own rule (kb.search.text.words: letters and digits, lower case, accents
removed), so the browser only has to fold the reader's words the same way
(static/kb/offline-search.js). Each document carries, per field, the distinct words in it;
the fields are listed by weight, the name first, then the summary and red flags, the
keywords (permanent ID and vocabulary), then the description and quotes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from kb.downloads.editions import version_label
from kb.models import DocumentKind, SearchDocument, Status, current_content_version
from kb.search.languages import stopwords, without_particle
from kb.search.text import words

#: The fields a match is looked for in, with what a match there weighs: a word in a name
#: says most about an entry, then one in its summary or red flags, then its keywords, then
#: a passing mention in its description.
FIELDS = (("title", 8), ("summary indicators", 4), ("keywords", 2), ("body", 1))
SUMMARY_WORDS = 40
CHUNK_SIZE = 500
#: The global the file sets.
GLOBAL_NAME = "kbSearchIndex"


def _distinct_words(text: str, language: str) -> str:
    found = dict.fromkeys(words(text))
    if language == "ar":
        # Arabic joins particles to the next word ("and the phone"): the word without them
        # is indexed too, so that a reader's bare word finds it (kb.search.languages).
        found.update(dict.fromkeys(without_particle(word) for word in list(found)))
    return " ".join(word for word in found if word)


def _document(document: SearchDocument, home: str, language: str) -> dict:
    entry = document.entry
    with translation.override(language):
        address = entry.get_absolute_url()
    return {
        "kind": document.kind,
        "id": entry.public_id,
        # Relative to the language's home page, so that the same index serves the site
        # (/es/ + path) and the static copy (its home's folder + path + index.html).
        "path": address.removeprefix(home),
        "title": document.title,
        "summary": Truncator(document.summary).words(SUMMARY_WORDS),
        "words": [
            _distinct_words(" ".join(getattr(document, name) for name in field.split()), language)
            for field, _weight in FIELDS
        ],
    }


def _head(language: str) -> dict:
    with translation.override(language):
        return {
            "language": language,
            "version": version_label(current_content_version().changed_at),
            "home": reverse("kb:home"),
            "fields": [{"name": name, "weight": weight} for name, weight in FIELDS],
            "kinds": {kind.value: str(kind.label) for kind in DocumentKind},
            "stopwords": sorted(stopwords(language)),
        }


def _documents(language: str, home: str) -> Iterator[dict]:
    published = (
        Q(tactic__status=Status.PUBLISHED)
        | Q(countermeasure__status=Status.PUBLISHED)
        | Q(source__status=Status.PUBLISHED)
    )
    documents = (
        SearchDocument.objects.filter(published, language=language)
        .select_related("tactic", "countermeasure", "source")
        .order_by("kind", "pk")
    )
    for document in documents.iterator(chunk_size=CHUNK_SIZE):
        yield _document(document, home, language)


def search_index(language: str) -> dict:
    """The offline search index of ``language``: the content version it holds, every
    published entry's search document in it, the language's left-out words (stopwords) and
    the names of the kinds of entry."""
    head = _head(language)
    return {**head, "documents": list(_documents(language, head["home"]))}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def search_index_chunks(language: str) -> Iterator[str]:
    """``search_index(language)`` as a JavaScript file that sets ``window.kbSearchIndex``,
    a document at a time (so that writing it takes the memory of one document)."""
    head = _head(language)
    yield f'window.{GLOBAL_NAME} = {_json(head)[:-1]},"documents":['
    for position, document in enumerate(_documents(language, head["home"])):
        yield ("," if position else "") + _json(document)
    yield "]};\n"


def search_index_script(language: str) -> str:
    """The whole of ``search_index_chunks(language)``."""
    return "".join(search_index_chunks(language))
