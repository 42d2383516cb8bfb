"""Readable differences between two states of an entry (see kb.models.revisions): what a
reviewer reads before publishing a pending revision, with the admin's labels rather than
column names, every part (indicators, citations, countermeasure links) included and long
texts compared word by word, in full.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kb.models import Entry
from kb.models.revisions import parts_of, revised_fields, revised_terms
from kb.models.translations import (
    SOURCE_LANGUAGE,
    Translatable,
    column,
    content_languages,
    language_name,
    translated_names,
    translation_languages,
)

from .states import TRANSLATED_FROM, state_fingerprint, translated_from

#: Words with the spaces after them: half as many pieces to match as words and spaces.
_WORDS = re.compile(r"\s*\S+\s*|\s+")
#: Beyond this many words a side, difflib's junk heuristic is on: a word-exact diff of two
#: long texts is quadratic (seconds for a rewritten 5,000-word description).
EXACT_WORDS = 2000


@dataclass(frozen=True)
class Change:
    """One field or list of an entry that differs between two states."""

    label: str
    before: str | list[str]
    after: str | list[str]

    @property
    def is_list(self) -> bool:
        return isinstance(self.after, list)

    @property
    def removed(self) -> list[str]:
        return [line for line in self.before if line not in self.after] if self.is_list else []

    @property
    def added(self) -> list[str]:
        return [line for line in self.after if line not in self.before] if self.is_list else []

    @property
    def inline(self) -> SafeString:
        """The text with deleted words in <del> and inserted words in <ins>."""
        before, after = _WORDS.findall(str(self.before)), _WORDS.findall(str(self.after))
        html: list[str] = []
        exact = max(len(before), len(after)) <= EXACT_WORDS
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=not exact)
        for op, b1, b2, a1, a2 in matcher.get_opcodes():
            if op == "equal":
                html.append(escape("".join(before[b1:b2])))
                continue
            if op in ("delete", "replace"):
                html.append(f"<del>{escape(''.join(before[b1:b2]))}</del>")
            if op in ("insert", "replace"):
                html.append(f"<ins>{escape(''.join(after[a1:a2]))}</ins>")
        return mark_safe("".join(html))


@cache
def _translation_columns(model: type[models.Model]) -> dict[str, tuple[str, str]]:
    return {
        column(name, language): (name, language)
        for name in translated_names(model)
        for language in content_languages()
    }


def translation_column(model: type[models.Model], attname: str) -> tuple[str, str] | None:
    """The translated field and language of column ``attname`` of ``model``
    (``("name", "es")`` for ``name_es``), or None for a column that is not one."""
    return _translation_columns(model).get(attname)


def column_label(field: models.Field) -> str:
    """The admin's label of ``field``, a translation's saying its language in full:
    "Name (Español)" for ``name_es`` (its English column is plain "Name")."""
    found = translation_column(field.model, field.attname)
    if found is None or found[1] == SOURCE_LANGUAGE:
        return capfirst(str(field.verbose_name))
    english = cast(models.Field, field.model._meta.get_field(column(found[0], SOURCE_LANGUAGE)))
    return f"{capfirst(str(english.verbose_name))} ({language_name(found[1])})"


def translation_label(language: str) -> str:
    """The label of whether a language's translation is up to date: "Translation (Español)"."""
    return _("Translation (%(language)s)") % {"language": language_name(language)}


def _freshness(entry_model: type[Entry], state: dict, language: str, english: str) -> str:
    """Whether the ``language`` translation in ``state`` was made from its English
    (``english``: the state's fingerprint), in words; "" when there is none to speak of."""
    if TRANSLATED_FROM not in state["fields"]:
        return ""
    made_from = translated_from(state).get(language)
    own_text = any(
        state["fields"].get(column(name, language)) for name in translated_names(entry_model)
    )
    if not own_text and not made_from:
        return ""
    if made_from == english:
        return _("up to date with the English")
    return _("outdated: made from an earlier English text")


def _names(model: type[models.Model], ids: set) -> dict[int, str]:
    return {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}


