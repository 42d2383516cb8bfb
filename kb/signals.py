"""Keep the public ID counters ahead of rows that arrive with their IDs already set."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Countermeasure, Entry, Source, Tactic, reserve_public_id


@receiver(post_save, sender=Tactic)
@receiver(post_save, sender=Countermeasure)
@receiver(post_save, sender=Source)
def reserve_loaded_public_id(sender: type[Entry], instance: Entry, raw: bool, **kwargs) -> None:
    # raw is True only for fixture loading (loaddata), which bypasses Entry.save().
    if raw:
        reserve_public_id(instance.public_id)
