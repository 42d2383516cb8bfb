"""Signal receivers that keep search documents in step with every change to what they show
(connected by kb.apps).

Fixture loading (``raw``) and bulk operations (``kb.bulk.operation()``) are skipped: their
callers rebuild the index once at the end.
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from kb.models import (
    Actor,
    Category,
    Citation,
    Countermeasure,
    Entry,
    Indicator,
    Platform,
    Source,
    Stage,
    Tactic,
    TargetGroup,
    Technology,
)
from kb.search import indexing


@receiver(post_save, sender=Tactic)
@receiver(post_save, sender=Countermeasure)
@receiver(post_save, sender=Source)
def entry_saved(sender: type[Entry], instance: Entry, raw: bool, **kwargs) -> None:
    if raw:
        return
    indexing.reindex(sender, [instance.pk])
    if isinstance(instance, Source):
        # Quotes from a source are searchable only while the source is published.
        cited = Citation.objects.filter(source=instance)
        indexing.reindex(Tactic, cited.values_list("tactic", flat=True).exclude(tactic=None))
        indexing.reindex(
            Countermeasure,
            cited.values_list("countermeasure", flat=True).exclude(countermeasure=None),
        )


@receiver(pre_delete, sender=Tactic)
@receiver(pre_delete, sender=Countermeasure)
@receiver(pre_delete, sender=Source)
def entry_deleted(sender: type[Entry], instance: Entry, **kwargs) -> None:
    indexing.forget(instance)


def _part_of_entry_deletion(kwargs: dict) -> bool:
    # When entries are deleted (one, or a queryset of them), their indicators and citations
    # go with them; reindexing the entries from those signals would bring back the documents
    # forget() just removed.
    origin = kwargs.get("origin")
    if isinstance(origin, QuerySet):
        return issubclass(origin.model, Entry)
    return isinstance(origin, Entry)


@receiver(post_save, sender=Indicator)
@receiver(post_delete, sender=Indicator)
def indicator_changed(sender, instance: Indicator, raw: bool = False, **kwargs) -> None:
    if not raw and not _part_of_entry_deletion(kwargs):
        indexing.reindex(Tactic, [instance.tactic_id])


@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
def citation_changed(sender, instance: Citation, raw: bool = False, **kwargs) -> None:
    if raw or _part_of_entry_deletion(kwargs):
        return
    if instance.tactic_id:
        indexing.reindex(Tactic, [instance.tactic_id])
    if instance.countermeasure_id:
        indexing.reindex(Countermeasure, [instance.countermeasure_id])


TERM_LINKS = [
    Tactic.technologies.through,
    Tactic.platforms.through,
    Tactic.stages.through,
    Tactic.target_groups.through,
    Countermeasure.actors.through,
]


def _links_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        # A term gained or lost entries: pk_set holds the entries (None after a clear).
        indexing.reindex(model, pk_set or [])
    else:
        indexing.reindex(type(instance), [instance.pk])


for through in TERM_LINKS:
    m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"kb-search-{through}")


def _entries_of(term) -> tuple[type, list[int]]:
    """The kind of entry a vocabulary term classifies, and the ids of those it does."""
    if isinstance(term, Actor):
        return Countermeasure, list(term.countermeasures.values_list("pk", flat=True))
    return Tactic, list(term.tactics.values_list("pk", flat=True))


@receiver(post_save, sender=Category)
@receiver(post_save, sender=Technology)
@receiver(post_save, sender=Platform)
@receiver(post_save, sender=Stage)
@receiver(post_save, sender=TargetGroup)
@receiver(post_save, sender=Actor)
def term_renamed(sender, instance, raw: bool, created: bool, **kwargs) -> None:
    if not raw and not created:
        indexing.reindex(*_entries_of(instance))


@receiver(pre_delete, sender=Technology)
@receiver(pre_delete, sender=Platform)
@receiver(pre_delete, sender=Stage)
@receiver(pre_delete, sender=TargetGroup)
@receiver(pre_delete, sender=Actor)
def term_deleting(sender, instance, **kwargs) -> None:
    # The links disappear with the term, without m2m_changed: remember who had it.
    instance._kb_linked_entries = _entries_of(instance)


@receiver(post_delete, sender=Technology)
@receiver(post_delete, sender=Platform)
@receiver(post_delete, sender=Stage)
@receiver(post_delete, sender=TargetGroup)
@receiver(post_delete, sender=Actor)
def term_deleted(sender, instance, **kwargs) -> None:
    linked = getattr(instance, "_kb_linked_entries", None)
    if linked:
        indexing.reindex(*linked)
