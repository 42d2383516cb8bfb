"""axe-core finds no WCAG 2.1 A or AA violation on any public page type, in the light and the
dark colour scheme (the site follows the reader's system setting)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

PAGES = [
    "/",
    "/tactics/",
    "/tactics/?technology=gps&stage=control",
    "/tactics/TT-0003/gps-tracking-of-victims/",
    "/tactics/TT-0003/v1/",
    "/tactics/TT-0003/changes/",
    "/countermeasures/",
    "/countermeasures/CM-0001/",
    "/sources/",
    "/sources/SR-0001/",
    "/search/?q=gps+trackng",
    "/search/?q=nothing+matches+this",
    "/matrix/",
    "/handout/?ids=TT-0003,TT-0008",
    "/whats-new/",
    "/downloads/",
    "/no-such-page/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_have_no_wcag_violation(page: Page, scheme: str):
    page.emulate_media(color_scheme=scheme)
    axe = Axe()
    failures = []
    for path in PAGES:
        page.goto(path)
        results = axe.run(page, options=WCAG_21_AA)
        if results.violations_count:
            failures.append(f"{path} ({scheme}):\n{results.generate_report()}")
    assert not failures, "\n\n".join(failures)
