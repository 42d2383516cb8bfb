"""Soak: the site under sustained load at saturation, for errors and memory growth.

The load benchmark's server (gunicorn, production settings, the shared Redis cache) is
driven by wrk for a minute with every kind of page at once: cached and uncached pages,
lists, tactic pages, searches and the API, with more connections than there are workers.
Worker recycling (GUNICORN_MAX_REQUESTS) is switched off, so that slow growth would show
instead of being reset. After a warm-up (imports, caches and connections settle), the
memory of the master and every worker is sampled throughout. The warm-up is long because a
worker's memory rises to the high-water mark of its heaviest requests before it levels off
(the allocator keeps what it has had), which is growth but not a leak.

The command prints the figures and fails if any request failed, a worker was replaced, or
memory grew by more than ``--max-growth`` percent between the end of the warm-up and the
end of the run.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.core.management import CommandError

from bench.gunicorn import Server
from bench.wrk import require_wrk, run_wrk
from kb.models import SearchWord, Tactic

from .load import Command as LoadBenchmark


def memory_kib(pid: int) -> int:
    """A process's proportional set size: its private memory plus its share of pages it
    shares with others (forked workers share most of the master's)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    raise RuntimeError(f"no Pss for process {pid}")


def server_memory_kib(server: Server) -> dict[int, int]:
    return {pid: memory_kib(pid) for pid in [server.pid, *server.worker_pids()]}


class Command(LoadBenchmark):
    help = (
        "Sustained load at saturation (60 s after a 60 s warm-up, 16 connections) on every "
        "kind of page; fails on any error, a replaced worker, or memory growth."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(duration=60, connections=16)
        parser.add_argument("--warmup", type=int, default=60, help="seconds before measuring")
        parser.add_argument("--sample-every", type=float, default=5.0, help="seconds")
        parser.add_argument(
            "--max-growth", type=float, default=5.0, help="percent of memory growth allowed"
        )

    def handle(self, *args, **options) -> None:
        require_wrk()
        self.ensure_data(options["generate"])
        self.options = options
        warm_up, mix = self.mix(0), self.mix(1)
        with self.static_root() as static_dir:
            self.prepare_static(static_dir, mix[0])
            with self.server(static_dir, GUNICORN_MAX_REQUESTS="0") as server:
                self.stdout.write(f"Warm-up: {options['warmup']} s.")
                self.load(server, warm_up, options["warmup"])
                workers = server.worker_pids()
                figures, samples = self.sample_while(server, lambda: self.load(server, mix))
                replaced = server.worker_pids() != workers
        growth = self.report_soak(figures, samples, len(set(mix)), workers)
        failures = []
        if figures["errors"]:
            failures.append(f"{figures['errors']} requests failed")
        if replaced:
            failures.append("a worker was replaced during the run")
        if growth > options["max_growth"]:
            failures.append(f"memory grew by {growth:.1f}% (allowed {options['max_growth']}%)")
        if failures:
            raise CommandError("Soak failed: " + "; ".join(failures) + ".")
        self.stdout.write(self.style.SUCCESS("Soak passed: no errors, memory flat."))

    def mix(self, part: int) -> list[str]:
        """Every page type, in a shuffled order that wrk walks round-robin: pages readers
        come back to (cached after their first visit) and, about one request in eight,
        first visits (uncached): tactic pages and searches that no earlier ``part`` of the
        run asked for, enough for 40,000 requests."""
        pages = self.pages()
        tactics = pages.pop("tactic page")
        searches = ["/search/?q=fake+job+offer", "/search/?q=gps", "/search/?q=crypto+wallet"]
        returning = tactics + [path for paths in pages.values() for path in paths] * 10
        returning += searches * 10
        per_cycle = len(returning) // 7
        cycles = 40_000 // (len(returning) + per_cycle) + 1
        first_visits = self.first_visits(part, per_cycle * cycles, set(tactics))
        rng = random.Random(part)
        mix: list[str] = []
        for cycle in range(cycles):
            block = returning + first_visits[cycle * per_cycle : (cycle + 1) * per_cycle]
            rng.shuffle(block)
            mix += block
        # A tactic page first: prepare_static sizes its file on the first path.
        first_tactic = next(path for path in mix if path.startswith("/tactics/TT-"))
        return [first_tactic, *mix]

    def first_visits(self, part: int, count: int, returning: set[str]) -> list[str]:
        """``count`` addresses for ``part`` of the run, none asked for by another part: half
        tactic pages outside the returning ones, half searches for two of the knowledge
        base's own words."""
        tactics = [
            f"/tactics/{public_id}/{slug}/"
            for public_id, slug in Tactic.objects.published()
            .order_by("pk")
            .values_list("public_id", "slug")
        ]
        tactics = [path for path in tactics if path not in returning]
        words = list(
            SearchWord.objects.order_by("-document_count", "word").values_list("word", flat=True)[
                :400
            ]
        )
        pairs = [f"/search/?q={a}+{b}" for a in words for b in words if a < b]
        random.Random(99).shuffle(pairs)
        half = count // 2
        mine = slice(part * half, (part + 1) * half)
        chosen = tactics[mine] + pairs[mine]
        random.Random(part).shuffle(chosen)
        return chosen

    def load(self, server: Server, mix: list[str], duration: int = 0) -> dict:
        """wrk's figures for ``duration`` seconds (default: the run's) of the mix."""
        return run_wrk(
            server.url,
            mix,
            connections=self.options["connections"],
            threads=self.options["threads"],
            duration=duration or self.options["duration"],
        )

    def sample_while(
        self, server: Server, work: Callable[[], dict]
    ) -> tuple[dict, list[tuple[float, dict[int, int]]]]:
        """Run ``work`` while sampling the server's memory: what it returned, and the
        samples, from before the work starts to after it ends."""
        samples = [(0.0, server_memory_kib(server))]
        done = threading.Event()
        start = time.monotonic()

        def sample() -> None:
            while not done.wait(self.options["sample_every"]):
                samples.append((time.monotonic() - start, server_memory_kib(server)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            result = work()
        finally:
            done.set()
            sampler.join()
        samples.append((time.monotonic() - start, server_memory_kib(server)))
        return result, samples

    def report_soak(
        self,
        figures: dict,
        samples: list[tuple[float, dict[int, int]]],
        paths: int,
        workers: list[int],
    ) -> float:
        """Print the run's figures and memory samples; the memory growth in percent."""
        seconds = figures["duration_us"] / 1e6
        self.stdout.write(
            f"\nSoak: {seconds:.0f} s, wrk {self.options['connections']} connections, "
            f"{len(workers)} gunicorn workers, {paths} paths (cached and uncached pages of "
            f"every type).\n"
            f"  requests: {figures['requests']:,} ({figures['requests'] / seconds:,.0f}/s)\n"
            f"  errors: {figures['errors']} (HTTP status 400 or above: {figures['non_2xx_3xx']})\n"
            f"  latency: median {figures['p50'] / 1000:.1f} ms, p99 "
            f"{figures['p99'] / 1000:.1f} ms, max {figures['max'] / 1000:.1f} ms\n"
        )
        self.stdout.write("| seconds | master + workers, MiB (PSS) | per worker, MiB |")
        self.stdout.write("|---:|---:|---|")
        for at, by_pid in samples:
            total = sum(by_pid.values()) / 1024
            per_worker = ", ".join(f"{by_pid[pid] / 1024:.1f}" for pid in workers if pid in by_pid)
            self.stdout.write(f"| {at:.0f} | {total:.1f} | {per_worker} |")
        first, last = (sum(sample[1].values()) for sample in (samples[0], samples[-1]))
        growth = (last - first) / first * 100
        self.stdout.write(
            f"\nMemory from the end of the warm-up to the end: {first / 1024:.1f} → "
            f"{last / 1024:.1f} MiB ({growth:+.1f}%)."
        )
        return growth
