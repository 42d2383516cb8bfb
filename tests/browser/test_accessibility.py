"""axe-core finds no WCAG 2.1 A or AA violation on any public page type, in every language
(Arabic right to left), and in the light and the dark colour scheme (the site follows the
reader's system setting)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .screens import screenshot

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
    "/countermeasures/CM-0001/v1/",
    "/sources/",
    "/sources/SR-0001/",
    "/sources/SR-0001/v1/",
    "/search/?q=gps+trackng",
    "/search/?q=nothing+matches+this",
    "/matrix/",
    "/handout/?ids=TT-0003,TT-0008",
    "/whats-new/",
    "/downloads/",
    "/suggest/",
    "/suggest/?about=TT-0003",
    "/suggest/thanks/",
    "/api/docs/",
    "/no-such-page/",
]


def in_language(path: str, language: str) -> str:
    """``path`` on the site in ``language`` (the API's pages have one address)."""
    if language == "en" or path.startswith("/api/"):
        return path
    return f"/{language}{path}"


def axe_reports(page: Page, options: dict, language: str = "en") -> list[str]:
    """axe-core's report for every page of PAGES, in ``language``, that breaks a rule of
    ``options``."""
    axe = Axe()
    reports = []
    for path in (in_language(path, language) for path in PAGES):
        page.goto(path)
        results = axe.run(page, options=options)
        if results.violations_count:
            reports.append(f"{path}:\n{results.generate_report()}")
    return reports


@pytest.mark.parametrize(
    ("scheme", "language"),
    [("light", "en"), ("light", "es"), ("light", "fr"), ("light", "ar"), ("dark", "en")],
)
def test_public_pages_have_no_wcag_violation(page: Page, scheme: str, language: str):
    page.emulate_media(color_scheme=scheme)
    failures = axe_reports(page, WCAG_21_AA, language)
    assert not failures, f"{scheme} scheme, {language}:\n" + "\n\n".join(failures)
    if scheme == "dark":
        page.goto("/tactics/TT-0003/gps-tracking-of-victims/")
        screenshot(page, "tactic-page-dark")


# Structure beyond WCAG's minimum: one main landmark and one h1, all content in landmarks,
# headings that do not skip levels, landmarks that can be told apart.
STRUCTURE = {
    "runOnly": {
        "type": "rule",
        "values": [
            "landmark-one-main", "page-has-heading-one", "region", "heading-order",
            "landmark-unique", "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
        ],
    }
}  # fmt: skip

VAGUE_LINK_TEXT = {"here", "click here", "more", "read more", "link", "this", "details", "go"}


def test_pages_have_landmarks_a_single_h1_and_ordered_headings(page: Page):
    failures = axe_reports(page, STRUCTURE)
    assert not failures, "\n\n".join(failures)


def test_every_link_says_where_it_leads(page: Page):
    vague = []
    for path in PAGES:
        page.goto(path)
        names = page.eval_on_selector_all(
            "a[href]",
            "links => links.map(a => (a.getAttribute('aria-label') || a.innerText).trim())",
        )
        vague += [
            f"{path}: {name!r}" for name in names if name.lower() in VAGUE_LINK_TEXT or not name
        ]
    assert not vague, vague
