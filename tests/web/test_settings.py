"""Settings come from the environment; production refuses to start with unsafe defaults.

Each case starts a fresh interpreter, because settings are read once per process.
"""

import os
import subprocess
import sys

import pytest

from kb.settings import BASE_DIR

from ..environment import GOOD_KEY, environment


def load_settings(env: dict[str, str], expression: str = "settings.DEBUG"):
    code = f"import django; from django.conf import settings; django.setup(); print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment(env),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "at least 50 characters"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS must list"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "kb.example", "CONN_MAX_AGE": "ten"},
            "whole number",
        ),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(env, message):
    result = load_settings({"DEBUG": "0", **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_starts_with_real_settings():
    result = load_settings(
        {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "kb.example,www.kb.example"},
        "settings.DEBUG, settings.ALLOWED_HOSTS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['kb.example', 'www.kb.example']"


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "kb.example"}
TRANSPORT = (
    "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
    " settings.SECURE_HSTS_SECONDS"
)


def test_production_is_https_only_unless_told_otherwise():
    result = load_settings(PRODUCTION, TRANSPORT)
    assert result.stdout.strip() == "True True True 31536000", result.stderr
    result = load_settings({**PRODUCTION, "HTTPS": "0"}, TRANSPORT)
    assert result.stdout.strip() == "False False False 0", result.stderr


def test_development_defaults_apply_only_with_debug_on():
    result = load_settings({"DEBUG": "1"}, "settings.SECRET_KEY.startswith('django-insecure')")
    assert result.stdout.strip() == "True"


def test_database_url_switches_to_postgresql_without_code_change():
    result = load_settings(
        {"DEBUG": "1", "DATABASE_URL": "postgres://kbuser@db.example:5433/kb"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['PORT']",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql 5433"


def test_default_database_is_a_sqlite_file():
    result = load_settings({"DEBUG": "1"}, "settings.DATABASES['default']['ENGINE']")
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_redis_url_switches_the_cache_to_redis():
    result = load_settings(
        {"DEBUG": "1", "REDIS_URL": "redis://cache.example:6379/2"},
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']",
    )
    assert result.stdout.strip() == ("django_redis.cache.RedisCache redis://cache.example:6379/2")


def test_without_redis_the_processes_of_one_machine_share_a_cache_folder():
    result = load_settings(
        {"DEBUG": "1", "CACHE_DIR": "/var/cache/kb"},
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']",
    )
    assert result.stdout.strip() == (
        "django.core.cache.backends.filebased.FileBasedCache /var/cache/kb"
    )


def test_gunicorn_takes_every_setting_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "import kb.gunicorn as g; print(g.bind, g.workers, g.timeout)"],
        env={
            **os.environ,
            "BIND": "0.0.0.0:9000",
            "WEB_CONCURRENCY": "3",
            "GUNICORN_TIMEOUT": "12",
        },
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "0.0.0.0:9000 3 12"


def test_gunicorn_runs_a_worker_per_core_by_default():
    environment = {k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"}
    result = subprocess.run(
        [sys.executable, "-c", "import kb.gunicorn as g; print(g.workers)"],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == str(os.cpu_count())


def test_gunicorn_freezes_the_masters_objects_before_each_fork():
    import gc

    import kb.gunicorn

    gc.unfreeze()
    try:
        kb.gunicorn.pre_fork(server=None, worker=None)
        assert gc.get_freeze_count() > 10_000  # Django and the project, imported once
    finally:
        gc.unfreeze()
