"""Where each translation of an entry stands, and what changed in the English since it was
made.

A translation has a state per entry and language (``TranslationState``): *missing*;
*draft* or *in review* while it is being written or read by a reviewer; *published*; and
*outdated* once the English it was made from has changed (kb.models.translations records a
fingerprint of that English per language; nobody has to remember to say so).

Translations of a public entry change, as everything of a public entry does, only through
its pending revision (kb.curation.workflow): the live columns hold what readers see, and
the revision what is being proposed. So a language of a public entry can stand two ways at
once, "published, new version in review": ``LanguageStatus`` says both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext as _

from kb.models import Entry, Revision, RevisionStatus, Status
from kb.models.revisions import part_rows, parts_of
from kb.models.translations import (
    SOURCE_LANGUAGE,
    Translatable,
    column,
    language_name,
    translated_names,
    translation_languages,
)

from .diffs import Change, column_label
from .states import (
    TRANSLATED_FROM,
    TRANSLATED_PARTS,
    english_texts,
    state_fingerprint,
    translated_from,
)


class TranslationState(models.TextChoices):
    """Where the translation of an entry into one language stands."""

    MISSING = "missing", pgettext_lazy("a translation", "Missing")
    DRAFT = "draft", pgettext_lazy("a translation", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("a translation", "In review")
    PUBLISHED = "published", pgettext_lazy("a translation", "Published")
    OUTDATED = "outdated", pgettext_lazy("a translation", "Outdated")


#: The states that ask something of translators or reviewers (the overview lists them).
TO_DO = (
    TranslationState.MISSING,
    TranslationState.OUTDATED,
    TranslationState.DRAFT,
    TranslationState.IN_REVIEW,
)


@dataclass(frozen=True)
class LanguageStatus:
    """One language of one entry: what its own rows hold (``live``: for a public entry,
    what readers see) and, when an open pending revision changes that language, the
    revision's state (``pending``: DRAFT or IN_REVIEW)."""

    language: str
    live: TranslationState
    pending: TranslationState | None = None

    @property
    def state(self) -> TranslationState:
        """The state that matters next: the pending revision's, else the live one."""
        return self.pending or self.live

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def label(self) -> str:
        """In words: "Published", "Outdated; a new version is in review"..."""
        if self.pending is None:
            return str(self.live.label)
        if self.live == TranslationState.MISSING:
            if self.pending == TranslationState.IN_REVIEW:
                return _("Not published; a translation is in review")
            return _("Not published; a translation is being written")
        if self.pending == TranslationState.IN_REVIEW:
            return _("%(state)s; a new version is in review") % {"state": self.live.label}
        return _("%(state)s; a new version is being written") % {"state": self.live.label}

    def __str__(self) -> str:
        return self.label


def language_attributes(language: str) -> dict[str, str]:
    """The ``lang`` and ``dir`` attributes of an element holding text in ``language``."""
    return {"lang": language, "dir": "rtl" if get_language_info(language)["bidi"] else "ltr"}


def field_label(model: type[models.Model] | models.Model, name: str, language: str) -> str:
    """The label of translated field ``name`` in ``language``: "Name (Español)"; the
    English column keeps its plain label ("Name")."""
    return column_label(cast(models.Field, model._meta.get_field(column(name, language))))


# --- the state of one language ----------------------------------------------------------


def has_text(entry: models.Model, language: str) -> bool:
    """Whether ``entry``'s own translated fields have any text in ``language``."""
    return any(getattr(entry, column(name, language), "") for name in translated_names(entry))


