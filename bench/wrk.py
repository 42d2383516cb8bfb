"""Drive a local server with wrk (Debian's package), for the load benchmark and the soak.

wrk runs a Lua script that walks a list of paths round-robin, each thread from its own
offset, and reports its figures as one JSON line. Paths are asked for as they are: a page
the server has not cached is one it has not been asked for (the server keys pages by the
parameters they read and redirects any other, so no made-up argument can dodge its cache).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile

from django.core.management import CommandError

WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
-- A global, not a local: setup() runs in the main script and sets each thread's own
-- global; a local here would shadow it, and every thread would ask for the same paths.
thread_offset = 0
function setup(thread)
  thread:set("thread_offset", thread_offset)
  thread_offset = thread_offset + 7919
end
function request()
  counter = counter + 1
  local i = ((counter + thread_offset) %% #paths) + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "bytes": %%d, "errors": %%d, ' ..
    '"non_2xx_3xx": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.status + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def require_wrk() -> None:
    if not shutil.which("wrk"):
        raise CommandError("wrk is not installed: apt-get install -y wrk (make bench does).")


def run_wrk(
    base_url: str,
    paths: list[str],
    *,
    connections: int,
    threads: int,
    duration: int,
) -> dict:
    """Load ``base_url`` for ``duration`` seconds with ``paths`` and return
    wrk's figures: requests, duration_us, bytes, errors (connection, read, write, timeout
    and HTTP status 400 and above), non_2xx_3xx, and latency percentiles in microseconds."""
    require_wrk()
    script = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(path) for path in paths),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s"]
        completed = subprocess.run(
            [*command, "--timeout", "10s", "-s", lua.name, base_url],
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))
