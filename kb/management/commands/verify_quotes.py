"""Check every citation's quote against its source's stored text again."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import Truncator

from kb.curation.evidence import recheck_citations
from kb.models import Citation, QuoteStatus, SourceText


class Command(BaseCommand):
    help = (
        "Check every citation's quote against its source's stored text, record each "
        "result, and list the quotes not found (those that matched before first). Exits "
        "with status 1 when any quote is not found, for cron."
    )

    def handle(self, *args, **options) -> None:
        with_text = SourceText.objects.filter(source=OuterRef("source"))
        # Citations whose source has no stored text: recorded as such, nothing to compare.
        no_text = Citation.objects.filter(~Exists(with_text)).update(
            quote_status=QuoteStatus.NO_TEXT, quote_checked_at=timezone.now()
        )
        before = dict(Citation.objects.values_list("pk", "quote_status"))
        checked, failed = 0, []
        for source_id in SourceText.objects.order_by("source_id").values_list(
            "source_id", flat=True
        ):
            for citation, check in recheck_citations(source_id).items():
                checked += 1
                if check.status == QuoteStatus.NOT_FOUND:
                    failed.append(citation)
        # Quotes that matched before come first: a text or a quote changed since.
        failed.sort(key=lambda c: (before.get(c.pk) != QuoteStatus.VERIFIED, c.source_id, c.pk))
        loaded = {
            c.pk: c
            for c in Citation.objects.filter(pk__in=[c.pk for c in failed]).select_related(
                "source", "tactic", "countermeasure"
            )
        }
        for citation in (loaded[c.pk] for c in failed):
            entry = citation.entry
            change = (
                " (no longer matches)" if before.get(citation.pk) == QuoteStatus.VERIFIED else ""
            )
            self.stdout.write(
                f"{entry.public_id if entry else '?'} cites {citation.source.public_id}"
                f"{f' ({citation.locator})' if citation.locator else ''}: "
                f"“{Truncator(citation.quote).chars(100)}” is not in the stored text{change}"
            )
        summary = (
            f"Checked {checked} quotes against stored texts: {checked - len(failed)} found, "
            f"{len(failed)} not found; {no_text} citations' sources have no stored text."
        )
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
