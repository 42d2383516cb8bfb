"""Small factories and personas shared by the tests.

Each test builds exactly the records it talks about; nothing depends on the seed content
except the tests of the seed content itself.
"""

from __future__ import annotations

import itertools
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kb.models import (
    Actor,
    Category,
    Citation,
    Countermeasure,
    Mitigation,
    Platform,
    Source,
    Stage,
    Status,
    Tactic,
    TargetGroup,
    Technology,
)

_counter = itertools.count(1)


def _unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def make_term(model: type, name: str | None = None):
    """A vocabulary term (category, technology, platform, stage, group or actor)."""
    name = name or _unique(model.__name__.lower())
    return model.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def make_source(status: str = Status.PUBLISHED, **fields) -> Source:
    title = fields.pop("title", None) or _unique("Source")
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    return Source.objects.create(title=title, status=status, **fields)


def make_tactic(name: str | None = None, status: str = Status.PUBLISHED, **fields) -> Tactic:
    """A tactic; many-to-many terms may be given as lists (technologies=[...])."""
    name = name or _unique("Tactic")
    m2m = {
        key: fields.pop(key)
        for key in ("technologies", "platforms", "stages", "target_groups", "related_tactics")
        if key in fields
    }
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    fields.setdefault("summary", f"Summary of {name}.")
    fields.setdefault("category", fields.get("category") or make_term(Category))
    tactic = Tactic.objects.create(name=name, status=status, **fields)
    for key, values in m2m.items():
        getattr(tactic, key).set(values)
    return tactic


def make_countermeasure(
    name: str | None = None, status: str = Status.PUBLISHED, counters=(), actors=(), **fields
) -> Countermeasure:
    name = name or _unique("Countermeasure")
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    fields.setdefault("summary", f"Summary of {name}.")
    fields.setdefault("response_kind", "detect")
    countermeasure = Countermeasure.objects.create(name=name, status=status, **fields)
    countermeasure.actors.set(actors)
    for tactic in counters:
        Mitigation.objects.create(countermeasure=countermeasure, tactic=tactic, note="How.")
    return countermeasure


def cite(entry: Tactic | Countermeasure, source: Source, quote: str = "A quote.", **fields):
    kind = "tactic" if isinstance(entry, Tactic) else "countermeasure"
    return Citation.objects.create(source=source, quote=quote, **{kind: entry}, **fields)


def count_queries(client: Client, url: str) -> int:
    """How many SQL queries rendering ``url`` takes (the page must answer 200).

    The page cache's own lookup of the content version is left out: it is one query with the
    in-memory cache, none while the shared cache holds the version (tests/test_caching.py).
    """
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum("kb_contentversion" not in query["sql"] for query in captured)


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


@pytest.fixture
def reader() -> Client:
    """An anonymous reader."""
    return Client()


@pytest.fixture
def broken_home_page(monkeypatch) -> str:
    """The home page fails with an unexpected error (a bug, not an outage); its URL."""

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("kb.reading.views.Category.objects.with_published_tactics", broken)
    return "/"


@pytest.fixture
def staff_client(django_user_model) -> Client:
    """A logged-in editor without superuser rights: may preview drafts on the site."""
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


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


MEASUREMENTS = pytest.StashKey[list[str]]()


def report(config: pytest.Config, line: str) -> None:
    """Keep a figure a test measured, for the summary at the end of the run."""
    config.stash.setdefault(MEASUREMENTS, []).append(line)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    for line in config.stash.get(MEASUREMENTS, []):
        terminalreporter.write_line(line)


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
