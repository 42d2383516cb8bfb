"""The environment of a fresh process: this one's without its settings, for tests that
start another interpreter or ``manage.py`` with settings of their own."""

from __future__ import annotations

import os

GOOD_KEY = "k" * 20 + "3f9a-82kd-1o2p-zz8x-qq7w-mm4n-bb6v"


def environment(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without its settings, plus ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    return {**clean, "DJANGO_SETTINGS_MODULE": "kb.settings", **env}
