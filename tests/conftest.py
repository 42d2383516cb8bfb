"""Fixtures, hooks and personas shared by the tests.

The data factories are in tests/factories.py; a test builds exactly the records it talks
about. The personas are signed-in (or anonymous) clients, one per kind of person the site
serves: ``reader`` (anonymous), ``staff_client`` (staff without a role), ``contributor`` and
``reviewer`` (the editorial roles of migration 0008), and pytest-django's ``admin_client``
(a superuser, the only one who may manage users).
"""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from kb.models import (
    Actor,
    Category,
    Platform,
    Stage,
    Status,
    TargetGroup,
    Technology,
)

from .factories import make_countermeasure, make_tactic, make_term
from .measurements import MEASUREMENTS


@pytest.fixture(autouse=True)
def page_cache_only_where_asked(request, settings):
    """The page cache is off, so that every request renders, except in tests marked
    ``page_cache`` (its own tests), which start and end with it empty."""
    if request.node.get_closest_marker("page_cache") is None:
        settings.KB_PAGE_CACHE_SECONDS = 0
        yield
        return
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def downloads_of_this_test(settings, tmp_path):
    """Downloads are built in a folder of the test's own, never the checkout's, and only
    when a test builds them (``build_downloads``): no change or request starts a build in
    the background unless a test turns that on."""
    settings.KB_DOWNLOADS_DIR = tmp_path / "downloads"
    settings.KB_DOWNLOADS_BUILD_IN_BACKGROUND = False
    settings.KB_SITE_URL = "https://kb.example"


# --- personas ------------------------------------------------------------------------------


@pytest.fixture
def reader() -> Client:
    """An anonymous reader."""
    return Client()


@pytest.fixture
def staff_client(django_user_model) -> Client:
    """A logged-in editor without superuser rights: may preview drafts on the site."""
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def member_of(group: str, django_user_model) -> Client:
    """A client signed in as a new staff user in ``group`` (one of migration 0008's roles),
    whose username is the group's name in lower case."""
    user = django_user_model.objects.create_user(group.lower(), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def contributor(django_user_model) -> Client:
    """A signed-in contributor: writes drafts and sends them to review."""
    return member_of("Contributors", django_user_model)


@pytest.fixture
def reviewer(django_user_model) -> Client:
    """A signed-in reviewer: also publishes, returns to draft, retires and deletes."""
    return member_of("Reviewers", django_user_model)


# --- content ---------------------------------------------------------------------------------


@pytest.fixture
def terms() -> dict:
    """One term of every vocabulary, with readable slugs."""
    return {
        "category": make_term(Category, "Recruitment"),
        "other_category": make_term(Category, "Control"),
        "technology": make_term(Technology, "GPS"),
        "platform": make_term(Platform, "Dating apps"),
        "stage": make_term(Stage, "Grooming"),
        "group": make_term(TargetGroup, "Teenage boys"),
        "actor": make_term(Actor, "NGOs"),
    }


@pytest.fixture
def varied_tactics() -> dict[str, list]:
    """Forty tactics of every status with random terms, and countermeasures by actors."""
    rng = random.Random(5)
    stages = [make_term(Stage) for _ in range(4)]
    technologies = [make_term(Technology) for _ in range(5)]
    categories = [make_term(Category) for _ in range(3)]
    actors = [make_term(Actor) for _ in range(3)]
    statuses = [Status.PUBLISHED] * 4 + [Status.DRAFT, Status.RETIRED]
    tactics = [
        make_tactic(
            status=rng.choice(statuses),
            category=rng.choice(categories),
            stages=rng.sample(stages, rng.randint(0, 3)),
            technologies=rng.sample(technologies, rng.randint(0, 2)),
        )
        for _ in range(40)
    ]
    for _ in range(10):
        make_countermeasure(
            status=rng.choice(statuses),
            actors=rng.sample(actors, rng.randint(1, 2)),
            counters=rng.sample(tactics, rng.randint(1, 4)),
        )
    return {"stage": stages, "technology": technologies, "category": categories, "actor": actors}


@pytest.fixture
def broken_home_page(monkeypatch) -> str:
    """The home page fails with an unexpected error (a bug, not an outage); its URL."""

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("kb.reading.views.Category.objects.with_published_tactics", broken)
    return "/"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """The figures tests kept with ``tests.measurements.report``, after the run."""
    for line in config.stash.get(MEASUREMENTS, []):
        terminalreporter.write_line(line)
