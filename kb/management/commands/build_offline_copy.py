"""manage.py build_offline_copy --output DIR|ZIP [--language CODE ...]"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kb.downloads.editions import version_label
from kb.models import current_content_version
from kb.models.translations import content_languages
from kb.offline.export import build_copies, build_folder


class Command(BaseCommand):
    help = (
        "Write the offline copy of the published knowledge base (static pages that work "
        "from the file system or any static host): as files in a folder, or as a zip file "
        "when the output ends in .zip. Every language unless --language says which."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="A folder or a .zip file.")
        parser.add_argument(
            "--language",
            action="append",
            choices=content_languages(),
            help="A language the copy holds (repeat for several); every one by default.",
        )

    def handle(self, *args, output: Path, language: list[str] | None, **options) -> None:
        available = content_languages()
        languages = tuple(sorted(set(language or available), key=available.index))
        started = time.perf_counter()
        if output.suffix == ".zip":
            root = f"kb-{version_label(current_content_version().changed_at)}-offline"
            build_copies({output: languages}, roots={output: root})
        else:
            if output.exists() and any(output.iterdir()):
                raise CommandError(f"{output} is not empty: name a new or empty folder.")
            build_folder(output, languages)
        self.stdout.write(
            f"Offline copy ({', '.join(languages)}) written to {output} "
            f"in {time.perf_counter() - started:.1f} s."
        )
