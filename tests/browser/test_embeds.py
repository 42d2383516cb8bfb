"""A course platform on another origin frames a tactic's card, and cannot frame its page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from kb.models import Tactic


@pytest.fixture
def course_platform() -> Iterator[tuple[ThreadingHTTPServer, dict]]:
    """Another site (another port of this machine: another origin to the browser) that
    serves one page, whatever HTML the test puts in ``page["html"]``."""
    page = {"html": ""}

    class CoursePage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), CoursePage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, page
    server.shutdown()
    server.server_close()


def test_another_site_can_frame_a_card_but_not_a_page(page: Page, site: str, course_platform):
    server, course = course_platform
    tactic = Tactic.objects.published().order_by("public_id").first()
    assert tactic is not None
    course["html"] = (
        "<!doctype html><title>Course</title><h1>Week 1</h1>"
        f'<iframe id="card" title="Card" src="{site}/embed/{tactic.public_id}/"></iframe>'
        f'<iframe id="page" title="Page" src="{site}{tactic.get_absolute_url()}"></iframe>'
    )
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/week-1.html")
    card = page.frame_locator("#card")
    expect(card.get_by_role("heading", level=1)).to_have_text(tactic.name)
    expect(card.get_by_role("link", name="Read the full entry")).to_have_attribute(
        "target", "_blank"
    )
    page.wait_for_load_state("load")
    urls = [frame.url for frame in page.frames]
    # The browser refused to show the tactic's page in the frame: an error page stands
    # where it would be, and the page's own heading is nowhere.
    assert not any(url.endswith(tactic.get_absolute_url()) for url in urls), urls
    assert any(url.startswith("chrome-error:") for url in urls), urls
    expect(page.frame_locator("#page").get_by_role("heading", name=tactic.name)).to_have_count(0)
