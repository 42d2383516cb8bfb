"""Restoring an entry's parts (indicators, citations, countermeasure links) together with an
earlier version of the entry, from django-simple-history's tables."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from kb.models import Citation, Countermeasure, Entry, Indicator, Mitigation, Source, Tactic

PARTS = {
    Tactic: (
        (Indicator, "tactic", None),
        (Citation, "tactic", None),
        (Mitigation, "tactic", "countermeasure"),
    ),
    Countermeasure: ((Citation, "countermeasure", None), (Mitigation, "countermeasure", "tactic")),
    Source: (),
}
"""The records edited inline with each kind of entry: their link to it and, for a link
between two entries, the other end."""


def parts_moment(record) -> datetime | None:
    """When the entry's parts were as they went with the historical ``record``: up to the
    entry's next change (an admin save writes the entry, then its parts), or now."""
    later = (
        type(record)
        .objects.filter(id=record.id, history_date__gt=record.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return later - timedelta(microseconds=1) if later else None


def _describe(part) -> str:
    # Not str(part): that may name the very record that no longer exists.
    text = getattr(part, "quote", None) or getattr(part, "text", None) or f"#{part.pk}"
    return Truncator(text).chars(80)


def _key(part, partner: str | None) -> int:
    # A link between two entries is known by its other end; any other part by its own key.
    return getattr(part, f"{partner}_id") if partner else part.pk


def restore_parts(entry: Entry, moment: datetime | None) -> list[str]:
    """Bring the entry's indicators, citations and countermeasure links back to what they
    were at ``moment`` (None: as they are now): those added since go, those removed come
    back, those edited get their old text.

    Only the entry's own parts change. A row that belongs to another entry now (moved
    there since) stays where it is; a link between two entries is restored as the pair it
    was (the row that links the same two entries now, or a new one), never by pulling a row
    away from the entry it links now. A part that refers to a record deleted since cannot
    come back either. The returned messages say what was not restored, and why."""
    if moment is None:
        return []
    skipped = []
    for model, link, partner in PARTS[type(entry)]:
        wanted = {
            _key(part, partner): part
            for part in model.history.as_of(moment).filter(**{f"{link}_id": entry.pk})
        }
        now = {_key(part, partner): part for part in model.objects.filter(**{link: entry})}
        model.objects.filter(pk__in=[p.pk for k, p in now.items() if k not in wanted]).delete()
        owners = dict(
            model.objects.filter(pk__in=[p.pk for p in wanted.values()]).values_list(
                "pk", f"{link}_id"
            )
        )
        links = [field for field in model._meta.concrete_fields if field.is_relation]
        # One query per kind of link, whatever the number of parts.
        existing = {
            field: set(
                field.related_model._base_manager.filter(  # type: ignore[union-attr]  # a relation
                    pk__in={getattr(part, field.attname) for part in wanted.values()}
                ).values_list("pk", flat=True)
            )
            for field in links
        }
        for k, part in wanted.items():
            gone = [
                str(field.verbose_name)
                for field in links
                if (target := getattr(part, field.attname)) is not None
                and target not in existing[field]
            ]
            if gone:
                skipped.append(
                    _(
                        "The %(part)s “%(text)s” was not restored: its %(gone)s has been "
                        "deleted since."
                    )
                    % {
                        "part": model._meta.verbose_name,
                        "text": _describe(part),
                        "gone": ", ".join(gone),
                    }
                )
                continue
            if partner:
                # The pair's row as it is now, or a new row: the old one may link others.
                part.pk = now[k].pk if k in now else None
                part._state.adding = part.pk is None
            elif owners.get(part.pk, entry.pk) != entry.pk:
                skipped.append(
                    _(
                        "The %(part)s “%(text)s” was not restored: it belongs to another "
                        "%(kind)s now."
                    )
                    % {
                        "part": model._meta.verbose_name,
                        "text": _describe(part),
                        "kind": entry._meta.verbose_name,
                    }
                )
                continue
            part.save()
    return skipped