def revision_changes(model: type[Entry], revision: Revision, language: str) -> bool:
    """Whether ``revision`` changes the ``language`` translation: the entry's own columns
    of that language, what it was made from, or a translated part's text in it (compared
    with the live state the revision started from)."""
    before, after = revision.based_on, revision.proposed
    for name in translated_names(model):
        attname = column(name, language)
        if (before["fields"].get(attname) or "") != (after["fields"].get(attname) or ""):
            return True
    # A state kept before curation carried what translations were made from says nothing.
    both_say = TRANSLATED_FROM in before["fields"] and TRANSLATED_FROM in after["fields"]
    if both_say and translated_from(before).get(language) != translated_from(after).get(language):
        return True
    parts = parts_of(model)
    for relation in TRANSLATED_PARTS.get(model, ()):
        part_model, _owner = parts[relation]
        attnames = [column(name, language) for name in translated_names(part_model)]
        earlier = {row["id"]: row for row in before["parts"].get(relation, [])}
        for row in after["parts"].get(relation, []):
            old = earlier.get(row["id"], {})
            if any((row.get(a) or "") != (old.get(a) or "") for a in attnames):
                return True
    return False


def _status(
    entry: Entry,
    language: str,
    revision: Revision | None,
    *,
    has_text: bool,
    fingerprint: Callable[[], str],
) -> LanguageStatus:
    """The status of one language, from what the caller has already read: whether the
    entry's own columns have text in it, and (called only when needed) its fingerprint."""
    if not has_text:
        live = TranslationState.MISSING
    elif entry.translated_from.get(language) != fingerprint():  # type: ignore[attr-defined]
        live = TranslationState.OUTDATED
    elif entry.was_published:
        live = TranslationState.PUBLISHED
    else:  # never public: the translation goes along with the entry
        live = (
            TranslationState.IN_REVIEW
            if entry.status == Status.IN_REVIEW
            else TranslationState.DRAFT
        )
    pending = None
    if revision is not None and revision_changes(type(entry), revision, language):
        pending = (
            TranslationState.IN_REVIEW
            if revision.status == RevisionStatus.IN_REVIEW
            else TranslationState.DRAFT
        )
    return LanguageStatus(language, live, pending)


_LOOK_UP: Any = object()


def _open_revision(entry: Entry) -> Revision | None:
    from .workflow import open_revision

    return open_revision(entry)


def translation_status(entry: Entry, language: str, revision: Any = _LOOK_UP) -> LanguageStatus:
    """Where the ``language`` translation of ``entry`` stands, both live and in its
    pending revision. Pass ``revision`` (the entry's open revision, or None) when it is at
    hand; otherwise it is looked up."""
    assert isinstance(entry, Translatable), "only entries are translated"
    if revision is _LOOK_UP:
        revision = _open_revision(entry)
    return _status(
        entry,
        language,
        revision,
        has_text=has_text(entry, language),
        fingerprint=entry.source_fingerprint,
    )


def translation_state(entry: Entry, language: str, revision: Any = _LOOK_UP) -> TranslationState:
    """The state of the ``language`` translation of ``entry`` that matters next: a pending
    revision's (DRAFT, IN_REVIEW) if one changes it, else the live one (MISSING,
    PUBLISHED, OUTDATED; for an entry never public, DRAFT or IN_REVIEW with the entry)."""
    return translation_status(entry, language, revision).state


def translation_statuses(entry: Entry) -> list[LanguageStatus]:
    """Every translation language of ``entry`` (its open revision and its English read
    once)."""
    assert isinstance(entry, Translatable), "only entries are translated"
    revision = _open_revision(entry)
    fingerprint = cache(entry.source_fingerprint)
    return [
        _status(
            entry,
            language,
            revision,
            has_text=has_text(entry, language),
            fingerprint=fingerprint,
        )
        for language in translation_languages()
    ]


# --- what changed in the English since a translation was made ---------------------------


@dataclass
class EnglishThen:
    """The English a translation was made from, found in the history, and how the English
    of now differs from it."""

    moment: datetime
    changes: list[Change]


#: How many saves back the history is searched for the English a translation was made from.
HISTORY_SEARCHED = 30


