"""The query plans behind the main pages, for review on a large database (PostgreSQL).

Renders each page once in process with the page cache out of the way, captures its SQL and
runs ``EXPLAIN (ANALYZE, BUFFERS)`` on every query, printing its time and the plan's scans.
Sequential scans of large tables are flagged: each one is either a choice the planner
rightly makes (most rows match) or a missing index. docs/performance.md records what
this showed.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.core.management import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kb.models import Stage, Tactic, Technology

SCAN = re.compile(r"((?:Parallel )?(?:Seq|Index Only|Index|Bitmap Heap|Bitmap Index) Scan[^(]*)")
LARGE_TABLE_ROWS = 5000


class Command(BaseCommand):
    help = "EXPLAIN ANALYZE the queries of the main pages (PostgreSQL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("urls", nargs="*", help="pages to explain (default: the main ones)")

    def handle(self, *args, urls: list[str], **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Query plans are reviewed on PostgreSQL.")
        settings.DEBUG = False
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        for url in urls or self.main_pages():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                status = client.get(url).status_code
            self.stdout.write(f"\n== {url} ({status}, {len(captured)} queries)")
            for query in captured:
                self.explain(query["sql"])

    def main_pages(self) -> list[str]:
        tactic = Tactic.objects.published().order_by("pk").first()
        stage = Stage.objects.order_by("position").first()
        technology = Technology.objects.order_by("position").first()
        if tactic is None or stage is None or technology is None:
            raise CommandError("Nothing to explain: run python -m bench demo_data first.")
        return [
            "/",
            f"/tactics/?stage={stage.slug}&technology={technology.slug}",
            "/tactics/?sort=updated&page=50",
            tactic.get_absolute_url(),
            "/search/?q=fake+job+offer",
            "/api/tactics/?format=json",
        ]

    def explain(self, sql: str) -> None:
        if not sql.lstrip().upper().startswith("SELECT"):
            return
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
        total = next((line for line in plan if line.startswith("Execution Time")), "")
        self.stdout.write(f"  {total.removeprefix('Execution Time: '):>12}  {sql[:110]}")
        for line in plan:
            scan = SCAN.search(line)
            if not scan:
                continue
            rows = re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", line)
            flag = ""
            if "Seq Scan" in line and rows and int(rows.group(1)) >= LARGE_TABLE_ROWS:
                flag = "  <- sequential scan of many rows"
            self.stdout.write(f"      {scan.group(1).strip()}{flag}")
