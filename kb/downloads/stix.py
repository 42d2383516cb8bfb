"""A STIX 2.1 bundle of the knowledge base, for threat-intelligence platforms.

Tactics become attack patterns, countermeasures courses of action; "mitigates" and
"related-to" relationships link them; sources are external references carrying their
quotes; stages of the trafficking process are kill chain phases. Object ids are derived
from the permanent IDs (UUIDv5), so re-importing a newer bundle updates the same objects.
A report object says when the bundle was generated and from which content version.

The content's licence (CC BY 4.0, kb.licence) is a statement marking definition that every
other object names in ``object_marking_refs``, which is how STIX 2.1 attaches terms of use
to data; platforms show it beside each object they import.

An object's ``description`` is its summary and description as the editors wrote them
(Markdown); ``x_kb_description_html`` holds the same rendered to sanitised HTML. It is a
top-level property extension, described by the bundle's extension definition, as STIX 2.1
asks of properties of one's own.

Every published translation is in the bundle too, as STIX 2.1 language-content objects
(one per translated object: ``object_ref``, ``object_modified`` and ``contents``, a
dictionary of languages, each of the translated properties): an attack pattern's or course
of action's name and description (the latter only where both its summary and its
description are translated: half a translation would misstate both), a "mitigates"
relationship's description (the note on how it counters the tactic), and the quotes in an
external reference's description, each followed by its translation (``[es: “…”]``). The
objects themselves stay in English, the source language.

The bundle is written an object at a time as the entries are read, so that its size does
not decide the memory it takes; only the objects' ids are kept, for the report.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

import stix2
from django.conf import settings
from django.utils.html import escape

from kb.licence import CONTENT_LICENCE, content_licence_statement
from kb.markdown import render_markdown
from kb.models import Countermeasure, Tactic
from kb.models.translations import SOURCE_LANGUAGE, column, translation_languages

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


def moment(value: datetime) -> datetime:
    """``value`` to the millisecond: a language-content object names the moment of the
    object it translates (``object_modified``) to the millisecond, and must name it exactly."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _quote(citation, language: str = SOURCE_LANGUAGE) -> str:
    """A quote as a reference's description gives it; in a translation, followed by its
    translation into that language, labelled with the language's code."""
    text = f"“{citation.quote}” ({citation.locator})" if citation.locator else f"“{citation.quote}”"
    translation = getattr(citation, column("translation", language))
    if language != SOURCE_LANGUAGE and translation:
        text += f" [{language}: “{translation}”]"
    return text


def _reference_description(reference, language: str = SOURCE_LANGUAGE) -> str:
    source = reference.source
    quotes = " | ".join(_quote(citation, language) for citation in reference.citations)
    return f"{source.publisher}, {source.date_display}. Quotes: {quotes}"


def _references(entry, build_url: Callable[[str], str]) -> list[dict]:
    own = {
        "source_name": settings.KB_SITE_NAME,
        "external_id": entry.public_id,
        "url": build_url(entry.get_absolute_url()),
    }
    cited = []
    for reference in entry.references():
        source = reference.source
        item = {
            "source_name": source.title,
            "external_id": source.public_id,
            "description": _reference_description(reference),
        }
        if source.url:
            item["url"] = source.url
        cited.append(item)
    return [own, *cited]


def _texts(entry, language: str) -> tuple[str, str] | None:
    """The summary and description of ``entry`` in ``language``, or None unless each of
    them that has English text has a translation."""
    texts = []
    for name in ("summary", "description"):
        translated = getattr(entry, column(name, language))
        if getattr(entry, column(name, SOURCE_LANGUAGE)) and not translated:
            return None
        texts.append(translated or "")
    return texts[0], texts[1]


def _description(summary: str, description: str) -> str:
    return f"{summary}\n\n{description}".strip()


def _description_html(summary: str, description: str) -> str:
    """The summary (plain text) and the description (Markdown) as sanitised HTML."""
    return (f"<p>{escape(summary)}</p>" if summary else "") + render_markdown(description)


