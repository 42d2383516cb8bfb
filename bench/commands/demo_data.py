"""Fill the database with demo content at realistic sizes, for benchmarks and load tests."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from bench import demo
from kb import bulk
from kb.models import (
    Actor,
    Category,
    Citation,
    Countermeasure,
    Entry,
    Indicator,
    Mitigation,
    Platform,
    PublicIdCounter,
    PublishedVersion,
    Source,
    Stage,
    Status,
    Tactic,
    TargetGroup,
    Technology,
    Vocabulary,
)
from kb.models.workflow import format_public_id
from kb.search import indexing

BATCH = 1000
# Mostly published, as in a mature knowledge base; the rest exercises visibility rules.
STATUS_MIX = [(Status.PUBLISHED, 0.90), (Status.DRAFT, 0.05), (Status.IN_REVIEW, 0.03),
              (Status.RETIRED, 0.02)]  # fmt: skip
# The history's reason and the version's note of every generated record: demo, not curated.
HISTORY_REASON = "Demo data"
VERSION_NOTE = "First published (demo data)"


class Command(BaseCommand):
    help = (
        "Generate demo tactics, countermeasures, sources and citations (slugs start with "
        "'demo-'), with their history and version 1 of each published entry. Refuses to "
        "write beside real content unless --allow-real-content."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tactics", type=int, default=10_000)
        parser.add_argument("--countermeasures", type=int, default=None, help="default: tactics/4")
        parser.add_argument("--sources", type=int, default=30_000)
        parser.add_argument("--citations", type=int, default=100_000)
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same data)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="delete earlier demo content first"
        )
        parser.add_argument(
            "--allow-real-content",
            action="store_true",
            help="write demo content into a database that also holds curated content",
        )

    def handle(self, *args, **options) -> None:
        self.text = demo.DemoText(options["seed"])
        self.random = self.text.random
        counts = {
            "tactics": options["tactics"],
            "countermeasures": options["countermeasures"] or max(options["tactics"] // 4, 1),
            "sources": options["sources"],
            "citations": options["citations"],
        }
        if any(n < 0 for n in counts.values()):
            raise CommandError("Counts must be zero or more.")
        self._check_database(options)
        with transaction.atomic(), bulk.operation():
            if options["replace"]:
                self._delete_demo_content()
            self._generate(counts)
            self._record_history(timezone.now())
        progress = demo.Progress(self._write, "search index", self._published_estimate(counts))
        totals = indexing.rebuild(progress=progress.advance)
        progress.advance(progress.total)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum would do within minutes: the visibility map lets counts and
            # facet queries scan indexes only, so measurements see a settled database.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"Generated {counts['tactics']} tactics, {counts['countermeasures']} "
            f"countermeasures, {counts['sources']} sources, {counts['citations']} citations; "
            f"search index: {sum(totals[k] for k in ('tactic', 'countermeasure', 'source'))} "
            f"documents, {totals['words']} words."
        )

    def _write(self, text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()

    # --- safety -------------------------------------------------------------------------

    def _check_database(self, options: dict) -> None:
        real = sum(
            model.objects.exclude(slug__startswith=demo.DEMO_PREFIX).count()
            for model in (Tactic, Countermeasure, Source)
        )
        if real and not options["allow_real_content"]:
            raise CommandError(
                f"This database holds {real} curated entries. Generate demo data into an "
                "empty database (set DATABASE_URL), or pass --allow-real-content."
            )
        existing = Tactic.objects.filter(slug__startswith=demo.DEMO_PREFIX).exists()
        if existing and not options["replace"]:
            raise CommandError("Demo content is already here; pass --replace to regenerate it.")

    def _delete_demo_content(self) -> None:
        demo_only = Q(slug__startswith=demo.DEMO_PREFIX)
        Citation.objects.filter(
            Q(tactic__slug__startswith=demo.DEMO_PREFIX)
            | Q(countermeasure__slug__startswith=demo.DEMO_PREFIX)
            | Q(source__slug__startswith=demo.DEMO_PREFIX)
        ).delete()
        Countermeasure.objects.filter(demo_only).delete()
        Tactic.objects.filter(demo_only).delete()
        Source.objects.filter(demo_only).delete()
        self._delete_demo_history()

    def _delete_demo_history(self) -> None:
        """Remove every historical record of demo content, the deletions just recorded
        included: demo data leaves nothing behind in the history (ids are never reused, so
        these records belong to demo rows only)."""
        demo_only = Q(slug__startswith=demo.DEMO_PREFIX)
        tactics = Tactic.history.filter(demo_only).values("id")
        countermeasures = Countermeasure.history.filter(demo_only).values("id")
        sources = Source.history.filter(demo_only).values("id")
        Indicator.history.filter(tactic_id__in=tactics).delete()
        Mitigation.history.filter(
            Q(tactic_id__in=tactics) | Q(countermeasure_id__in=countermeasures)
        ).delete()
        Citation.history.filter(
            Q(tactic_id__in=tactics)
            | Q(countermeasure_id__in=countermeasures)
            | Q(source_id__in=sources)
        ).delete()
        for model in (Tactic, Countermeasure, Source):
            records = model.history.filter(demo_only)
            for m2m_history in self._m2m_histories(model).values():
                m2m_history.objects.filter(history__in=records).delete()
            records.delete()

    def _published_estimate(self, counts: dict) -> int:
        return int(0.9 * (counts["tactics"] + counts["countermeasures"] + counts["sources"]))

    # --- generation ---------------------------------------------------------------------

    def _status(self) -> str:
        statuses, weights = zip(*STATUS_MIX, strict=True)
        return self.random.choices(statuses, weights)[0]

    def _terms(self, model: type[Vocabulary], names: list[str]) -> list:
        return [
            model._default_manager.get_or_create(
                slug=slugify(name), defaults={"name_en": name, "position": position}
            )[0]
            for position, name in enumerate(names, 1)
        ]

    def _numbers(self, prefix: str, count: int) -> range:
        """Reserve ``count`` public ID numbers for ``prefix`` in one step."""
        counter, _ = PublicIdCounter.objects.select_for_update().get_or_create(prefix=prefix)
        first = counter.last_number + 1
        counter.last_number += count
        counter.save()
        return range(first, first + count)

    def _entry_fields(self, prefix: str, number: int, label: str) -> dict:
        status, now = self._status(), timezone.now()
        return {
            "public_id": format_public_id(prefix, number),
            "slug": f"{demo.DEMO_PREFIX}{prefix.lower()}-{number}-{slugify(label)[:60]}",
            "status": status,
            "created_at": now,
            "updated_at": now,
            "published_at": now if status in (Status.PUBLISHED, Status.RETIRED) else None,
        }

    def _generate(self, counts: dict) -> None:
        text, r = self.text, self.random
        categories = self._terms(Category, demo.CATEGORIES)
        technologies = self._terms(Technology, demo.TECHNOLOGIES)
        platforms = self._terms(Platform, demo.PLATFORMS)
        stages = self._terms(Stage, demo.STAGES)
        groups = self._terms(TargetGroup, demo.GROUPS)
        actors = self._terms(Actor, demo.ACTORS)

        source_ids = self._create(
            Source,
            "sources",
            counts["sources"],
            lambda n: Source(
                **self._entry_fields("SR", n, title := text.title()),
                title=title,
                publisher=text.publisher(),
                authors=", ".join(text.person() for _ in range(r.randint(1, 3))),
                kind=r.choice(demo.SOURCE_KINDS),
                published_on=text.date(),
                date_precision=r.choice(["day", "month", "year"]),
                summary_en=text.sentences(2, 4),
            ),
            "SR",
        )
        tactic_ids = self._create(
            Tactic,
            "tactics",
            counts["tactics"],
            lambda n: Tactic(
                **self._entry_fields("TT", n, name := text.name()),
                name_en=name,
                summary_en=text.sentences(2, 3),
                description_en=text.description(),
                category=r.choice(categories),
            ),
            "TT",
        )
        countermeasure_ids = self._create(
            Countermeasure,
            "countermeasures",
            counts["countermeasures"],
            lambda n: Countermeasure(
                **self._entry_fields("CM", n, name := text.name()),
                name_en=name,
                summary_en=text.sentences(1, 3),
                description_en=text.description(),
                response_kind=r.choice(demo.RESPONSE_KINDS),
            ),
            "CM",
        )

        self._link(
            Tactic.technologies.through, "tactics", tactic_ids, "technology", technologies, 1, 3
        )
        self._link(Tactic.platforms.through, "platforms", tactic_ids, "platform", platforms, 1, 3)
        self._link(Tactic.stages.through, "stages", tactic_ids, "stage", stages, 1, 3)
        self._link(Tactic.target_groups.through, "groups", tactic_ids, "targetgroup", groups, 0, 2)
        self._link(
            Countermeasure.actors.through, "actors", countermeasure_ids, "actor", actors, 1, 2
        )
        self._bulk(
            Indicator,
            "indicators",
            (
                Indicator(tactic_id=tactic, text_en=text.sentence(), position=i)
                for tactic in tactic_ids
                for i in range(r.randint(2, 6))
            ),
            total=len(tactic_ids) * 4,
        )
        self._bulk(
            Mitigation,
            "mitigations",
            (
                Mitigation(countermeasure_id=cm, tactic_id=tactic, note_en=text.sentence())
                for cm in countermeasure_ids
                for tactic in set(r.sample(tactic_ids, min(len(tactic_ids), r.randint(2, 6))))
            ),
            total=len(countermeasure_ids) * 4,
        )
        if source_ids and (tactic_ids or countermeasure_ids):
            self._bulk(
                Citation,
                "citations",
                (
                    self._citation(n, source_ids, tactic_ids, countermeasure_ids)
                    for n in range(counts["citations"])
                ),
                total=counts["citations"],
            )

    # --- history and published versions ------------------------------------------------

    def _record_history(self, moment: datetime) -> None:
        """Start the history of every generated record and number version 1 of each published
        entry, all at ``moment``, as publishing through the admin leaves them: a record of
        each entry with its terms, and of each indicator, citation and countermeasure link;
        a published version of each published entry. Version pages then answer for demo
        entries, and read history tables of a realistic size."""
        demo_only = Q(slug__startswith=demo.DEMO_PREFIX)
        demo_tactic = Q(tactic__slug__startswith=demo.DEMO_PREFIX)
        demo_countermeasure = Q(countermeasure__slug__startswith=demo.DEMO_PREFIX)
        for model, rows in (
            (Source, Source.objects.filter(demo_only)),
            (Tactic, Tactic.objects.filter(demo_only)),
            (Countermeasure, Countermeasure.objects.filter(demo_only)),
            (Indicator, Indicator.objects.filter(demo_tactic)),
            (Mitigation, Mitigation.objects.filter(demo_countermeasure)),
            (Citation, Citation.objects.filter(demo_tactic | demo_countermeasure)),
        ):
            progress = demo.Progress(self._write, f"{model._meta.model_name} history", rows.count())
            for batch in _chunks(rows.order_by("pk").iterator(chunk_size=BATCH), BATCH):
                model.history.bulk_history_create(
                    batch, default_date=moment, default_change_reason=HISTORY_REASON
                )
                if model in (Tactic, Countermeasure):
                    self._record_terms_history(model, [row.pk for row in batch], moment)
                progress.advance(len(batch))
        for model in (Tactic, Countermeasure, Source):
            kind = model._meta.model_name
            published = model.objects.filter(demo_only, status=Status.PUBLISHED)
            versions = (
                PublishedVersion(
                    **{f"{kind}_id": pk}, number=1, published_at=moment, note=VERSION_NOTE
                )
                for pk in published.order_by("pk").values_list("pk", flat=True).iterator()
            )
            self._bulk(PublishedVersion, f"{kind} versions", versions, published.count())

    def _m2m_histories(self, model: type[Entry]) -> dict:
        """Each many-to-many field of ``model`` whose links the history keeps, with the
        historical model of its links."""
        history = model.history.model
        return {
            field: getattr(history, field.name).model
            for field in model._meta.many_to_many
            if hasattr(history, field.name)
        }

    def _record_terms_history(self, model, entry_ids: list[int], moment: datetime) -> None:
        """Copy the term links (technologies, stages...; a countermeasure's actors) of the
        entries ``entry_ids`` into the history, attached to their records at ``moment``,
        as django-simple-history does on each save of an entry."""
        kind = model._meta.model_name
        records = dict(
            model.history.filter(id__in=entry_ids, history_date=moment).values_list(
                "id", "history_id"
            )
        )
        for field, m2m_history in self._m2m_histories(model).items():
            through = field.remote_field.through
            columns = [f.attname for f in through._meta.fields]
            links = through.objects.filter(**{f"{kind}_id__in": entry_ids}).values(*columns)
            m2m_history.objects.bulk_create(
                [m2m_history(history_id=records[link[f"{kind}_id"]], **link) for link in links],
                batch_size=BATCH,
            )

    def _citation(self, n: int, sources: list, tactics: list, countermeasures: list) -> Citation:
        r = self.random
        on_tactic = not countermeasures or (tactics and r.random() < 0.8)
        return Citation(
            source_id=r.choice(sources),
            tactic_id=r.choice(tactics) if on_tactic else None,
            countermeasure_id=None if on_tactic else r.choice(countermeasures),
            quote=self.text.sentences(1, 2),
            locator=f"paragraph {r.randint(1, 40)}",
            position=n % 20,
        )

    def _create(self, model, label: str, count: int, build, prefix: str) -> list[int]:
        numbers = self._numbers(prefix, count)
        progress = demo.Progress(self._write, label, count)
        for chunk in demo.batched(count, BATCH):
            model.objects.bulk_create([build(numbers[i - 1]) for i in chunk])
            progress.advance(len(chunk))
        if not count:
            progress.advance(1)
        public_ids = [format_public_id(prefix, n) for n in numbers]
        ids: list[int] = []
        for start in range(0, len(public_ids), BATCH):
            batch = public_ids[start : start + BATCH]
            ids += model.objects.filter(public_id__in=batch).values_list("pk", flat=True)
        return ids

    def _link(
        self,
        through,
        label: str,
        owners: list[int],
        term_field: str,
        terms: list,
        low: int,
        high: int,
    ) -> None:
        owner_field = (
            "countermeasure_id" if through is Countermeasure.actors.through else "tactic_id"
        )
        rows = (
            through(**{owner_field: owner, f"{term_field}_id": term.pk})
            for owner in owners
            for term in self.random.sample(terms, self.random.randint(low, high))
        )
        self._bulk(through, label, rows, total=len(owners) * (low + high) // 2)

    def _bulk(self, model, label: str, rows, total: int) -> None:
        progress = demo.Progress(self._write, label, max(total, 1))
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                model.objects.bulk_create(batch)
                progress.advance(len(batch))
                batch = []
        if batch:
            model.objects.bulk_create(batch)
        progress.advance(progress.total)


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    """Lists of at most ``size`` items of ``rows``, in order."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
