"""Write the whole knowledge base, with its history, to one portable file."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from kb.curation.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write a complete backup (content, history, users) to PATH, gzip-compressed when "
        "PATH ends in .gz. It restores into PostgreSQL or SQLite with `restore`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="Where to write it (default: kb-backup-<UTC date and time>.json.gz here).",
        )

    def handle(self, *args, path: Path | None, **options) -> None:
        path = path or Path(f"kb-backup-{timezone.now():%Y%m%d-%H%M%S}.json.gz")
        try:
            summary = write_backup(path)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}: {summary.describe()}."))
