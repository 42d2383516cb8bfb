"""``python -m bench <command> [options]``: run one benchmark command with kb's settings."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import django


def main(argv: list[str]) -> None:
    """Set Django up with kb's settings, then run the command named by ``argv[1]``."""
    from bench import commands

    names = sorted(module.name for module in pkgutil.iter_modules(commands.__path__))
    if len(argv) < 2 or argv[1] not in names:
        sys.exit(f"usage: python -m bench {{{','.join(names)}}} [options]")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    django.setup()
    command = importlib.import_module(f"bench.commands.{argv[1]}").Command()
    command.run_from_argv(["python -m bench", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv)