def _translations(entry) -> dict[str, dict]:
    """``contents`` of the language-content object of an attack pattern or a course of
    action: each language's published translation of its name, description and quotes."""
    contents: dict[str, dict] = {}
    references = entry.references()
    for language in translation_languages():
        translated: dict = {}
        if name := getattr(entry, column("name", language)):
            translated["name"] = name
        texts = _texts(entry, language)
        if texts is not None and any(texts):
            translated["description"] = _description(*texts)
            translated[HTML_PROPERTY] = _description_html(*texts)
        quoted = [
            {"description": _reference_description(reference, language)}
            if any(getattr(c, column("translation", language)) for c in reference.citations)
            else ""
            for reference in references
        ]
        if any(quoted):
            # The list mirrors the object's: its own reference first, untranslated ("").
            translated["external_references"] = ["", *quoted]
        if translated:
            contents[language] = translated
    return contents


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

    def add_translations(self, obj, contents: dict[str, dict], common: dict) -> None:
        """The language-content object carrying ``contents``, the translations of ``obj``,
        if it has any. Its id follows the object's, so a newer bundle updates it. A report
        cannot name it (STIX refers to meta objects only from their own properties)."""
        if not contents:
            return
        self.add(
            stix2.LanguageContent(
                id=stix_id("language-content", obj.id),
                created=obj.created,
                modified=obj.modified,
                object_ref=obj.id,
                object_modified=obj.modified,
                contents=contents,
                **common,
            ),
            keep_id=False,
        )

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
    licence = stix2.MarkingDefinition(
        id=stix_id("marking-definition", "content-licence"),
        name=CONTENT_LICENCE.short_name,
        definition_type="statement",
        definition=stix2.StatementMarking(
            statement=content_licence_statement(settings.KB_SITE_NAME)
        ),
        created=DEFINED,
        created_by_ref=author.id,
    )
    common = {
        "created_by_ref": author.id,
        "spec_version": SPEC_VERSION,
        "object_marking_refs": [licence.id],
    }
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
        object_marking_refs=[licence.id],
    )
    extended = {
        "extensions": {html_extension.id: {"extension_type": "toplevel-property-extension"}},
        "allow_custom": True,
    }
    bundle = _BundleWriter(out)
    bundle.add(author)
    # A meta object, like the language-content ones: objects name it, a report cannot.
    bundle.add(licence, keep_id=False)
    bundle.add(html_extension)
    tactics = Tactic.objects.published().for_page().order_by("pk")
    for tactic in read_in_chunks(tactics, chunk_size):
        pattern = stix2.AttackPattern(
            id=stix_id("attack-pattern", tactic.public_id),
            name=tactic.name,
            description=_description(tactic.summary, tactic.description),
            created=moment(tactic.created_at),
            modified=moment(max(tactic.updated_at, tactic.created_at)),
            external_references=_references(tactic, build_url),
            kill_chain_phases=[
                {"kill_chain_name": KILL_CHAIN, "phase_name": stage.slug}
                for stage in tactic.stages.all()
            ]
            or None,
            **{HTML_PROPERTY: _description_html(tactic.summary, tactic.description)},
            **extended,
            **common,
        )
        bundle.add(pattern)
        bundle.add_translations(pattern, _translations(tactic), common)
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
            description=_description(countermeasure.summary, countermeasure.description),
            created=moment(countermeasure.created_at),
            modified=moment(max(countermeasure.updated_at, countermeasure.created_at)),
            external_references=_references(countermeasure, build_url),
            **{
                HTML_PROPERTY: _description_html(countermeasure.summary, countermeasure.description)
            },
            **extended,
            **common,
        )
        bundle.add(course)
        bundle.add_translations(course, _translations(countermeasure), common)
        for mitigation in countermeasure.public_mitigations:
            relationship = _mitigates(course, mitigation, common)
            bundle.add(relationship)
            notes = {
                language: {"description": note}
                for language in translation_languages()
                if (note := getattr(mitigation, column("note", language)))
            }
            bundle.add_translations(relationship, notes, common)
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


def _mitigates(course: stix2.CourseOfAction, mitigation, common: dict) -> stix2.Relationship:
    # Dated as its course of action, which it is part of (and to the millisecond, so that a
    # translation of its note can name it exactly).
    return stix2.Relationship(
        id=stix_id("relationship", f"{course.id}-mitigates-{mitigation.tactic.public_id}"),
        relationship_type="mitigates",
        source_ref=course.id,
        target_ref=stix_id("attack-pattern", mitigation.tactic.public_id),
        description=mitigation.note or None,
        created=course.created,
        modified=course.modified,
        **common,
    )
