"""Downloads benchmark: what building each download costs, and a load check of serving them.

1. **Build**: each file of an edition is built on its own, in a process of its own, for its
   time and that process's peak resident memory (the kernel's count, from ``wait4``); then
   the whole edition, as ``manage.py build_downloads`` builds it. A process with Django and
   kb loaded that builds nothing gives the baseline.
2. **Load check**: gunicorn with production settings and the shared Redis cache serves the
   built edition. wrk drives a cached page (``/tactics/`` by default) for ``--duration``
   seconds; a second after it starts, every download is fetched by two concurrent
   requests, one file after another (``--rounds`` times), all within wrk's run. The check
   fails if the cached page's p99 reaches ``--max-p99-ms`` (100) or any request fails.

Run it on the generated data set: ``make bench-downloads`` (PostgreSQL ``kb_bench``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bench.gunicorn import current_database_url, gunicorn, production_env
from bench.wrk import require_wrk, run_wrk
from kb import gunicorn as gunicorn_settings
from kb.downloads.editions import FILES, Edition
from kb.models import Citation, Countermeasure, Source, Tactic, current_content_version

NOTHING = "nothing"  # --build-one: load Django and kb, build nothing (the baseline)


@dataclass
class Build:
    """What building one thing took."""

    what: str
    seconds: float
    peak_mib: float
    bytes: int = 0


@dataclass
class Fetches:
    """The downloads fetched during the load check."""

    completed: int = 0
    bytes: int = 0
    errors: list[str] = field(default_factory=list)
    slowest: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, size: int) -> None:
        with self.lock:
            self.completed += 1
            self.bytes += size
            self.slowest = max(self.slowest, seconds)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``command`` to its end: its wall-clock seconds, its peak resident memory in MiB
    and its standard output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise CommandError(f"{' '.join(command)} failed ({process.returncode}).")
    # Linux counts ru_maxrss in KiB.
    return time.perf_counter() - started, usage.ru_maxrss / 1024, output


def fetch_whole(url: str, fetches: Fetches) -> None:
    """Download ``url`` to the end, checking the status and that every byte came."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            expected = int(response.headers["Content-Length"])
            size = 0
            while block := response.read(1 << 20):
                size += len(block)
            if response.status != 200 or size != expected:
                fetches.fail(f"{url}: {response.status}, {size:,} of {expected:,} bytes")
                return
    except OSError as error:
        fetches.fail(f"{url}: {error}")
        return
    fetches.record(time.perf_counter() - started, size)


