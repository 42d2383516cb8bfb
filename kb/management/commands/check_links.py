"""Check every source's URL and archived-copy URL, record the answers, list broken links."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError

from kb.curation.links import LinkCheckSettings, check_links
from kb.models import Source, canonical_public_id


class Command(BaseCommand):
    help = (
        "Ask every source's URL and archived-copy URL (HEAD, then GET), record what each "
        "answered (the admin lists broken links), and print the broken ones. Exits with "
        "status 1 when any link is broken."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "sources", nargs="*", metavar="SR-0001", help="Only these sources (default: all)."
        )
        parser.add_argument(
            "--timeout", type=float, help="Seconds to wait for one answer (KB_LINK_CHECK_TIMEOUT)."
        )
        parser.add_argument(
            "--max-redirects", type=int, help="Redirects to follow (KB_LINK_CHECK_MAX_REDIRECTS)."
        )
        parser.add_argument(
            "--workers", type=int, help="Hosts asked at once (KB_LINK_CHECK_WORKERS)."
        )
        parser.add_argument(
            "--host-delay",
            type=float,
            help="Seconds between two requests to one host (KB_LINK_CHECK_HOST_DELAY_MS / 1000).",
        )

    def handle(self, *args, sources: list[str], **options) -> None:
        for name in ("timeout", "max_redirects", "workers", "host_delay"):
            if options[name] is not None and options[name] < 0:
                raise CommandError(f"--{name.replace('_', '-')} cannot be negative.")
        chosen = Source.objects.order_by("public_id")
        if sources:
            ids = {typed: canonical_public_id(typed, Source.PUBLIC_ID_PREFIX) for typed in sources}
            unknown = [typed for typed, public_id in ids.items() if public_id is None]
            chosen = chosen.filter(public_id__in=[i for i in ids.values() if i])
            if unknown or chosen.count() != len(ids):
                found = set(chosen.values_list("public_id", flat=True))
                missing = [typed for typed, public_id in ids.items() if public_id not in found]
                raise CommandError(f"No source has the ID {', '.join(missing)}.")
        settings = LinkCheckSettings.from_settings(
            timeout=options["timeout"],
            max_redirects=options["max_redirects"],
            workers=options["workers"],
            host_delay=options["host_delay"],
        )
        checks = check_links(chosen, settings)
        broken = [check for check in checks if not check.ok]
        for check in broken:
            self.stdout.write(
                f"{check.source.public_id} {check.get_link_display()}: {check.url} "
                f"answered {check.answer or 'nothing'}"
                + (f" (broken since {check.broken_since:%Y-%m-%d})" if check.broken_since else "")
            )
        working = len(checks) - len(broken)
        summary = f"Checked {len(checks)} links: {working} working, {len(broken)} broken."
        if broken:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
