"""The kb application: what connects its parts when Django starts."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        from kb.caching.pages import share_after_change
        from kb.curation.evidence.quotes import (
            check_citation_before_save,
            recheck_after_text_change,
        )
        from kb.downloads.build import rebuild_after_change
        from kb.models import (
            Citation,
            Countermeasure,
            Source,
            SourceText,
            Tactic,
            content_version_changed,
        )
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
        # Every citation's quote is checked against its source's stored text when it is
        # saved, and all of a source's citations when that text changes (kb.curation.evidence).
        pre_save.connect(check_citation_before_save, sender=Citation, dispatch_uid="kb-quotes")
        post_save.connect(recheck_after_text_change, sender=SourceText, dispatch_uid="kb-text")
        post_delete.connect(recheck_after_text_change, sender=SourceText, dispatch_uid="kb-no-text")
