"""An entry's state as curation keeps it: kb.models.revisions' state (fields, terms, parts)
plus what each of its translations was made from.

``translated_from`` is no field of the admin's forms, so kb.models.revisions leaves it out
of a state. But a translation proposed in a pending revision must reach the live entry
with the fingerprint of the English it was made from, or it would read as outdated the
moment a reviewer publishes it; and a restored version brings back what its translations
were made from. So every path that keeps, applies or compares a pending revision uses
``capture`` and ``apply`` here, which carry it in the state's fields under its own name.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from kb.models import Countermeasure, Entry, Source, Tactic, apply_state, capture_state
from kb.models.revisions import parts_of
from kb.models.translations import (
    SOURCE_LANGUAGE,
    Translatable,
    column,
    fingerprint,
    translated_names,
)

TRANSLATED_FROM = "translated_from"

#: The parts each kind of entry's translation covers, in the order of its
#: ``translated_parts()`` (kb.models): what its fingerprint reads after its own fields.
TRANSLATED_PARTS: dict[type[Entry], tuple[str, ...]] = {
    Tactic: ("indicators", "citations"),
    Countermeasure: ("mitigations", "citations"),
    Source: (),
}


def capture(entry: Entry) -> dict[str, Any]:
    """``capture_state(entry)``, with what its translations were made from."""
    state = capture_state(entry)
    if isinstance(entry, Translatable):
        state["fields"][TRANSLATED_FROM] = (
            type(entry)
            ._default_manager.filter(pk=entry.pk)
            .values_list(TRANSLATED_FROM, flat=True)
            .get()
        )
    return state


def apply(entry: Entry, state: dict[str, Any], *, keep_part_ids: bool) -> list[str]:
    """``apply_state``, what the translations were made from included (a state kept
    before curation carried it has none: the entry's own is kept)."""
    if isinstance(entry, Translatable) and TRANSLATED_FROM in state["fields"]:
        entry.translated_from = dict(state["fields"][TRANSLATED_FROM] or {})
    return apply_state(entry, state, keep_part_ids=keep_part_ids)


def differs(live: dict[str, Any], kept: dict[str, Any]) -> bool:
    """Whether the ``live`` state differs from a state ``kept`` earlier (a revision's
    ``based_on``); what the translations were made from counts only if ``kept`` has it."""
    if TRANSLATED_FROM not in kept["fields"]:
        live = {**live, "fields": {k: v for k, v in live["fields"].items() if k != TRANSLATED_FROM}}
    return live != kept


def translated_from(state: dict[str, Any]) -> dict[str, str]:
    """What each translation in ``state`` was made from (empty if the state has none)."""
    return dict(state["fields"].get(TRANSLATED_FROM) or {})


def _in_order(part_model: type[models.Model], rows: list[dict]) -> list[dict]:
    # As the part's relation reads its rows: by the model's ordering (position, then id),
    # or by id for a part that has none.
    if "position" in {field.name for field in part_model._meta.concrete_fields}:
        return sorted(rows, key=lambda row: (row.get("position") or 0, row["id"]))
    return sorted(rows, key=lambda row: row["id"])


def english_texts(model: type[Entry], state: dict[str, Any]) -> list[str]:
    """The English texts a translation of the entry in ``state`` translates, in the order
    of ``Translatable.source_texts`` (its own fields, then its parts')."""
    texts = [
        state["fields"].get(column(name, SOURCE_LANGUAGE)) or "" for name in translated_names(model)
    ]
    parts = parts_of(model)
    for relation in TRANSLATED_PARTS.get(model, ()):
        part_model, _owner = parts[relation]
        concrete = {field.attname: field for field in part_model._meta.concrete_fields}
        for row in _in_order(part_model, state["parts"].get(relation, [])):
            part = part_model(
                **{
                    attname: concrete[attname].to_python(value)
                    for attname, value in row.items()
                    if attname in concrete and attname != "id"
                }
            )
            texts += part.english_texts()  # type: ignore[attr-defined]
    return texts


def state_fingerprint(model: type[Entry], state: dict[str, Any]) -> str:
    """``source_fingerprint()`` of the entry as ``state`` has it: what a translation made
    from that state's English records."""
    return fingerprint(english_texts(model, state))


def keep_translations_current(entry: Entry, applied: dict[str, Any]) -> None:
    """After ``applied`` (a pending revision's state) became the live entry: each
    translation that was made from the English of that state is recorded as made from the
    English now live. (Parts new in a revision get their ids only now, which may order
    them differently from the rehearsal the translation was recorded in.)"""
    if not isinstance(entry, Translatable):
        return
    recorded = translated_from(applied)
    proposed = state_fingerprint(type(entry), applied)
    current = [language for language, made_from in recorded.items() if made_from == proposed]
    if not current:
        return
    live = entry.source_fingerprint()
    if all(entry.translated_from.get(language) == live for language in current):
        return
    entry.translated_from = {**entry.translated_from, **dict.fromkeys(current, live)}
    entry.save()
