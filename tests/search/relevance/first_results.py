"""``python -m tests.search.relevance.first_results``: load the seed content into the empty
database DATABASE_URL names and print, as JSON, the first result of every relevance query,
in every language.

The relevance test runs it on the kind of database the suite does not run on, to compare
the two engines' answers (tests/search/test_relevance.py).
"""

from __future__ import annotations

import io
import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    django.setup()
    from django.core.management import call_command

    from tests.search.test_relevance import first_results

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", **quiet)
    call_command("seed", **quiet)
    # The last line: whatever else was printed on the way comes before it.
    sys.stdout.write("\n" + json.dumps(first_results()) + "\n")


if __name__ == "__main__":
    main()
