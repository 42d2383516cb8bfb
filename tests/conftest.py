"""Fixtures, hooks and personas shared by the tests.

The data factories are in tests/factories.py; a test builds exactly the records it talks
about. The personas are signed-in (or anonymous) clients, one per kind of person the site
serves: ``reader`` (anonymous), ``staff_client`` (staff without a role), ``contributor`` and
``reviewer`` (the editorial roles of migration 0008), and pytest-django's ``admin_client``
(a superuser, the only one who may manage users). Staff personas are signed in with both
factors, as the admin demands (``signed_in``): an authenticator app and a session verified
by it, as django-otp leaves one after a right code.
"""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kb.models import (
    Actor,
    Category,
    Platform,
    Stage,
    Status,
    TargetGroup,
    Technology,
)
from kb.models.translations import SOURCE_LANGUAGE

from .factories import make_countermeasure, make_tactic, make_term
from .measurements import MEASUREMENTS


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Each test starts in English, as code outside a request runs: the test client's
    requests activate their page's language and leave it active in the thread."""
    translation.activate(SOURCE_LANGUAGE)
    yield
    translation.activate(SOURCE_LANGUAGE)


@pytest.fixture(autouse=True)
def page_cache_only_where_asked(request, settings):
    """The page cache is off, so that every request renders, except in tests marked
    ``page_cache`` (its own tests), which end with it empty. Every test starts with the
    cache empty: what the lists keep per content version is keyed by its number, which
    each test's rolled-back database repeats while PostgreSQL's row ids move on."""
    cache.clear()
    if request.node.get_closest_marker("page_cache") is None:
        settings.KB_PAGE_CACHE_SECONDS = 0
        yield
        return
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


def authenticator(user: User) -> TOTPDevice:
    """``user``'s authenticator app (a confirmed TOTP device), enrolled now if need be."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def authenticator_code(device: TOTPDevice) -> str:
    """The code ``device``'s app shows now (django-otp's own TOTP), or the next one if this
    one was used already: a code signs in once, and the next is within the tolerance."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1 - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"


def signed_in(user: User, client: Client | None = None) -> Client:
    """``client`` (a new one by default) signed in as ``user`` with both factors: the
    session is verified by the user's authenticator, as ``django_otp.login`` leaves it."""
    client = client or Client()
    device = authenticator(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def reader() -> Client:
    """An anonymous reader."""
    return Client()


@pytest.fixture
def staff_client(django_user_model) -> Client:
    """A logged-in editor without superuser rights: may preview drafts on the site."""
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    return signed_in(user)


def member_of(group: str, django_user_model) -> Client:
    """A client signed in as a new staff user in ``group`` (one of migration 0008's roles),
    whose username is the group's name in lower case."""
    user = django_user_model.objects.create_user(group.lower(), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return signed_in(user)


@pytest.fixture
def contributor(django_user_model) -> Client:
    """A signed-in contributor: writes drafts and sends them to review."""
    return member_of("Contributors", django_user_model)


@pytest.fixture
def reviewer(django_user_model) -> Client:
    """A signed-in reviewer: also publishes, returns to draft, retires and deletes."""
    return member_of("Reviewers", django_user_model)


@pytest.fixture
def admin_client(admin_user) -> Client:
    """pytest-django's superuser (``admin_user``), signed in with both factors."""
    return signed_in(admin_user)


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
