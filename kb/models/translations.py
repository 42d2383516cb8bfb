"""Content in the reader's language.

English is the source language: every entry is written, reviewed and cited in English
first. A translated field is one column per language (``name_en``, ``name_es``...), made by
django-translated-fields from ``settings.LANGUAGES``; adding a language is a settings entry
and a migration. Reading ``entry.name`` gives the text in the active language, or the
English where there is no translation yet; writing ``entry.name`` writes the English.

What a translation was made from is recorded per language (``Translatable.translated_from``:
a fingerprint of the English it translates), so a translation whose English has changed
since is known to be *outdated*, without anyone having to remember to say so.

Translations of a public entry change only through its pending revision, as every other
edit does (kb.curation.workflow): the columns of a public entry hold published text only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Expression, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.text import format_lazy
from django.utils.translation import get_language
from translated_fields import TranslatedField

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


#: The language every entry is written in first, and the one shown where a translation is
#: missing.
SOURCE_LANGUAGE = "en"


def content_languages() -> list[str]:
    """Every language kb is read in, the source language first."""
    codes = [code for code, _name in settings.LANGUAGES]
    return [SOURCE_LANGUAGE, *(code for code in codes if code != SOURCE_LANGUAGE)]


def translation_languages() -> list[str]:
    """The languages entries are translated into (every language but the source)."""
    return content_languages()[1:]


def language_name(code: str) -> str:
    """The language's name as settings.LANGUAGES gives it (in that language)."""
    return dict(settings.LANGUAGES).get(code, code)


def reading_language() -> str:
    """The language of the request being answered (English outside any request)."""
    language = (get_language() or SOURCE_LANGUAGE).split("-")[0]
    return language if language in content_languages() else SOURCE_LANGUAGE


def column(name: str, language: str) -> str:
    """The attribute of ``name`` in ``language``: ``column("name", "es") == "name_es"``."""
    return f"{name}_{language}".replace("-", "_").lower()


class Translated(TranslatedField):
    """A field written in English and translated into every other language of the site.

    The English column keeps the field's own options (required or not); translations are
    always optional. ``entry.name`` reads the active language's text, falling back to the
    English when it has none, and writes the English (code that edits content edits the
    source; translators write ``name_es`` and the like explicitly). Being a property, it
    also works as a keyword argument: ``Tactic(name=...)``.
    """

    def __init__(self, field: models.Field, **kwargs: Any) -> None:
        verbose_name = field.verbose_name or ""
        specific: dict[str, dict[str, Any]] = {}
        for code in content_languages():
            options: dict[str, Any] = {"verbose_name": _language_label(verbose_name, code)}
            if code != SOURCE_LANGUAGE:
                options |= {"blank": True, "unique": False, "db_index": False}
            specific[code] = options
        super().__init__(field, specific, languages=content_languages(), **kwargs)

    if TYPE_CHECKING:
        # What the property put in the descriptor's place reads and writes.
        def __get__(self, instance: Any, owner: Any = None) -> Any: ...
        def __set__(self, instance: Any, value: Any) -> None: ...

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        super().contribute_to_class(cls, name)
        self.name = name

        def read(instance: models.Model) -> Any:
            return getattr(instance, column(name, reading_language())) or getattr(
                instance, column(name, SOURCE_LANGUAGE)
            )

        def write(instance: models.Model, value: Any) -> None:
            setattr(instance, column(name, SOURCE_LANGUAGE), value)

        setattr(cls, name, property(read, write, doc=f"{name} in the reader's language"))
        cls._meta.__dict__.pop("_property_names", None)  # so Model(name=...) sees it
        translated = dict(getattr(cls, "TRANSLATED_FIELDS", {}))
        translated[name] = self.fields
        cls.TRANSLATED_FIELDS = translated  # type: ignore[attr-defined]


def _language_label(verbose_name: str | _StrPromise, code: str) -> str | _StrPromise:
    # The English column keeps the field's plain label (forms and the admin show it as
    # before); a translation's label says which language it holds.
    if code == SOURCE_LANGUAGE or not verbose_name:
        return verbose_name or ""
    return format_lazy("{} ({})", verbose_name, code)


def translated_names(model: type[models.Model] | models.Model) -> list[str]:
    """The translated fields of ``model`` (``["name", "summary", ...]``)."""
    return list(getattr(model, "TRANSLATED_FIELDS", {}))


