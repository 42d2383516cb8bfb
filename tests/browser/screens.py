"""The browser tests' screen sizes, and the screenshots they keep for the README."""

from __future__ import annotations

from playwright.sync_api import Page

from kb.settings import BASE_DIR

SCREENSHOTS = BASE_DIR / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page picture of what the test sees, for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