class Command(BaseCommand):
    help = (
        "Build time and peak memory of each download, then a load check: two concurrent "
        "requests for each download while a cached page keeps its p99 under 100 ms."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--duration", type=int, default=10, help="seconds of load")
        parser.add_argument(
            "--rounds", type=int, default=1, help="times every download is fetched, in pairs"
        )
        parser.add_argument("--connections", type=int, default=4, help="wrk concurrency")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads")
        parser.add_argument("--workers", type=int, default=0, help="gunicorn workers")
        parser.add_argument("--page", default="/tactics/", help="the cached page wrk drives")
        parser.add_argument("--max-p99-ms", type=float, default=100.0)
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
            help="the Redis the server caches pages in (only this run's keys are removed)",
        )
        parser.add_argument(
            "--load-only",
            action="store_true",
            help="build the edition once, without measuring each file, then the load check",
        )
        parser.add_argument(
            "--build-one",
            choices=[*FILES, NOTHING],
            help="(used by the benchmark itself) build this one file into --into, and exit",
        )
        parser.add_argument("--into", help="(with --build-one) the folder to write into")

    def handle(self, *args, **options) -> None:
        if options["build_one"]:
            self.build_one(options["build_one"], Path(options["into"]))
            return
        require_wrk()
        if not Tactic.objects.published().exists():
            raise CommandError("Nothing to serve: run python -m bench demo_data first.")
        self.options = options
        work = Path(tempfile.mkdtemp(prefix="kb-bench-downloads-"))
        try:
            if options["load_only"]:
                build = [sys.executable, "manage.py", "build_downloads", "-v0"]
                run_measured(build, self.child_env(work / "downloads"))
            else:
                self.report_builds(self.measure_builds(work))
            self.load_check(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    # --- building ----------------------------------------------------------------------

    def build_one(self, name: str, folder: Path) -> None:
        """Build the one file ``name`` of the current version, as a build does."""
        import gc

        from kb.downloads.build import write_file

        gc.freeze()  # as manage.py build_downloads does
        version = current_content_version()
        if name == NOTHING:
            return
        folder.mkdir(parents=True, exist_ok=True)
        edition = Edition(folder, version.number, version.changed_at, timezone.now())
        figures = write_file(name, folder / name, edition)
        self.stdout.write(json.dumps(figures))

    def child_env(self, downloads: Path) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": current_database_url(),
            "KB_DOWNLOADS_DIR": str(downloads),
            "LOG_LEVEL": "WARNING",
        }

    def measure_builds(self, work: Path) -> list[Build]:
        env = self.child_env(work / "downloads")
        builds = []
        for name in [NOTHING, *FILES]:
            command = [sys.executable, "-m", "bench", "downloads", "--build-one", name]
            seconds, peak, output = run_measured([*command, "--into", str(work / "one")], env)
            size = json.loads(output)["bytes"] if name != NOTHING else 0
            builds.append(Build(name, seconds, peak, size))
            self.stdout.write(f"  built {name}: {seconds:.1f} s, peak {peak:,.0f} MiB")
        seconds, peak, _ = run_measured(
            [sys.executable, "manage.py", "build_downloads", "-v0"], env
        )
        total = sum(b.bytes for b in builds)
        builds.append(Build("whole edition", seconds, peak, total))
        return builds

    def report_builds(self, builds: list[Build]) -> None:
        self.stdout.write(
            f"\nBuilding the downloads on {connection.vendor}: {Tactic.objects.count():,} "
            f"tactics, {Countermeasure.objects.count():,} countermeasures, "
            f"{Source.objects.count():,} sources, {Citation.objects.count():,} citations; "
            f"{os.cpu_count()} CPU cores. Each in a process of its own (seconds include "
            "starting Django); peak is the process's resident memory.\n"
        )
        self.stdout.write("| file | bytes | seconds | peak MiB |")
        self.stdout.write("|---|---:|---:|---:|")
        for b in builds:
            what = "Django and kb loaded, nothing built" if b.what == NOTHING else b.what
            self.stdout.write(f"| {what} | {b.bytes:,} | {b.seconds:.1f} | {b.peak_mib:,.0f} |")

    # --- serving -----------------------------------------------------------------------

    def server_env(self, work: Path) -> dict[str, str]:
        self.cache_prefix = f"kb-bench-downloads-{secrets.token_hex(4)}"
        return production_env(
            work / "static",
            self.options["workers"],
            REDIS_URL=self.options["redis_url"],
            # Keys of this run alone: the cache starts empty without emptying anyone's.
            CACHE_KEY_PREFIX=self.cache_prefix,
            KB_DOWNLOADS_DIR=str(work / "downloads"),
            # The edition is built: nothing may start a build during the measurement.
            KB_DOWNLOADS_BUILD_IN_BACKGROUND="0",
        )

    def load_check(self, work: Path) -> None:
        env = self.server_env(work)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env={**os.environ, **env},
            cwd=settings.BASE_DIR,
            check=True,
        )
        try:
            with gunicorn(env) as server:
                figures, fetches = self.drive(server.url)
        finally:
            self.remove_cached_pages()
        self.report_load(figures, fetches)

    def drive(self, base_url: str) -> tuple[dict, Fetches]:
        page, duration = self.options["page"], self.options["duration"]
        for _ in range(2):  # the first visit stores the page; the second is served from it
            urllib.request.urlopen(base_url + page, timeout=30).read()
        for name in FILES:
            head = urllib.request.Request(f"{base_url}/downloads/{name}", method="HEAD")
            with urllib.request.urlopen(head, timeout=30) as response:
                if response.headers["KB-Edition"] != "current":
                    raise CommandError(f"{name} is not served from the built edition.")
        results: dict = {}
        wrk = threading.Thread(
            target=lambda: results.update(
                run_wrk(
                    base_url,
                    [page],
                    connections=self.options["connections"],
                    threads=self.options["threads"],
                    duration=duration,
                )
            )
        )
        self.stdout.write(
            f"\nLoad check: wrk on {page} ({self.options['connections']} connections, "
            f"{duration} s); meanwhile every download, by two concurrent requests..."
        )
        fetches = Fetches()
        wrk.start()
        time.sleep(1)  # wrk first: the downloads land on a page already under load
        for _ in range(self.options["rounds"]):
            for name in FILES:
                pair = [
                    threading.Thread(
                        target=fetch_whole, args=(f"{base_url}/downloads/{name}", fetches)
                    )
                    for _ in range(2)
                ]
                for fetch in pair:
                    fetch.start()
                for fetch in pair:
                    fetch.join()
        if not wrk.is_alive():
            raise CommandError("The downloads outlasted wrk's run: give a longer --duration.")
        wrk.join()
        return results, fetches

    def remove_cached_pages(self) -> None:
        import redis

        client = redis.Redis.from_url(self.options["redis_url"])
        for key in client.scan_iter(match=f"{self.cache_prefix}:*"):
            client.delete(key)

    def report_load(self, figures: dict, fetches: Fetches) -> None:
        p99 = figures["p99"] / 1000
        rps = figures["requests"] / (figures["duration_us"] / 1e6)
        workers = self.options["workers"] or gunicorn_settings.workers
        self.stdout.write(
            f"\n{workers} gunicorn workers, page cache in Redis.\n\n"
            f"| cached page | requests | req/s | median ms | p99 ms | max ms | errors |\n"
            f"|---|---:|---:|---:|---:|---:|---:|\n"
            f"| {self.options['page']} | {figures['requests']:,} | {rps:,.0f} | "
            f"{figures['p50'] / 1000:.1f} | {p99:.1f} | {figures['max'] / 1000:.1f} | "
            f"{figures['errors']} |\n\n"
            f"Downloads meanwhile: {fetches.completed} complete ({fetches.bytes / 2**20:,.0f} "
            f"MiB), slowest {fetches.slowest:.2f} s, {len(fetches.errors)} errors."
        )
        for error in fetches.errors[:10]:
            self.stdout.write(f"  {error}")
        failures = []
        if p99 >= self.options["max_p99_ms"]:
            failures.append(f"the cached page's p99 is {p99:.1f} ms")
        if figures["errors"] or fetches.errors:
            failures.append("some requests failed")
        if fetches.completed + len(fetches.errors) < 2 * len(FILES) * self.options["rounds"]:
            failures.append("not every download was fetched during the load")
        if failures:
            raise CommandError("Load check failed: " + "; ".join(failures) + ".")
        self.stdout.write("Load check passed.")
