"""Search latency for a fixed query mix, measured in process through the real views.

Each request goes through Django's full stack (middleware, view, search, facets,
template), as a reader's would, minus the network. The page cache is emptied before every
request: these are the searches themselves, as a reader meets them the first time. Run it on
a database filled by ``python -m bench demo_data`` (``make bench-search`` does both, on
SQLite and PostgreSQL).
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection
from django.test import Client

from bench.commands.demo_data import Command as GenerateDemoData
from kb.models import SearchDocument, SearchWord, Tactic

QUERY_MIX = [
    ("very common word", "/search/?q=trafficker"),
    ("one word", "/search/?q=passport"),
    ("two words", "/search/?q=fake+payment"),
    ("phrase", "/search/?q=%22prepaid+card%22"),
    ("misspelling", "/search/?q=pasport"),
    ("synonym", "/search/?q=bitcoin"),
    ("multi-word synonym", "/search/?q=hide+ip+address"),
    ("exclusion", "/search/?q=grooming+-gaming"),
    ("or", "/search/?q=wallet+or+proxy"),
    ("nothing matches", "/search/?q=zzqxv+wortlebop"),
    ("description", "/search/?q=an+older+player+in+an+online+game+keeps+sending+my+son+gifts"),
    ("tactic list, q + facet", "/tactics/?q=passport&stage=recruitment"),
    ("tactic list, common, p. 5", "/tactics/?q=trafficker&page=5"),
    ("API search", "/api/search/?q=encrypted+phone"),
]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Report median and 95th-percentile search latency for a fixed query mix."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rounds", type=int, default=10, help="timed runs of each query")
        parser.add_argument(
            "--generate",
            action="store_true",
            help="fill an empty database with demo content (default sizes) first",
        )

    def handle(self, *args, rounds: int, generate: bool, **options) -> None:
        if generate and not Tactic.objects.exists():
            call_command(GenerateDemoData(), stdout=self.stdout)
        if not SearchDocument.objects.exists():
            raise CommandError("Nothing to search: run python -m bench demo_data first.")
        # As in production: no query logging, which DEBUG would switch on.
        settings.DEBUG = False
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        vendor = connection.vendor
        self.stdout.write(
            f"\nSearch latency on {vendor} ({connection.settings_dict['NAME']}): "
            f"{Tactic.objects.count()} tactics, {SearchDocument.objects.count()} search "
            f"documents, {SearchWord.objects.count()} vocabulary words; {rounds} rounds.\n"
        )
        self.stdout.write(f"{'query':<26} {'median ms':>10} {'p95 ms':>8}")
        every = []
        for label, url in QUERY_MIX:
            client.get(url)  # warm-up: database buffers, connections
            samples = []
            for _ in range(rounds):
                cache.clear()
                start = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            every += samples
            self.stdout.write(
                f"{label:<26} {statistics.median(samples):>10.1f} {percentile(samples, 0.95):>8.1f}"
            )
        self.stdout.write(
            f"{'all queries':<26} {statistics.median(every):>10.1f} "
            f"{percentile(every, 0.95):>8.1f}\n"
        )
