"""A publisher's site on this machine, for the link checker's tests: a
``ThreadingHTTPServer`` on 127.0.0.1 in a thread, never the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Publisher(BaseHTTPRequestHandler):
    """A publisher's site: each path answers the way some real site does."""

    REDIRECTS = {"/moved": "/ok", "/loop-a": "/loop-b", "/loop-b": "/loop-a"}

    def answer(self, body: bool) -> None:
        self.server.requests.append(  # type: ignore[attr-defined]
            (self.command, self.path, self.headers.get("User-Agent"), time.monotonic())
        )
        if self.path in self.REDIRECTS:
            self.send_response(301 if self.path == "/moved" else 302)
            self.send_header("Location", self.REDIRECTS[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(1.5)
        status = {"/missing": 404, "/broken": 500}.get(self.path, 200)
        if self.path == "/no-head" and self.command == "HEAD":
            status = 405
        content = b"<p>Article</p>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body:
            self.wfile.write(content)

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        self.answer(body=True)

    def log_message(self, *args) -> None:  # the test's output stays quiet
        pass


def serve() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    server.daemon_threads = True
    server.requests = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def publisher(settings) -> Iterator[ThreadingHTTPServer]:
    """A local publisher's site; the checker may ask local addresses, quickly."""
    settings.KB_LINK_CHECK_PRIVATE_ADDRESSES = True
    settings.KB_LINK_CHECK_TIMEOUT = 1
    settings.KB_LINK_CHECK_HOST_DELAY_MS = 0
    server = serve()
    yield server
    server.shutdown()
    server.server_close()


def address(server: ThreadingHTTPServer, path: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{path}"
