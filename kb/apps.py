"""The kb application: what connects its parts when Django starts."""

from django.apps import AppConfig
from django.db.models.signals import post_save


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        from kb.caching.pages import share_after_change
        from kb.downloads.build import rebuild_after_change
        from kb.models import Countermeasure, Source, Tactic, content_version_changed
        from kb.models.content import watch_content
        from kb.models.workflow import reserve_loaded_public_id

        from . import search  # noqa: F401
        from .curation import admin  # noqa: F401  (registers the curation admin)
        from .search import signals  # noqa: F401  (search documents follow the content)

        for model in (Tactic, Countermeasure, Source):
            post_save.connect(
                reserve_loaded_public_id, sender=model, dispatch_uid=f"kb-ids-{model}"
            )
        watch_content()
        content_version_changed.connect(share_after_change, dispatch_uid="kb-share-version")
        content_version_changed.connect(rebuild_after_change, dispatch_uid="kb-downloads")
