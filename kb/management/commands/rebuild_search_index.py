"""Recompute every search document and the spelling vocabulary from the entries."""

from django.core.management import BaseCommand

from kb.search import indexing


class Command(BaseCommand):
    help = "Rebuild the search index (after bulk changes that bypass the save path)."

    def handle(self, *args, **options) -> None:
        counts = indexing.rebuild()
        self.stdout.write(
            f"Search index: {counts['tactic']} tactics, {counts['countermeasure']} "
            f"countermeasures, {counts['source']} sources, {counts['words']} words."
        )
