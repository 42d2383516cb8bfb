"""Restoring an entry's parts (indicators, citations, countermeasure links) together with an
earlier version of the entry, from django-simple-history's tables."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.text import Truncator

from kb.models import Citation, Countermeasure, Entry, Indicator, Mitigation, Source, Tactic

PARTS = {
    Tactic: ((Indicator, "tactic"), (Citation, "tactic"), (Mitigation, "tactic")),
    Countermeasure: ((Citation, "countermeasure"), (Mitigation, "countermeasure")),
    Source: (),
}
"""The records edited inline with each kind of entry, and their link to it."""


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


def restore_parts(entry: Entry, moment: datetime | None) -> list[str]:
    """Bring the entry's indicators, citations and countermeasure links back to what they
    were at ``moment`` (None: as they are now): those added since go, those removed come
    back, those edited get their old text. A part that refers to a record deleted since
    cannot come back; the returned messages say which."""
    if moment is None:
        return []
    skipped = []
    for model, link in PARTS[type(entry)]:
        wanted = {
            part.pk: part for part in model.history.as_of(moment).filter(**{f"{link}_id": entry.pk})
        }
        model.objects.filter(**{link: entry}).exclude(pk__in=wanted).delete()
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
        for part in wanted.values():
            gone = [
                str(field.verbose_name)
                for field in links
                if (target := getattr(part, field.attname)) is not None
                and target not in existing[field]
            ]
            if gone:
                skipped.append(
                    f"The {model._meta.verbose_name} “{_describe(part)}” was not restored: "
                    f"its {', '.join(gone)} has been deleted since."
                )
                continue
            part.save()
    return skipped