def english_when_translated(entry: Entry, language: str, now: dict) -> EnglishThen | None:
    """The latest saved state of ``entry`` whose English is what its ``language``
    translation (as ``now``, a state, records) was made from, and what changed in the
    English since; None when the history has no such state (the translation predates the
    record, or was made from English never saved as such)."""
    wanted = translated_from(now).get(language)
    if not wanted:
        return None
    model = type(entry)
    moments = list(
        model.history.filter(id=entry.pk)
        .order_by("-history_date")
        .values_list("history_id", "history_date")[:HISTORY_SEARCHED]
    )
    until = None
    for history_id, moment in moments:
        # The entry's record, with its parts as they stood until its next record: an
        # admin save writes the entry first, then its parts.
        then = _english_as_of(model, history_id, until or timezone.now())
        if state_fingerprint(model, then) == wanted:
            return EnglishThen(moment, english_changes(model, then, now))
        until = moment - timedelta(microseconds=1)
    return None


def _english_as_of(model: type[Entry], history_id: int, moment: datetime) -> dict:
    """What a fingerprint reads of one historical record of an entry: its English, and
    that of the parts its translation covers as they were at ``moment``."""
    record = model.history.get(history_id=history_id)
    english = [column(name, SOURCE_LANGUAGE) for name in translated_names(model)]
    parts = parts_of(model)
    return {
        "fields": {attname: getattr(record, attname) for attname in english},
        "terms": {},
        "parts": {
            relation: part_rows(
                parts[relation][0],
                parts[relation][1],
                parts[relation][0]
                .history.as_of(moment)  # type: ignore[attr-defined]
                .filter(**{f"{parts[relation][1]}_id": record.id}),
            )
            for relation in TRANSLATED_PARTS.get(model, ())
        },
    }


def english_changes(model: type[Entry], before: dict, after: dict) -> list[Change]:
    """What differs in the English of an entry from ``before`` to ``after`` (two states):
    its own fields, then the parts its translation covers, as lines."""
    changes = []
    for name in translated_names(model):
        attname = column(name, SOURCE_LANGUAGE)
        old, new = before["fields"].get(attname) or "", after["fields"].get(attname) or ""
        if old != new:
            changes.append(Change(field_label(model, name, SOURCE_LANGUAGE), old, new))
    parts = parts_of(model)
    for relation in TRANSLATED_PARTS.get(model, ()):
        part_model, _owner = parts[relation]
        old_lines = _part_lines(model, relation, before)
        new_lines = _part_lines(model, relation, after)
        if old_lines != new_lines:
            label = capfirst(str(part_model._meta.verbose_name_plural))
            changes.append(Change(label, old_lines, new_lines))
    return changes


def _part_lines(model: type[Entry], relation: str, state: dict) -> list[str]:
    only = {"fields": {}, "terms": {}, "parts": {relation: state["parts"].get(relation, [])}}
    texts = english_texts(model, only)[len(translated_names(model)) :]
    return [text for text in texts if text]


# --- many entries at once ---------------------------------------------------------------


@dataclass(frozen=True)
class EntryTranslations:
    """One entry in the overview: how each language of it stands."""

    entry: Entry
    statuses: dict[str, LanguageStatus]

    @cached_property
    def title(self) -> str:
        return f"{self.entry.public_id} {getattr(self.entry, 'name_en', None) or self.entry}"


def translations_of(entries: Iterable[Entry], revisions: dict[tuple[type, int], Revision]):
    """``EntryTranslations`` for each of ``entries`` (loaded with their translated parts'
    English and annotated ``has_<language>`` by ``overview_queryset``), with their open
    ``revisions`` by (model, pk): no query per entry."""
    for entry in entries:
        fingerprint = cache(entry.source_fingerprint)  # type: ignore[attr-defined]
        revision = revisions.get((type(entry), entry.pk))
        yield EntryTranslations(
            entry,
            {
                language: _status(
                    entry,
                    language,
                    revision,
                    has_text=bool(getattr(entry, f"has_{language}")),
                    fingerprint=fingerprint,
                )
                for language in translation_languages()
            },
        )
