"""``manage.py check_content``: the publication checks over the whole knowledge base."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kb.curation.checks import failures, publication_problems, warnings
from kb.models import Countermeasure, Source, Tactic


class Command(BaseCommand):
    help = (
        "Run the checks a reviewer would make before publishing over every published entry "
        "(and, with --all, every entry), and list each problem. Exits with status 1 when "
        "any check fails, for cron and CI."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Check drafts and entries in review too."
        )
        parser.add_argument("--warnings", action="store_true", help="List warnings too.")

    def handle(self, *args, **options) -> None:
        failed = warned = checked = 0
        for model in (Source, Tactic, Countermeasure):
            entries = model.objects.all() if options["all"] else model.objects.published()
            for entry in entries.order_by("public_id").iterator(chunk_size=500):
                checked += 1
                title = entry.title if isinstance(entry, Source) else entry.name
                name = f"{entry.public_id} {title}"
                problems = publication_problems(entry)
                for problem in failures(problems):
                    failed += 1
                    self.stdout.write(f"{name}: {problem}")
                for problem in warnings(problems):
                    warned += 1
                    if options["warnings"]:
                        self.stdout.write(f"{name} (warning): {problem}")
        self.stdout.write(
            f"Checked {checked} entries: {failed} failures, {warned} warnings"
            + ("" if options["warnings"] else " (--warnings lists them)")
            + "."
        )
        if failed:
            raise CommandError("Some entries fail the publication checks.", returncode=1)
