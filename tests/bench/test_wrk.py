"""The load tool's script (bench/wrk.py): every address asked for as given, each thread
walking the list from its own place."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.wrk import run_wrk


class Recorder(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:
        # A millisecond per request keeps a thread's requests within its stretch of a long
        # list (threads start 7,919 addresses apart).
        time.sleep(0.001)
        Recorder.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorded():
    Recorder.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.paths
    server.shutdown()
    server.server_close()


def run(url: str, paths: list[str]) -> dict:
    return run_wrk(url, paths, connections=4, threads=2, duration=1)


def test_addresses_are_asked_for_as_they_are(recorded):
    url, paths = recorded
    figures = run(url, ["/warm/", "/warm/?stage=lure"])
    assert figures["requests"] > 50 and figures["errors"] == 0
    assert set(paths) == {"/warm/", "/warm/?stage=lure"}


def test_threads_start_from_different_places_so_first_visits_are_not_doubled(recorded):
    """Two threads walking a long list in step would ask for each address twice at once."""
    url, paths = recorded
    addresses = [f"/first-visit/{n}/" for n in range(100_000)]
    run(url, addresses)
    assert len(paths) > 50 and len(set(paths)) == len(paths)
