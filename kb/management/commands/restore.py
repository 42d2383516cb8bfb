"""Load a backup written by `backup` into an empty database."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from kb.curation.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup` into an empty database (created and migrated "
        "as needed); refuses a database that already has content or users."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The backup file (.json or .json.gz).")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            summary = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored from {path}: {summary.describe()}."))
