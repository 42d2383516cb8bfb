"""What curation costs on a large knowledge base: the admin's change form of a draft (saved
in place) against a public entry's (a pending revision, rehearsed and rolled back), the
revision's diff and preview, the publication checks, and the History page.

Runs in process with Django's test client, signed in as a verified superuser; every
request that writes is undone afterwards, so the database is left as it was. Prints the
median and the slowest of ``--repeat`` runs of each, in milliseconds. docs/performance.md
records what this showed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.commands.demo_data import Command as GenerateDemoData
from kb.curation.checks import publication_problems
from kb.curation.workflow import propose_revision
from kb.models import Entry, Revision, Status, Tactic


class _Undo(Exception):
    pass


def undone(action: Callable[[], object]) -> Callable[[], object]:
    """``action`` run in a transaction that is rolled back."""

    def run() -> object:
        try:
            with transaction.atomic():
                result = action()
                raise _Undo
        except _Undo:
            pass
        return result

    return run


class Command(BaseCommand):
    help = "Time the curation pages and checks on this database (after bench demo_data)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument(
            "--generate", action="store_true", help="generate demo data if the database is empty"
        )

    def handle(self, *args, repeat: int, generate: bool, **options) -> None:
        if generate and not Tactic.objects.exists():
            call_command(GenerateDemoData(), stdout=self.stdout)
        settings.DEBUG = False
        published = Tactic.objects.published().order_by("pk").first()
        draft = Tactic.objects.filter(status=Status.DRAFT).order_by("pk").first()
        if published is None or draft is None:
            raise CommandError("Needs published and draft tactics: python -m bench demo_data.")
        client = self.editor()
        self.stdout.write(
            f"{Tactic.objects.count()} tactics; {published.public_id} published, "
            f"{draft.public_id} draft; median and slowest of {repeat} runs, in ms"
        )

        def form(tactic: Tactic, **changes) -> dict:
            data = {
                "name_en": tactic.name,
                "slug": tactic.slug,
                "summary_en": tactic.summary,
                "description_en": tactic.description,
                "category": tactic.category_id,
                "stages": list(tactic.stages.values_list("pk", flat=True)),
                "technologies": list(tactic.technologies.values_list("pk", flat=True)),
                "platforms": list(tactic.platforms.values_list("pk", flat=True)),
                "target_groups": list(tactic.target_groups.values_list("pk", flat=True)),
            }
            for prefix in ("indicators", "citations", "mitigations"):
                data |= {
                    f"{prefix}-TOTAL_FORMS": "0",
                    f"{prefix}-INITIAL_FORMS": "0",
                    f"{prefix}-MIN_NUM_FORMS": "0",
                    f"{prefix}-MAX_NUM_FORMS": "1000",
                }
            return data | changes

        change = "/admin/kb/tactic/{}/change/"
        self.time(repeat, "change form, draft (GET)", lambda: client.get(change.format(draft.pk)))
        self.time(
            repeat,
            "change form, published, rehearsed (GET)",
            lambda: client.get(change.format(published.pk)),
        )
        self.time(
            repeat,
            "save a draft in place (POST)",
            undone(lambda: client.post(change.format(draft.pk), form(draft, summary_en="Edited."))),
        )
        self.time(
            repeat,
            "save a published tactic as a revision (POST)",
            undone(
                lambda: client.post(change.format(published.pk), form(published, summary_en="Ed."))
            ),
        )
        self.time(
            repeat, "publication checks of one tactic", lambda: publication_problems(published)
        )

        def with_revision(action: Callable[[], object]) -> Callable[[], object]:
            def run() -> object:
                user = User.objects.get(username="bench-curator")
                propose_revision(published, author=user, note="Bench", edit=rename)
                return action()

            return undone(run)

        def rename(tactic: Entry) -> None:
            assert isinstance(tactic, Tactic)
            tactic.summary = f"{tactic.summary} Benchmarked."
            tactic.save()

        revision = "/admin/kb/tactic/{}/revision/"
        self.time(
            repeat,
            "a revision's diff page (GET)",
            with_revision(lambda: client.get(revision.format(published.pk))),
        )
        self.time(
            repeat,
            "a revision's preview (GET)",
            with_revision(lambda: client.get(revision.format(published.pk) + "preview/")),
        )
        self.time(
            repeat,
            "publish a revision (POST)",
            with_revision(
                lambda: client.post(
                    revision.format(published.pk), {"_transition": "publish_revision"}
                )
            ),
        )
        self.time(
            repeat,
            "History page (GET)",
            lambda: client.get(f"/admin/kb/tactic/{published.pk}/history/"),
        )
        assert not Revision.objects.filter(author__username="bench-curator").exists()

    def editor(self) -> Client:
        """A client signed in as a superuser verified with a second factor."""
        user, _ = User.objects.get_or_create(
            username="bench-curator", defaults={"is_staff": True, "is_superuser": True}
        )
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="Bench", confirmed=True
        )
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    def time(self, repeat: int, label: str, action: Callable[[], object]) -> None:
        action()  # warm up: templates, connections
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = action()
            timings.append((time.perf_counter() - started) * 1000)
            status = getattr(response, "status_code", 200)
            if status >= 400:
                raise CommandError(f"{label}: answered {status}")
        self.stdout.write(f"{label:<46} {statistics.median(timings):8.1f} {max(timings):8.1f}")