def translated_columns_of(model: type[models.Model], name: str) -> list[str]:
    """Every language's column of translated field ``name`` (for ``only()``)."""
    return [column(name, code) for code in content_languages()]


def translated_columns(model: type[models.Model] | models.Model, language: str) -> list[str]:
    """The columns of ``model`` that hold ``language``'s text."""
    return [column(name, language) for name in translated_names(model)]


def is_translated(instance: models.Model, name: str, language: str | None = None) -> bool:
    """Whether ``instance.<name>`` has a text of its own in ``language`` (the reader's by
    default); English always has."""
    language = language or reading_language()
    return language == SOURCE_LANGUAGE or bool(getattr(instance, column(name, language), ""))


def shown_language(instance: models.Model, name: str) -> str:
    """The language ``instance.<name>`` is shown in to the reader: theirs where it is
    translated, else English (what a ``lang`` attribute should say)."""
    language = reading_language()
    return language if is_translated(instance, name, language) else SOURCE_LANGUAGE


def in_reading_language(name: str) -> F | Coalesce:
    """An expression for translated field ``name`` in the reader's language, falling back
    to the English where it has none (for ordering by a translated name)."""
    english = F(column(name, SOURCE_LANGUAGE))
    language = reading_language()
    if language == SOURCE_LANGUAGE:
        return english
    return Coalesce(NullIf(F(column(name, language)), Value("")), english)


def text_ordering(ordering: Iterable[str | Expression], model: type[models.Model]) -> tuple:
    """``ordering`` (``order_by`` arguments) with each translated field of ``model`` taken
    in the reader's language: "name" sorts Spanish names on the Spanish site. Expressions
    (``Length("public_id")``) are kept as they are."""
    translated = translated_names(model)
    ordered: list[Any] = []
    for term in ordering:
        if not isinstance(term, str) or term.lstrip("-") not in translated:
            ordered.append(term)
            continue
        expression = in_reading_language(term.lstrip("-"))
        ordered.append(expression.desc() if term.startswith("-") else expression.asc())
    return tuple(ordered)


def fingerprint(values: Iterable[str]) -> str:
    """A short, stable fingerprint of English texts: what a translation was made from."""
    encoded = json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:16]


class Translatable(models.Model):
    """An entry whose text is translated, and what each translation was made from.

    ``translated_from`` maps a language to the fingerprint of the English its translation
    was made from (``source_fingerprint()`` at that moment). When the English changes, the
    fingerprints no longer agree and the translation is *outdated* until a translator
    brings it up to date (or confirms it still says the same) and a reviewer publishes it.
    """

    translated_from = models.JSONField(
        "translated from",
        default=dict,
        blank=True,
        editable=False,
        help_text="For each language, a fingerprint of the English its translation was made from.",
    )

    class Meta:
        abstract = True

    def source_texts(self) -> list[str]:
        """Every English text a translation of this entry translates: its own translated
        fields, then its parts' (red flags, notes on links, the quotes of citations)."""
        texts = [
            getattr(self, column(name, SOURCE_LANGUAGE)) or "" for name in translated_names(self)
        ]
        for part in self.translated_parts():
            texts += part.english_texts()  # type: ignore[attr-defined]
        return texts

    def translated_parts(self) -> list[models.Model]:
        """The rows translated with the entry (each kind of entry says which)."""
        return []

    def source_fingerprint(self) -> str:
        return fingerprint(self.source_texts())

    def has_translation(self, language: str) -> bool:
        """Whether the entry has a translation in ``language`` (its name and summary at
        least): then its page is in that language, else in English with a note."""
        if language == SOURCE_LANGUAGE:
            return True
        required = [name for name in ("name", "summary") if name in translated_names(self)]
        return bool(required) and all(is_translated(self, name, language) for name in required)

    def is_outdated(self, language: str) -> bool:
        """Whether the translation into ``language`` was made from English that has
        changed since."""
        if language == SOURCE_LANGUAGE or not self.has_translation(language):
            return False
        return self.translated_from.get(language) != self.source_fingerprint()

    def record_translation(self, language: str) -> None:
        """Record that the ``language`` translation now matches the current English (the
        caller saves the entry)."""
        self.translated_from = {**self.translated_from, language: self.source_fingerprint()}
