"""Several application servers, one truth: two gunicorn instances share one database and
one Redis; a change made through one is what the other serves next, page and facet counts
alike."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from bench.gunicorn import gunicorn
from kb.models import Stage, Status

from ..conftest import authenticator, authenticator_code
from ..factories import complete, make_tactic, make_term

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
PASSWORD = secrets.token_urlsafe(16)


class Instance:
    """One gunicorn serving the project, as production runs it, on a port of its own."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return response.read().decode()


class Editor:
    """An admin signed in to one instance, with its own cookies: the password, then the code
    from their authenticator app."""

    def __init__(self, instance: Instance, user) -> None:
        self.instance = instance
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.post("/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD})
        self.post("/admin/sign-in/code/", {"code": authenticator_code(authenticator(user))})

    def post(self, path: str, data: dict) -> str:
        form = self.opener.open(self.instance.url + path, timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(
            self.instance.url + path, body.encode(), headers={"Referer": self.instance.url}
        )
        return self.opener.open(request, timeout=10).read().decode()


@pytest.fixture
def instances(tmp_path) -> Iterator[tuple[Instance, Instance]]:
    prefix = f"kb-tests-instances-{secrets.token_hex(4)}"
    env = {
        "DEBUG": "1",  # serves static files without a collectstatic run; caching is the same
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "WEB_CONCURRENCY": "1",
        # The changes made through them would build downloads of the test database, in the
        # checkout's folder by default.
        "KB_DOWNLOADS_DIR": str(tmp_path / "downloads"),
        "KB_DOWNLOADS_BUILD_IN_BACKGROUND": "0",
    }
    with gunicorn(env, quiet=True) as first, gunicorn(env, quiet=True) as second:
        yield Instance(first.url), Instance(second.url)
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def stage_count(page: str, stage: Stage) -> int:
    match = re.search(
        rf'value="{stage.slug}"[^>]*>\s*<label[^>]*>{stage.name} <span class="facet__count">(\d+)',
        page,
    )
    return int(match.group(1))


def test_a_change_through_one_instance_is_served_at_once_by_the_other(instances, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    stage = make_term(Stage, "Recruitment")
    make_tactic("Lantern signals", stages=[stage])
    waiting = complete(make_tactic("Hidden beacon", stages=[stage], status=Status.IN_REVIEW))
    first, second = instances

    # The second instance renders (and caches, for both) the list, then serves it from Redis.
    before = second.get("/tactics/")
    assert "Lantern signals" in before and "Hidden beacon" not in before
    assert second.get("/tactics/") == before
    assert stage_count(before, stage) == 1
    assert "Hidden beacon" not in second.get(f"/tactics/?stage={stage.slug}")

    Editor(first, editor).post(
        "/admin/kb/tactic/", {"action": "publish", "_selected_action": [waiting.pk]}
    )

    after = second.get("/tactics/")
    assert "Hidden beacon" in after and stage_count(after, stage) == 2
    assert "Hidden beacon" in second.get(f"/tactics/?stage={stage.slug}")
    assert "Hidden beacon" in first.get("/tactics/")
    waiting.refresh_from_db()
    assert "Hidden beacon" in second.get(waiting.get_absolute_url())
