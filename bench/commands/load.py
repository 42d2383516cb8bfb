"""Load benchmark: the site under gunicorn with production settings, driven by wrk.

For each page (home, a filtered list, tactic pages, tactics' published versions, a search,
an API list) it measures
requests per second and latency at a fixed concurrency, twice:

- **cold**: served by a server with the page cache off (``KB_PAGE_CACHE_SECONDS=0``), so
  every request renders from the database, as a page no reader has asked for since the
  last change does;
- **warm**: the same URLs, after one visit each, from a server with the shared cache.

In the same run, a static file of the tactic page's size is served by the same gunicorn and
whitenoise: the practical ceiling for anything Python serves on this machine. The table
gives each page's throughput as a fraction of it.

``make bench`` fills the PostgreSQL database ``kb_bench`` with demo content first (``demo_data``).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection
from django.test import Client

from bench.commands.demo_data import Command as GenerateDemoData
from bench.gunicorn import Server, gunicorn, production_env
from bench.wrk import require_wrk, run_wrk
from kb import gunicorn as gunicorn_settings
from kb.models import (
    Citation,
    PublishedVersion,
    SearchDocument,
    Source,
    Stage,
    Status,
    Tactic,
    Technology,
)


@dataclass
class Measurement:
    page: str
    state: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    bytes_per_response: int


@dataclass
class PageWeight:
    html: int
    html_gzip: int
    assets: int
    assets_gzip: int
    third_party: int


ASSET = re.compile(
    r'<(?:link[^>]*rel="(?:stylesheet|icon|preload)"[^>]*href|script[^>]*src|img[^>]*src)="([^"]+)"'
)


def fetch(url: str, *, gzip: bool = False) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def page_weight(base_url: str, path: str) -> PageWeight:
    """What a first visit to ``path`` transfers: the page, and the stylesheets, scripts and
    images it loads (feeds and the like, linked but not loaded, are left out)."""
    html = fetch(base_url + path)
    assets = assets_gzip = third_party = 0
    for link in set(ASSET.findall(html.decode())):
        if link.startswith(("http:", "https:", "//")):
            third_party += 1
        elif link.startswith("/static/"):
            assets += len(fetch(base_url + link))
            assets_gzip += len(fetch(base_url + link, gzip=True))
    return PageWeight(len(html), len(gzip_bytes(html)), assets, assets_gzip, third_party)


def gzip_bytes(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


class Command(BaseCommand):
    help = "Drive the site under gunicorn with wrk and compare each page with a static file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--duration", type=int, default=10, help="seconds per run")
        parser.add_argument("--connections", type=int, default=4, help="wrk concurrency")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads")
        parser.add_argument("--workers", type=int, default=0, help="gunicorn workers")
        parser.add_argument(
            "--cache",
            choices=["redis", "files"],
            default="redis",
            help="the page cache: Redis, as several servers share it, or the files one "
            "machine's processes share (the default without REDIS_URL)",
        )
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
            help="the Redis the servers use with --cache redis (flushed before the run)",
        )
        parser.add_argument(
            "--only", nargs="*", default=[], help="page names to measure (default: all)"
        )
        parser.add_argument(
            "--generate",
            action="store_true",
            help="fill an empty database with demo content (default sizes) first",
        )

    def handle(self, *args, **options) -> None:
        require_wrk()
        self.ensure_data(options["generate"])
        self.options = options
        pages = self.pages()
        with self.static_root() as static_dir:
            ceiling_path = self.prepare_static(static_dir, pages["tactic page"][0])
            with self.server(static_dir, KB_PAGE_CACHE_SECONDS="0") as server:
                weights = {page: page_weight(server.url, paths[0]) for page, paths in pages.items()}
                cold = self.run_all(server.url, pages, ceiling_path, "cold")
            with self.server(static_dir) as server:
                warm = self.run_all(server.url, pages, ceiling_path, "warm")
        # One table: each page cold then warm, between the ceiling's first and later runs.
        ceilings = [m for m in cold + warm if m.state == "ceiling"]
        by_page = [m for page in pages for m in cold + warm if m.page == page]
        results = ceilings[:1] + by_page + ceilings[1:]
        self.report(results)
        self.report_weights(weights)
        if any(m.errors for m in results):
            raise CommandError("Some requests failed (see the errors column).")

    def ensure_data(self, generate: bool) -> None:
        if generate and not Tactic.objects.exists():
            call_command(GenerateDemoData(), stdout=self.stdout)
        if not Tactic.objects.published().exists():
            raise CommandError("Nothing to serve: run python -m bench demo_data first.")

    def pages(self) -> dict[str, list[str]]:
        """The URLs of each page type; tactic and version pages rotate over many tactics."""
        rng = random.Random(5)
        tactics = list(
            Tactic.objects.published().order_by("pk").values_list("public_id", "slug")[:5000]
        )
        chosen = rng.sample(tactics, min(500, len(tactics)))
        versions = list(
            PublishedVersion.objects.filter(tactic__status=Status.PUBLISHED)
            .order_by("pk")
            .values_list("tactic__public_id", "number")[:5000]
        )
        stage = Stage.objects.order_by("position").first()
        technology = Technology.objects.order_by("position").first()
        filtered = f"/tactics/?stage={stage.slug}" if stage else "/tactics/"
        if technology:
            filtered += f"&technology={technology.slug}"
        pages = {
            "home": ["/"],
            "filtered list": [filtered],
            "tactic page": [f"/tactics/{pid}/{slug}/" for pid, slug in chosen],
        }
        if versions:
            pages["version page"] = [
                f"/tactics/{pid}/v{number}/"
                for pid, number in rng.sample(versions, min(500, len(versions)))
            ]
        else:
            self.stdout.write(
                "No published versions of tactics here, so no version pages: data generated "
                "before demo_data numbered versions (python -m bench demo_data --replace)."
            )
        pages["search"] = ["/search/?q=fake+job+offer"]
        pages["API list"] = ["/api/tactics/?format=json"]
        return pages

    @contextmanager
    def static_root(self) -> Iterator[Path]:
        """A temporary STATIC_ROOT for the server, removed afterwards."""
        static_dir = Path(tempfile.mkdtemp(prefix="kb-bench-static-"))
        try:
            yield static_dir
        finally:
            shutil.rmtree(static_dir, ignore_errors=True)

    def prepare_static(self, static_dir: Path, tactic_url: str) -> str:
        """Collect the static files, plus one file as large as a tactic page."""
        settings.DEBUG = False
        size = len(Client(HTTP_HOST="127.0.0.1").get(tactic_url, follow=True).content)
        env = {**os.environ, **self.server_env(static_dir)}
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            check=True,
        )
        ceiling = static_dir / "bench" / "ceiling.html"
        ceiling.parent.mkdir()
        ceiling.write_bytes((b"<!-- static ceiling -->\n" + b"x" * size)[:size])
        self.stdout.write(f"Static ceiling: a file of {size:,} bytes, the size of a tactic page.")
        return "/static/bench/ceiling.html"

    def server_env(self, static_dir: Path) -> dict[str, str]:
        if self.options["cache"] == "redis":
            cache = {"REDIS_URL": self.options["redis_url"]}
        else:
            self.cache_dir = static_dir / "cache"
            cache = {"CACHE_DIR": str(self.cache_dir)}
        return production_env(
            static_dir, self.options["workers"], CACHE_KEY_PREFIX="kb-bench", **cache
        )

    def empty_cache(self) -> None:
        """Empty the servers' page cache (they keep nothing of it in memory)."""
        if self.options["cache"] == "redis":
            import redis

            redis.Redis.from_url(self.options["redis_url"]).flushdb()
        else:
            shutil.rmtree(self.cache_dir, ignore_errors=True)

    @contextmanager
    def server(self, static_dir: Path, **env: str) -> Iterator[Server]:
        """gunicorn with the production settings on a free local port, its cache emptied."""
        env = {**self.server_env(static_dir), **env}
        self.empty_cache()
        with gunicorn(env) as server:
            yield server

    def wrk(self, base_url: str, paths: list[str]) -> dict:
        return run_wrk(
            base_url,
            paths,
            connections=self.options["connections"],
            threads=self.options["threads"],
            duration=self.options["duration"],
        )

    def measure(self, base_url: str, page: str, state: str, paths: list[str]) -> Measurement:
        figures = self.wrk(base_url, paths)
        requests = max(figures["requests"], 1)
        measurement = Measurement(
            page=page,
            state=state,
            rps=figures["requests"] / (figures["duration_us"] / 1e6),
            p50_ms=figures["p50"] / 1000,
            p95_ms=figures["p95"] / 1000,
            p99_ms=figures["p99"] / 1000,
            errors=figures["errors"],
            bytes_per_response=figures["bytes"] // requests,
        )
        self.stdout.write(
            f"  {page} ({state}): {measurement.rps:,.0f} req/s, "
            f"median {measurement.p50_ms:.1f} ms, {measurement.errors} errors"
        )
        return measurement

    def run_all(
        self, base_url: str, pages: dict[str, list[str]], ceiling_path: str, state: str
    ) -> list[Measurement]:
        """Each page ``state`` ("cold" or "warm") against one server, between two
        measurements of the static ceiling (the machine's speed drifts during a run)."""
        self.stdout.write(
            f"\nwrk: {self.options['connections']} connections, {self.options['threads']} "
            f"threads, {self.options['duration']} s per run, against {base_url} ({state})"
        )
        results = [self.measure(base_url, "static file", "ceiling", [ceiling_path])]
        for page, paths in pages.items():
            if self.options["only"] and page not in self.options["only"]:
                continue
            if state == "warm":
                for path in paths:  # one visit each fills the cache
                    urllib.request.urlopen(base_url + path, timeout=30).read()
            results.append(self.measure(base_url, page, state, paths))
        results.append(self.measure(base_url, "static file", "ceiling", [ceiling_path]))
        return results

    def report(self, results: list[Measurement]) -> None:
        ceilings = [m.rps for m in results if m.state == "ceiling"]
        ceiling = sum(ceilings) / len(ceilings)
        self.stdout.write(
            f"\nLoad benchmark on {connection.vendor}: {Tactic.objects.count():,} tactics, "
            f"{Source.objects.count():,} sources, {Citation.objects.count():,} citations, "
            f"{SearchDocument.objects.count():,} search documents; "
            f"{os.cpu_count()} CPU cores, {self.options['workers'] or gunicorn_settings.workers} "
            f"gunicorn workers; page cache: {self.options['cache']}.\n"
        )
        header = (
            f"| {'page':<14} | {'cache':<7} | {'req/s':>7} | {'median ms':>9} | "
            f"{'p95 ms':>7} | {'p99 ms':>7} | {'errors':>6} | {'bytes':>7} | "
            f"{'vs static':>9} |"
        )
        self.stdout.write(header)
        self.stdout.write("|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|")
        for m in results:
            self.stdout.write(
                f"| {m.page:<14} | {m.state:<7} | {m.rps:>7,.0f} | {m.p50_ms:>9.1f} | "
                f"{m.p95_ms:>7.1f} | {m.p99_ms:>7.1f} | {m.errors:>6} | "
                f"{m.bytes_per_response:>7,} | {m.rps / ceiling:>8.0%} |"
            )

    def report_weights(self, weights: dict[str, PageWeight]) -> None:
        self.stdout.write(
            "\nPage weight of a first visit: the page, plus the stylesheet, script and images "
            "it loads. Static files are served gzipped by whitenoise; pages are served as "
            "they are, and the gzip column says what a compressing proxy would send.\n"
        )
        self.stdout.write(
            "| page           | HTML bytes | HTML gzip | assets | assets gzip | total gzip | "
            "third-party |"
        )
        self.stdout.write("|---|---:|---:|---:|---:|---:|---:|")
        for page, w in weights.items():
            self.stdout.write(
                f"| {page:<14} | {w.html:>10,} | {w.html_gzip:>9,} | {w.assets:>6,} | "
                f"{w.assets_gzip:>11,} | {w.html_gzip + w.assets_gzip:>10,} | "
                f"{w.third_party:>11} |"
            )
