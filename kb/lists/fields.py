"""The form fields behind the lists' filters (kb.lists.filters): blanks mean no filter, and
a value that is none of the choices gets its filter's own sentence in plain words."""

from __future__ import annotations

import unicodedata

import django_filters
from django.core.exceptions import ValidationError


def _without_blanks(value):
    # "?actor=" (an empty choice, as forms and hand-edited links send) means no filter.
    return [item for item in value if item not in ("", None)] if value else value


#: How much of a value not understood a message repeats (a pasted paragraph is cut short).
QUOTED_LENGTH = 40


def quoted(value: object) -> str:
    """``value`` as a message repeats it: on one line, and cut short when long."""
    text = " ".join(
        "".join(" " if unicodedata.category(c) == "Cc" else c for c in str(value)).split()
    )
    return text if len(text) <= QUOTED_LENGTH else text[: QUOTED_LENGTH - 1] + "…"


class InPlainWords:
    """A filter's field whose "not one of the choices" error is its filter's own sentence
    ("There is no platform called “whatsap”. Choose one from the list."), instead of
    Django's "Select a valid choice. … is not one of the available choices.", with the
    value repeated short. Every other error keeps its message."""

    def clean(self, value):
        try:
            return super().clean(value)  # type: ignore[misc]
        except ValidationError as error:
            # "invalid_pk_value": a value the database cannot even compare (a NUL, say).
            if getattr(error, "code", None) not in ("invalid_choice", "invalid_pk_value"):
                raise
            params = error.params or {}
            value = params.get("value", params.get("pk", ""))
            raise ValidationError(
                self.error_messages["invalid_choice"],  # type: ignore[attr-defined]
                code="invalid_choice",
                params={"value": quoted(value)},
            ) from None


class TermField(InPlainWords, django_filters.fields.ModelMultipleChoiceField):
    def clean(self, value):
        return super().clean(_without_blanks(value))


class ChoicesField(InPlainWords, django_filters.fields.MultipleChoiceField):
    def clean(self, value):
        return super().clean(_without_blanks(value))


class ChoiceField(InPlainWords, django_filters.fields.ChoiceField):
    pass