def _field_text(field: models.Field, value: Any, names: dict) -> str:
    if value in (None, ""):
        return ""
    if field.is_relation:
        return names.get((field.related_model, value), _("#%(id)s (deleted)") % {"id": value})
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def readable(entry_model: type[Entry], state: dict) -> dict[str, str | list[str]]:
    """The state as the admin would label it: field labels to text, and lists of terms
    and parts as lines."""
    wanted: dict[type[models.Model], set] = {}

    def want(model: type[models.Model] | None, value: Any) -> None:
        if model is not None and value not in (None, ""):
            wanted.setdefault(model, set()).add(value)

    fields = revised_fields(entry_model)
    for field in fields:
        if field.is_relation:
            want(field.related_model, state["fields"].get(field.attname))
    for term_field in revised_terms(entry_model):
        for pk in state["terms"].get(term_field.name, []):
            want(term_field.related_model, pk)
    parts = parts_of(entry_model)
    for name, (part_model, owner) in parts.items():
        for row in state["parts"].get(name, []):
            for field in part_model._meta.concrete_fields:
                if field.is_relation and field.name != owner:
                    want(field.related_model, row.get(field.attname))
    names = {
        (model, pk): text
        for model, ids in wanted.items()
        for pk, text in _names(model, ids).items()
    }

    shown: dict[str, str | list[str]] = {}
    for field in fields:
        shown[column_label(field)] = _field_text(field, state["fields"].get(field.attname), names)
    for term_field in revised_terms(entry_model):
        shown[capfirst(str(term_field.verbose_name))] = sorted(
            names.get((term_field.related_model, pk), f"#{pk}")
            for pk in state["terms"].get(term_field.name, [])
        )
    for name, (part_model, owner) in parts.items():
        rows = sorted(
            state["parts"].get(name, []), key=lambda row: (row.get("position", 0), row["id"])
        )
        shown[capfirst(str(part_model._meta.verbose_name_plural))] = [
            _part_line(part_model, owner, row, names) for row in rows
        ]
    if issubclass(entry_model, Translatable):
        english = state_fingerprint(entry_model, state)
        for language in translation_languages():
            shown[translation_label(language)] = _freshness(entry_model, state, language, english)
    return shown


def _part_line(part_model: type[models.Model], owner: str, row: dict, names: dict) -> str:
    """One part as a line: an indicator's text; a citation's source, quote and locator; a
    link's other entry and note."""
    pieces = []
    for field in part_model._meta.concrete_fields:
        if field.name in {"id", owner, "position"} or not field.editable:
            continue
        value = row.get(field.attname)
        if value in (None, ""):
            continue
        text = _field_text(field, value, names)
        if field.name == "quote":
            text = f"“{text}”"
        elif field.name == "locator":
            text = f"({text})"
        translated = translation_column(part_model, field.attname)
        if translated is not None and translated[1] != SOURCE_LANGUAGE:
            text = f"{language_name(translated[1])}: {text}"
        pieces.append(text)
    return " — ".join(pieces)


def compare(entry_model: type[Entry], before: dict, after: dict) -> list[Change]:
    """Every field and list that differs from ``before`` to ``after``, in form order."""
    old, new = readable(entry_model, before), readable(entry_model, after)
    return [
        Change(label, old.get(label, "" if isinstance(value, str) else []), value)
        for label, value in new.items()
        if old.get(label) != value
    ]


def changed_labels(entry_model: type[Entry], before: dict, after: dict) -> list[str]:
    """The labels of what differs from ``before`` to ``after``, in form order, without
    reading anything (a queue names what each of many revisions changes)."""
    labels = [
        column_label(field)
        for field in revised_fields(entry_model)
        if before["fields"].get(field.attname) != after["fields"].get(field.attname)
    ]
    labels += [
        capfirst(str(field.verbose_name))
        for field in revised_terms(entry_model)
        if sorted(before["terms"].get(field.name, [])) != sorted(after["terms"].get(field.name, []))
    ]
    for name, (part_model, _owner) in parts_of(entry_model).items():
        if before["parts"].get(name, []) != after["parts"].get(name, []):
            labels.append(capfirst(str(part_model._meta.verbose_name_plural)))
    if TRANSLATED_FROM in before["fields"] and TRANSLATED_FROM in after["fields"]:
        labels += [
            translation_label(language)
            for language in translation_languages()
            if translated_from(before).get(language) != translated_from(after).get(language)
        ]
    return labels
