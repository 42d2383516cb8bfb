"""kb.json: everything published in one JSON document, each entry as the API's detail gives
it, plus the description rendered to sanitised HTML beside its Markdown.

It is written in each of kb's languages (kb.json, kb.es.json...: kb.downloads.editions), in
the language active while it is written: the document says which (``language``), and each
entry which language each of its translated fields is in (``languages``, as in the API),
English where a field has no published translation.

The document is written as the entries are read, a chunk at a time, so that a knowledge base
of any size is written in bounded memory. Each entry is one line: the file is as easy to
skim or compare line by line as an indented one, a third smaller, and written by the JSON
encoder's fast path (indenting takes its slow, pure Python one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from django.conf import settings
from rest_framework import serializers

from kb.api.serializers import (
    CountermeasureDetailSerializer,
    SourceDetailSerializer,
    TacticDetailSerializer,
)
from kb.licence import content_licence_data
from kb.markdown import render_markdown
from kb.models import Countermeasure, Source, Tactic
from kb.models.translations import reading_language

from . import SiteAddress, read_in_chunks
from .editions import Edition

#: Which text fields hold what, said in the document itself.
TEXT_FORMATS = {
    "summary": "Plain text. Escape it before putting it in a web page.",
    "description": (
        "Markdown, exactly as the editors wrote it. It may hold raw HTML, which the site "
        "removes when it shows the text: do not insert it into a page unsanitised."
    ),
    "description_html": (
        "The description rendered from Markdown to HTML and sanitised with the site's "
        "allow-list (no scripts, styles, images or frames): what the site itself shows."
    ),
    "quote": "Plain text, verbatim from the source, in the source's own language.",
    "translation": (
        "Plain text: kb's translation of the quote into this file's language (not the "
        "source's words), or null."
    ),
    "languages": (
        "Not a text: for each translated field of the entry, the language it is in: this "
        "file's language where it has a published translation, else English (en)."
    ),
}


class DescriptionHtml(serializers.Serializer):
    """An entry's description rendered to sanitised HTML, beside the Markdown of
    ``description``."""

    description_html = serializers.SerializerMethodField()

    def get_description_html(self, entry) -> str:
        return str(render_markdown(entry.description))


def _after(fields: list[str], name: str, added: str) -> list[str]:
    position = fields.index(name) + 1
    return [*fields[:position], added, *fields[position:]]


class TacticDownloadSerializer(DescriptionHtml, TacticDetailSerializer):
    """A tactic in kb.json: the API's detail, with ``description_html``."""

    class Meta(TacticDetailSerializer.Meta):
        fields = _after(TacticDetailSerializer.Meta.fields, "description", "description_html")


class CountermeasureDownloadSerializer(DescriptionHtml, CountermeasureDetailSerializer):
    """A countermeasure in kb.json: the API's detail, with ``description_html``."""

    class Meta(CountermeasureDetailSerializer.Meta):
        fields = _after(
            CountermeasureDetailSerializer.Meta.fields, "description", "description_html"
        )


def _indented(value: object, depth: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it ``depth`` levels down. JSON text has
    no raw line breaks inside strings, so every line break is one of the layout's."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * depth)


def _write_list(out: TextIO, items: Iterable[object]) -> None:
    """A list as the value of a top-level key, one item a line, one item at a time."""
    separator = "[\n    "
    for item in items:
        out.write(separator)
        out.write(json.dumps(item, ensure_ascii=False))
        separator = ",\n    "
    out.write("[]" if separator == "[\n    " else "\n  ]")


def write_document(out: TextIO, edition: Edition, site: SiteAddress, *, chunk_size: int) -> None:
    """Write kb.json for ``edition`` to ``out`` (a UTF-8 text stream), in the active
    language."""
    # The serializers ask the request for absolute URLs; the site's address answers instead.
    context = {"request": site}
    sections = {
        "tactics": (TacticDownloadSerializer, Tactic.objects.published()),
        "countermeasures": (CountermeasureDownloadSerializer, Countermeasure.objects.published()),
        "sources": (SourceDetailSerializer, Source.objects.published()),
    }
    header = {
        "title": settings.KB_SITE_NAME,
        "language": reading_language(),
        "generated_at": edition.generated_at.isoformat(),
        "content_version": edition.version,
        # The quotes sentence in the file's language: the document is written in it.
        "license": content_licence_data(),
        "text_formats": TEXT_FORMATS,
    }
    out.write("{")
    for key, value in header.items():
        out.write(f"\n  {json.dumps(key)}: {_indented(value, 1)},")
    for position, (key, (serializer_class, entries)) in enumerate(sections.items()):
        serializer = serializer_class(context=context)
        rows = read_in_chunks(entries.for_page().order_by("pk"), chunk_size)
        out.write(f"\n  {json.dumps(key)}: ")
        _write_list(out, (serializer.to_representation(entry) for entry in rows))
        out.write("," if position < len(sections) - 1 else "\n}")
