"""Load the seed knowledge base into an empty database, and never over curated content."""

import io
import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.utils import timezone
from simple_history.manager import HistoryManager

from kb import bulk
from kb.models import Countermeasure, Source, Tactic, content_changed, record_version
from kb.models.translations import SOURCE_LANGUAGE, column
from kb.search import indexing

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"
# (history_change_reason holds 100 characters.)
SEED_REASON = (
    "Seed content; its Spanish, French and Arabic texts translate the English, adding nothing"
)


def load_seed_fixture() -> None:
    """Load fixtures/seed.json as it is written: each translated field's English under the
    field's own name ("name", "summary"), as the seed audit reads it, its translations under
    "name_es" and the like. The English is renamed to its column ("name_en") on the way in."""
    records = json.loads(SEED_FIXTURE.read_text(encoding="utf-8"))
    for record in records:
        translated = getattr(apps.get_model(record["model"]), "TRANSLATED_FIELDS", {})
        fields = record["fields"]
        for name in translated:
            if name in fields:
                fields[column(name, SOURCE_LANGUAGE)] = fields.pop(name)
    with tempfile.TemporaryDirectory() as folder:
        loadable = Path(folder) / "seed.json"
        loadable.write_text(json.dumps(records), encoding="utf-8")
        call_command("loaddata", loadable, verbosity=0)


def date_seed_content(loaded_at) -> None:
    """Date the seed content, and the history just started for it, ``loaded_at``.

    The source articles date what they report, not when this knowledge base published it,
    so the seed's entries are created, published and last updated when they are loaded, and
    their first version and history records bear the same moment: every date an entry's
    pages show agrees (the dates fixtures/seed.json carries are replaced)."""
    for model in (Tactic, Countermeasure, Source):
        model.objects.update(created_at=loaded_at, updated_at=loaded_at)
        model.objects.filter(published_at__isnull=False).update(published_at=loaded_at)
    for kb_model in apps.get_app_config("kb").get_models():
        history = getattr(kb_model, "history", None)
        if isinstance(history, HistoryManager):
            # Only the records written since the load began.
            history.filter(history_date__gte=loaded_at).update(history_date=loaded_at)


class Command(BaseCommand):
    help = "Load fixtures/seed.json if the knowledge base has no content yet."

    def handle(self, *args, **options) -> None:
        if Tactic.objects.exists() or Countermeasure.objects.exists() or Source.objects.exists():
            self.stdout.write("Seed content: skipped, the knowledge base already has content.")
            return
        # One moment dates all of it: the load's (see date_seed_content).
        loaded_at = timezone.now()
        with bulk.operation():
            load_seed_fixture()
        indexing.rebuild()
        # Fixtures load without history; start it, and number the first published version.
        quiet = {"verbosity": 0, "stdout": io.StringIO(), "stderr": io.StringIO()}
        call_command("populate_history", auto=True, **quiet)
        date_seed_content(loaded_at)
        for model in (Tactic, Countermeasure, Source):
            # The history says where the texts in other languages come from.
            model.history.all().update(history_change_reason=SEED_REASON)
        for model in (Tactic, Countermeasure, Source):
            for entry in model.objects.published():
                record_version(entry, "First published", at=loaded_at)
        content_changed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed content: loaded {Tactic.objects.count()} tactics, "
                f"{Countermeasure.objects.count()} countermeasures and "
                f"{Source.objects.count()} sources."
            )
        )
