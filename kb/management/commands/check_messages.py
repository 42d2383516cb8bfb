"""Bring the interface's translation files up to date, and fail if any is incomplete.

``make test`` runs it: every string marked for translation in Python, templates and
JavaScript must be translated, with nothing fuzzy, into every language of the site.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

from kb.models.translations import translation_languages

#: What makemessages must not read: the virtual environment, tests and tools, generated files.
IGNORED = [".venv/*", "tests/*", "bench/*", "staticfiles/*", "var/*", "docs/*", "build/*"]
STATISTICS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")
#: The line makemessages rewrites on every run, whether or not anything else changed.
CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*\n', re.MULTILINE)


def catalog_statistics(po_file: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated) of a .po file, as GNU msgfmt counts them; msgfmt
    also checks that every translation keeps its original's placeholders."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise CommandError(f"{po_file}: {result.stderr.strip()}")
    # The counts are msgfmt's last line ("3 translated messages, 1 untranslated message.");
    # warnings about the header may come before it.
    summary = result.stderr.strip().splitlines()[-1]
    counts = {kind: int(number) for number, kind in STATISTICS.findall(summary)}
    return counts.get("translated", 0), counts.get("fuzzy", 0), counts.get("untranslated", 0)


class Command(BaseCommand):
    help = (
        "Update locale/*.po from the code (makemessages), fail if any string is untranslated "
        "or fuzzy, then compile them (compilemessages)."
    )

    def handle(self, *args, **options) -> None:
        languages = translation_languages()
        quiet = {"verbosity": 0}
        catalogues = list(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/*.po"))
        before = {po_file: po_file.read_text(encoding="utf-8") for po_file in catalogues}
        for domain in ("django", "djangojs"):
            call_command(
                "makemessages",
                locale=languages,
                domain=domain,
                ignore_patterns=IGNORED,
                add_location="file",
                no_obsolete=True,
                **quiet,
            )
        # A catalogue whose only change is its creation date is left as it was, so that
        # running the check leaves an unchanged checkout unchanged.
        for po_file, text in before.items():
            now = po_file.read_text(encoding="utf-8")
            if now != text and CREATION_DATE.sub("", now) == CREATION_DATE.sub("", text):
                po_file.write_text(text, encoding="utf-8")
        incomplete = []
        for language in languages:
            for domain in ("django", "djangojs"):
                po_file = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"{domain}.po"
                if not po_file.exists():
                    continue
                translated, fuzzy, untranslated = catalog_statistics(po_file)
                self.stdout.write(
                    f"{language} {domain}: {translated} translated, {fuzzy} fuzzy, "
                    f"{untranslated} untranslated"
                )
                if fuzzy or untranslated:
                    incomplete.append(f"{po_file} ({fuzzy} fuzzy, {untranslated} untranslated)")
        if incomplete:
            raise CommandError("Translations are incomplete:\n  " + "\n  ".join(incomplete))
        call_command("compilemessages", locale=languages, ignore_patterns=IGNORED, **quiet)
