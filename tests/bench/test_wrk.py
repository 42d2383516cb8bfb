"""The load tool's script (bench/wrk.py): cold requests must really be cold."""

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.wrk import run_wrk


class Recorder(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:
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


def run(url: str, paths: list[tuple[str, bool]]) -> dict:
    return run_wrk(url, paths, connections=4, threads=2, duration=1)


def test_no_two_cold_requests_ask_for_the_same_address(recorded):
    url, paths = recorded
    figures = run(url, [("/cold/", True), ("/cold/?a=1", True)])
    assert figures["requests"] > 50 and figures["errors"] == 0
    assert all("nocache=" in path for path in paths)
    assert max(Counter(paths).values()) == 1


def test_no_run_asks_for_what_an_earlier_run_asked_for(recorded):
    url, paths = recorded
    run(url, [("/cold/", True)])
    first = set(paths)
    paths.clear()
    run(url, [("/cold/", True)])
    assert first and paths and first.isdisjoint(paths)


def test_warm_addresses_are_asked_for_as_they_are(recorded):
    url, paths = recorded
    run(url, [("/warm/", False), ("/warm/?stage=lure", False)])
    assert set(paths) == {"/warm/", "/warm/?stage=lure"}
