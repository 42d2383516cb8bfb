"""The history of entries and their parts, kept by django-simple-history, indexed for the
reads that rebuild an entry as it was published at a moment."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class History(HistoricalRecords):
    """django-simple-history's records, with an index on each historical table for reading
    it "as of" a moment.

    ``Model.history.as_of(moment)`` keeps, for each row, its latest record up to the moment:
    for every candidate record it asks whether the same row has a later one
    (``id = … AND history_date > …``). Without an index on ``(id, history_date)`` each of
    those questions walks every record of the row and checks its date; with it, the answer
    is one index probe. simple-history's own indexes are on ``id`` and on ``history_date``
    separately (its "composite" option puts the date first, which does not serve this
    probe). The foreign keys a version page filters by (``tactic_id``, ``source_id``...)
    are indexed already, as every foreign key is.
    """

    def get_meta_options(self, model: type[models.Model]) -> dict:
        """The historical model's Meta, plus the index on ``(id, history_date)``."""
        options = super().get_meta_options(model)
        options["indexes"] = [
            models.Index(
                fields=[model._meta.pk.attname, "history_date"],
                name=f"hist_{model._meta.model_name}_as_of",
            )
        ]
        return options

    def create_history_model(self, model: type[models.Model], inherited: bool) -> type:
        """The historical model, which reads translated fields as the model does
        (``record.name`` in the reader's language; kb.models.translations)."""
        history_model = super().create_history_model(model, inherited)
        translated = getattr(model, "TRANSLATED_FIELDS", {})
        for name in translated:
            setattr(history_model, name, getattr(model, name))
        history_model.TRANSLATED_FIELDS = translated
        return history_model
