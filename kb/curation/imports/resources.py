"""What each row of an imported spreadsheet does, one resource per file of the downloads.

The promises an import keeps (docs/curation.md, "Importing from a spreadsheet"):

- a row without an ID creates a new **draft** (its ID allocated as usual); a row naming an
  ID that is not in the knowledge base is refused, since IDs are permanent and handed out
  here: creating it under a new ID would give a second copy on every later import;
- a row naming a draft edits it in place, with its history;
- a row naming an entry past draft (in review, published, retired, withdrawn) never
  changes the live entry: it becomes the entry's **pending revision** through
  ``kb.curation.workflow.propose_revision`` (a new one, or the open one updated), which its
  author then sends to review as any other;
- nothing is published, whatever the file says (a status column is ignored);
- vocabulary terms are found by name or slug and never created; an unknown one refuses
  the row, and so does any other problem, with the reason in plain words.

Each row is one savepoint: a refused row leaves nothing behind. In the dry run (the
preview) django-import-export rolls the whole import back; IDs are handed out by a counter
row updated in the same transaction (``allocate_public_id``), so a preview burns none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result, RowResult

from kb.curation.workflow import propose_revision
from kb.models import (
    Actor,
    Category,
    Citation,
    Countermeasure,
    Entry,
    Mitigation,
    Platform,
    ResponseKind,
    Source,
    SourceKind,
    Stage,
    Status,
    Tactic,
    TargetGroup,
    Technology,
    parse_public_id,
)
from kb.models.workflow import validate_entry_slug

from .cells import (
    Rejected,
    Terms,
    cell_items,
    cell_text,
    cell_texts,
    find_choice,
    find_entries,
    find_entry,
    parse_source_date,
)
from .formats import max_rows

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Outcome(StrEnum):
    """What a row did (or, in the preview, would do)."""

    CREATED = "created"
    CHANGED = "changed"
    PROPOSED = "proposed"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


OUTCOME_LABELS = {
    Outcome.CREATED: gettext_lazy("Created"),
    Outcome.CHANGED: gettext_lazy("Changed"),
    Outcome.PROPOSED: gettext_lazy("Pending revision"),
    Outcome.UNCHANGED: gettext_lazy("Unchanged"),
    Outcome.REJECTED: gettext_lazy("Rejected"),
}

# How django-import-export counts each outcome (its totals, the admin log's action).
IMPORT_TYPES = {
    Outcome.CREATED: RowResult.IMPORT_TYPE_NEW,
    Outcome.CHANGED: RowResult.IMPORT_TYPE_UPDATE,
    Outcome.PROPOSED: RowResult.IMPORT_TYPE_UPDATE,
    Outcome.UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
    Outcome.REJECTED: RowResult.IMPORT_TYPE_SKIP,
}


class Added(str):
    """A change that adds a record to an entry (a citation, a countermeasure link): on a
    draft the row creates rather than changes."""

    __slots__ = ()


class ImportRow(RowResult):
    """One row's result: its number as the spreadsheet shows it, its outcome, what it names
    and, in plain words, what changed or why it was refused."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.outcome = Outcome.REJECTED
        self.subject = ""
        self.details: list[str] = []
        #: The entry the row created or changed (an entry itself, or the entry a citation
        #: or link belongs to): what the admin log names.
        self.entry: Entry | None = None
        #: Whether the row created that entry.
        self.new_entry = False

    @property
    def outcome_label(self) -> str:
        """The outcome as the preview names it."""
        return str(OUTCOME_LABELS[self.outcome])

    def record(self, outcome: Outcome, entry: Entry | None, details: list[str]) -> None:
        """Set the row's outcome, the entry it concerns and what to say about it."""
        self.outcome = outcome
        self.import_type = IMPORT_TYPES[outcome]
        self.details = details
        self.entry = entry
        if entry is not None:
            self.add_instance_info(entry)
            self.instance = entry

    def reject(self, reasons: list[str]) -> None:
        """Refuse the row: nothing of it is saved."""
        self.record(Outcome.REJECTED, None, reasons)


class ImportResult(Result):
    """An import's rows, and notes about the file as a whole (columns ignored...)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []
        self.file_name = ""

    def count(self, outcome: Outcome) -> int:
        """How many rows had ``outcome``."""
        return sum(1 for row in self.rows if row.outcome == outcome)


class FileRefused(Exception):
    """A file this import does not take as a whole (its columns, its size, who sends it);
    the message says why and what to do."""


class NothingToPropose(Exception):
    """Raised inside a revision's edit when the row changes nothing in it, so that no
    revision is proposed."""


@dataclass(frozen=True)
class Run:
    """Who imports which file, for the history and the admin log."""

    user: AbstractBaseUser | AnonymousUser
    file_name: str
    dry_run: bool

    @property
    def note(self) -> str:
        """The history's reason for every change the import makes."""
        return _("Imported from %(file)s") % {"file": self.file_name or _("a spreadsheet")}


@dataclass(frozen=True)
class Edit:
    """What a row changes in one entry: ``differences`` names the changes against the entry
    given (the live draft, or the entry as its pending revision has it), ``apply`` makes
    them."""

    differences: Callable[[Any], list[str]]
    apply: Callable[[Any], None]


def reasons_of(error: ValidationError, columns: dict[str, str]) -> list[str]:
    """A model's validation errors as reasons, each named by its column (``columns`` maps
    a field to the column that fills it)."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        _("%(column)s: %(problem)s") % {"column": columns.get(field, field), "problem": message}
        if field != "__all__"
        else message
        for field, messages in error.message_dict.items()
        for message in messages
    ]


# --- columns ----------------------------------------------------------------------------


class Column:
    """One column of an entry's file: how its text becomes a value of the entry, and how
    that compares with and is written to an entry."""

    #: Written after the entry is saved (links to other records need its key).
    after_save = False

    def __init__(self, name: str, field: str | None = None, *, required: bool = False) -> None:
        self.name = name
        self.field = field or name
        self.required = required

    def parse(self, text: str, resource: EntryResource, entry: Any) -> Any:
        """The value the cell asks for; Rejected when it is missing or wrong."""
        if self.required and not text:
            raise Rejected(_("missing %(column)s") % {"column": self.name})
        return text

    def current(self, entry: Any) -> Any:
        """The entry's value now."""
        return getattr(entry, self.field)

    def same(self, current: Any, wanted: Any) -> bool:
        """Whether the cell asks for what the entry has (text compared without the spaces
        around it, which the admin's forms take off too)."""
        return (current or "").strip() == wanted

    def assign(self, entry: Any, value: Any, note: str) -> None:
        """Give the entry the value."""
        setattr(entry, self.field, value)


class ChoiceColumn(Column):
    """A fixed choice (a countermeasure's kind of response, a source's kind), by value or
    label."""

    def __init__(self, name: str, choices: Sequence[tuple[str, StrOrPromise]], **kwargs) -> None:
        super().__init__(name, **kwargs)
        self.choices = choices

    def parse(self, text: str, resource: EntryResource, entry: Any) -> Any:
        return find_choice(self.choices, super().parse(text, resource, entry), self.name)

    def same(self, current: Any, wanted: Any) -> bool:
        return current == wanted


class UrlColumn(Column):
    """A web address; one pasted without a scheme is taken as https, as the admin does."""

    def parse(self, text: str, resource: EntryResource, entry: Any) -> Any:
        text = super().parse(text, resource, entry)
        return f"https://{text}" if text and "://" not in text else text


class TermColumn(Column):
    """A tactic's category: one term, by name or slug."""

    def __init__(self, name: str, vocabulary: type, **kwargs) -> None:
        super().__init__(name, **kwargs)
        self.vocabulary = vocabulary

    def parse(self, text: str, resource: EntryResource, entry: Any) -> Any:
        text = super().parse(text, resource, entry)
        (term,) = resource.terms(self.vocabulary).find([text], self.name)
        return term

    def current(self, entry: Any) -> Any:
        return getattr(entry, self.field) if getattr(entry, f"{self.field}_id") else None

    def same(self, current: Any, wanted: Any) -> bool:
        return current == wanted


class TermsColumn(TermColumn):
    """Classification terms (technologies, stages, actors...): a list, by name or slug."""

    after_save = True

    def parse(self, text: str, resource: EntryResource, entry: Any) -> Any:
        return resource.terms(self.vocabulary).find(cell_items(text), self.name)

    def current(self, entry: Any) -> Any:
        return list(getattr(entry, self.field).all())

    def same(self, current: Any, wanted: Any) -> bool:
        return {t.pk for t in current} == {t.pk for t in wanted}

    def assign(self, entry: Any, value: Any, note: str) -> None:
        getattr(entry, self.field).set(value)


class IndicatorsColumn(Column):
    """A tactic's indicators (red flags): the whole list, in order. Indicators whose text
    is kept stay the same records; the others are added or removed."""

    after_save = True

    def parse(self, text: str, resource: EntryResource, entry: Any) -> Any:
        known = [i.text for i in entry.indicators.all()] if entry is not None else []
        return cell_texts(text, known)

    def current(self, entry: Any) -> Any:
        return [indicator.text.strip() for indicator in entry.indicators.all()]

    def same(self, current: Any, wanted: Any) -> bool:
        return current == wanted

    def assign(self, entry: Any, value: Any, note: str) -> None:
        existing: dict[str, list] = {}
        for indicator in entry.indicators.all():
            existing.setdefault(indicator.text.strip(), []).append(indicator)
        for position, text in enumerate(value):
            kept = existing.get(text)
            indicator = kept.pop(0) if kept else entry.indicators.model(tactic=entry, text=text)
            if indicator.pk is None or indicator.position != position:
                indicator.position = position
                indicator._change_reason = note
                indicator.save()
        for leftover in (i for kept in existing.values() for i in kept):
            leftover._change_reason = note
            leftover.delete()


class RelatedTacticsColumn(Column):
    """A tactic's related tactics, by ID. The downloads list only published ones, so links
    to tactics not published are kept whatever the cell says."""

    after_save = True

    def parse(self, text: str, resource: EntryResource, entry: Any) -> Any:
        tactics = find_entries(Tactic, cell_items(text), self.name)
        if entry is not None and entry in tactics:
            raise Rejected(_("%(column)s names the tactic itself") % {"column": self.name})
        return tactics

    def current(self, entry: Any) -> Any:
        return list(entry.related_tactics.all())

    def _wanted(self, current: Any, wanted: Any) -> set[int]:
        return {t.pk for t in wanted} | {t.pk for t in current if t.status != Status.PUBLISHED}

    def same(self, current: Any, wanted: Any) -> bool:
        return {t.pk for t in current} == self._wanted(current, wanted)

    def assign(self, entry: Any, value: Any, note: str) -> None:
        entry.related_tactics.set(self._wanted(self.current(entry), value))


#: A source's date cell that says what the source has now (a dateline, printed as is).
KEEP = object()


class SourceDateColumn(Column):
    """A source's date, as the downloads print it (or ISO): the date and its precision."""

    def parse(self, text: str, resource: EntryResource, entry: Any) -> Any:
        if entry is not None and text == entry.date_display:
            return KEEP
        return parse_source_date(text)

    def current(self, entry: Any) -> Any:
        return (entry.published_on, entry.date_precision)

    def same(self, current: Any, wanted: Any) -> bool:
        return wanted is KEEP or current == wanted

    def assign(self, entry: Any, value: Any, note: str) -> None:
        if value is not KEEP:
            entry.published_on, entry.date_precision = value


# --- resources --------------------------------------------------------------------------


class SpreadsheetResource(resources.Resource):
    """What every imported file shares: its columns, the checks of the file as a whole,
    and a row's result; each kind of file says what a row does (``import_values``)."""

    model: ClassVar[type[models.Model]]
    #: How the import page names the file, e.g. "Tactics (tactics.csv)".
    title: ClassVar[Any]
    #: The columns this file's rows are read from, as the downloads name them.
    columns: ClassVar[tuple[str, ...]]
    #: The columns without which no row could be imported.
    required_columns: ClassVar[tuple[str, ...]]
    #: Columns the downloads write that an import does not read (the entry's address,
    #: when it last changed).
    written_only: ClassVar[frozenset[str]] = frozenset({"url", "updated_at"})

    class Meta:
        skip_diff = True  # each row says what it changes (ImportRow.details)
        report_skipped = True  # unchanged and refused rows are listed too
        use_transactions = True
        instance_loader_class = BaseInstanceLoader  # unused: each kind finds its own rows

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines: list[int] = []
        self.notes: list[str] = []
        self.seen: dict[object, int] = {}
        self._terms: dict[type, Terms] = {}

    @classmethod
    def get_display_name(cls) -> str:
        """The name of this kind of file on the import page."""
        return str(cls.title)

    def get_user_visible_fields(self) -> list[Field]:
        """The columns the import page lists."""
        return [Field(column_name=name) for name in self.columns]

    def get_result_class(self) -> type[ImportResult]:
        return ImportResult

    def get_row_result_class(self) -> type[ImportRow]:
        return ImportRow

    def terms(self, vocabulary: type) -> Terms:
        """The terms of ``vocabulary``, read once per import."""
        if vocabulary not in self._terms:
            self._terms[vocabulary] = Terms(vocabulary)
        return self._terms[vocabulary]

    def before_import(self, dataset, **kwargs) -> None:
        """Refuse a file whose columns or size this import does not take (the file as a
        whole: no row is read), note the columns it ignores, and set blank rows aside."""
        try:
            self._check_file(dataset, kwargs.get("user"))
        except FileRefused:
            dataset.wipe()  # no row of a refused file is read
            raise

    def _check_file(self, dataset, user) -> None:
        opts = self.model._meta
        if user is None or not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            raise FileRefused(_("You may not add %(kind)s.") % {"kind": opts.verbose_name_plural})
        headers = [str(h or "").strip().casefold() for h in dataset.headers or []]
        doubled = sorted({h for h in headers if h and headers.count(h) > 1})
        if doubled:
            raise FileRefused(
                _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(doubled)}
            )
        missing = [c for c in self.required_columns if c not in headers]
        if missing:
            raise FileRefused(
                _(
                    "This is not a file of %(kind)s: it lacks the column(s) %(missing)s. "
                    "Its first row must name the columns, as the downloads do: %(columns)s."
                )
                % {
                    "kind": self.title,
                    "missing": ", ".join(missing),
                    "columns": ", ".join(self.columns),
                }
            )
        if len(dataset) > max_rows():
            raise FileRefused(
                _("The file has more than %(limit)s rows; split it into smaller files.")
                % {"limit": f"{max_rows():,}"}
            )
        dataset.headers = headers
        if "status" in headers:
            self.notes.append(
                _(
                    "The status column is ignored: imported entries arrive as drafts, or as "
                    "pending revisions of entries past draft. Nothing is published by an "
                    "import."
                )
            )
        ignored = [h for h in headers if h and h not in self.columns and h not in self.written_only]
        ignored = [h for h in ignored if h != "status"]
        if ignored:
            self.notes.append(
                _("These columns are not read by this import and were ignored: %(columns)s.")
                % {"columns": ", ".join(ignored)}
            )
        # Blank rows (a spreadsheet's trailing ones) are left out; the others keep the
        # number the spreadsheet shows them under (the header is row 1).
        blank = [i for i, row in enumerate(dataset) if not any(cell_text(c) for c in row)]
        for index in reversed(blank):
            del dataset[index]
        left_out = set(blank)
        self.lines = [n + 2 for n in range(len(dataset) + len(blank)) if n not in left_out]

    def after_import(self, dataset, result, **kwargs) -> None:
        result.notes = self.notes
        result.file_name = kwargs.get("file_name") or ""

    def import_row(self, row, instance_loader, **kwargs) -> ImportRow:
        """Import one row in a savepoint of its own: a refused row leaves nothing behind.
        (django-import-export's per-row steps are replaced as a whole: each kind of file
        decides for itself what its rows change.)"""
        result = ImportRow()
        result.line = self.lines[kwargs["row_number"] - 1]
        values = {name: cell_text(value) for name, value in row.items() if name in self.columns}
        run = Run(
            kwargs.get("user") or AnonymousUser(), kwargs.get("file_name") or "", kwargs["dry_run"]
        )
        try:
            with transaction.atomic():
                self.import_values(values, result, run)
        except Rejected as refused:
            result.reject(refused.reasons)
        except ValidationError as invalid:
            result.reject(reasons_of(invalid, self.field_columns()))
        except (DatabaseError, ValueError) as refused:
            # What the database refuses that validation does not catch (a slug taken by a
            # save made meanwhile, a character PostgreSQL does not store in text).
            result.reject([_("could not be saved: %(problem)s") % {"problem": refused}])
        return result

    def field_columns(self) -> dict[str, str]:
        """Which column fills each model field (for validation messages)."""
        return {}

    def import_values(self, values: dict[str, str], row: ImportRow, run: Run) -> None:
        """Import one row's cells, or raise Rejected."""
        raise NotImplementedError

    def once(self, key: object, row: ImportRow, label: str) -> None:
        """Refuse a row that names what an earlier row of the file named already."""
        if key in self.seen:
            raise Rejected(
                _("duplicate row: %(what)s is on row %(line)s already")
                % {"what": label, "line": self.seen[key]}
            )
        self.seen[key] = row.line

    def write(self, entry: Entry, edit: Edit, row: ImportRow, run: Run) -> None:
        """Make ``edit`` in ``entry``: in place when it is a draft, else as its pending
        revision (never in the live entry)."""
        if entry.status == Status.DRAFT:
            changed = edit.differences(entry)
            if changed:
                edit.apply(entry)
            self._record(entry, changed, Outcome.CHANGED, row)
            return
        captured: list[str] = []

        def revise(revised: Entry) -> None:
            changed = edit.differences(revised)
            if not changed:
                raise NothingToPropose
            edit.apply(revised)
            captured.extend(changed)

        try:
            with transaction.atomic():
                propose_revision(entry, author=run.user, note=run.note, edit=revise)
        except NothingToPropose:  # no revision is opened (or touched) for nothing
            pass
        self._record(entry, captured, Outcome.PROPOSED, row)
        if captured:
            row.details.append(
                _(
                    "%(id)s is %(status)s: the change becomes its pending revision, to be "
                    "sent to review"
                )
                % {"id": entry.public_id, "status": entry.get_status_display().lower()}
            )

    def _record(self, entry: Entry, changed: list[str], outcome: Outcome, row: ImportRow) -> None:
        if not changed:
            outcome = Outcome.UNCHANGED
        elif outcome == Outcome.CHANGED and all(isinstance(c, Added) for c in changed):
            outcome = Outcome.CREATED
        row.record(outcome, entry, list(changed))


class EntryResource(SpreadsheetResource):
    """A file of entries (tactics, countermeasures, sources): one entry a row, by ID."""

    #: The column that names the entry (``name``; a source's ``title``).
    name_column: ClassVar[str] = "name"
    specs: ClassVar[tuple[Column, ...]]

    def field_columns(self) -> dict[str, str]:
        return {spec.field: spec.name for spec in self.specs}

    def import_values(self, values: dict[str, str], row: ImportRow, run: Run) -> None:
        entry = self._entry(values.get("id", ""))
        name = values.get(self.name_column, "")
        row.subject = f"{entry.public_id} {name}" if entry else name
        if entry is not None:
            self.once(entry.public_id, row, entry.public_id)
        elif name:  # two new entries of one name are one entry typed twice
            self.once(("new", name.casefold()), row, f"“{name}”")
        wanted, reasons = {}, []
        for spec in self.specs:
            if spec.name in values:
                try:
                    wanted[spec] = spec.parse(values[spec.name], self, entry)
                except Rejected as refused:
                    reasons += refused.reasons
        if reasons:
            raise Rejected(*reasons)
        if entry is None:
            self._create(wanted, row, run)
        else:
            self.write(entry, self._edit(wanted, run), row, run)

    def _entry(self, text: str) -> Entry | None:
        if not text:
            return None
        prefix = self.model.PUBLIC_ID_PREFIX  # type: ignore[attr-defined]
        parsed = parse_public_id(text)
        if parsed is None or parsed[0] != prefix:
            raise Rejected(
                _("id “%(text)s” is not a %(kind)s ID (%(prefix)s-0001)")
                % {"text": text, "kind": self.model._meta.verbose_name, "prefix": prefix}
            )
        entry = self.model._default_manager.filter(public_id=f"{prefix}-{parsed[1]:04d}").first()
        if entry is None:
            raise Rejected(
                _(
                    "%(id)s is not in the knowledge base, so the row was not imported (IDs "
                    "are handed out here and never reused); leave the id cell empty to "
                    "create a new draft with a new ID"
                )
                % {"id": f"{prefix}-{parsed[1]:04d}"}
            )
        return entry  # type: ignore[return-value]

    def _fill(self, entry: Any, wanted: dict[Column, Any], run: Run, *, after: bool) -> None:
        for spec, value in wanted.items():
            if spec.after_save == after and (
                entry.pk is None or not spec.same(spec.current(entry), value)
            ):
                spec.assign(entry, value, run.note)

    def _create(self, wanted: dict[Column, Any], row: ImportRow, run: Run) -> None:
        entry: Any = self.model()
        self._fill(entry, wanted, run, after=False)
        entry.slug = self._free_slug(getattr(entry, self.name_column))
        entry.full_clean(exclude=["public_id"])
        entry._change_reason = run.note
        entry.save()
        self._fill(entry, wanted, run, after=True)
        name = getattr(entry, self.name_column)
        # A preview's ID is not the one the import will hand out (the preview is undone).
        row.subject = name if run.dry_run else f"{entry.public_id} {name}"
        row.new_entry = True
        row.record(
            Outcome.CREATED,
            entry,
            [_("a new draft; its ID is given when the import is confirmed")] if run.dry_run else [],
        )

    def _edit(self, wanted: dict[Column, Any], run: Run) -> Edit:
        def differences(entry: Any) -> list[str]:
            return [s.name for s, v in wanted.items() if not s.same(s.current(entry), v)]

        def apply(entry: Any) -> None:
            self._fill(entry, wanted, run, after=False)
            entry.full_clean(exclude=["public_id"])
            entry._change_reason = run.note
            entry.save()
            self._fill(entry, wanted, run, after=True)

        return Edit(differences, apply)

    def _free_slug(self, name: str) -> str:
        """A slug from the name that no entry of this kind has and no address needs."""
        base = slugify(name)[:190].strip("-") or self.model._meta.model_name or "entry"
        taken = set(
            self.model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True)
        )
        candidate, number = base, 1
        while True:
            try:
                validate_entry_slug(candidate)
            except ValidationError:
                pass
            else:
                if candidate not in taken:
                    return candidate
            number += 1
            candidate = f"{base}-{number}"


class TacticResource(EntryResource):
    """tactics.csv: one tactic a row."""

    model = Tactic
    title = gettext_lazy("Tactics (tactics.csv)")
    columns = (
        "id", "name", "summary", "description", "category", "technologies", "platforms",
        "stages", "target_groups", "indicators", "related_tactics",
    )  # fmt: skip
    required_columns = ("name", "summary", "category")
    specs = (
        Column("name", required=True),
        Column("summary", required=True),
        Column("description"),
        TermColumn("category", Category, required=True),
        TermsColumn("technologies", Technology),
        TermsColumn("platforms", Platform),
        TermsColumn("stages", Stage),
        TermsColumn("target_groups", TargetGroup),
        IndicatorsColumn("indicators"),
        RelatedTacticsColumn("related_tactics"),
    )


class CountermeasureResource(EntryResource):
    """countermeasures.csv: one countermeasure a row."""

    model = Countermeasure
    title = gettext_lazy("Countermeasures (countermeasures.csv)")
    columns = ("id", "name", "summary", "description", "response_kind", "actors")
    required_columns = ("name", "summary", "response_kind")
    specs = (
        Column("name", required=True),
        Column("summary", required=True),
        Column("description"),
        ChoiceColumn("response_kind", ResponseKind.choices, required=True),
        TermsColumn("actors", Actor),
    )


class SourceResource(EntryResource):
    """sources.csv: one source a row. ``date`` is read as the downloads print it; a date as
    the source prints it that is not a full date goes in an optional ``dateline`` column."""

    model = Source
    title = gettext_lazy("Sources (sources.csv)")
    name_column = "title"
    columns = (
        "id", "title", "publisher", "authors", "kind", "date", "dateline", "original_url",
        "archive_url", "summary",
    )  # fmt: skip
    required_columns = ("title",)
    specs = (
        Column("title", required=True),
        Column("publisher"),
        Column("authors"),
        ChoiceColumn("kind", SourceKind.choices, required=True),
        SourceDateColumn("date", "published_on"),
        Column("dateline"),
        UrlColumn("original_url", "url"),
        UrlColumn("archive_url"),
        Column("summary"),
    )


def _next_position(parts: models.QuerySet) -> int:
    highest = parts.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


class CitationResource(SpreadsheetResource):
    """citations.csv: one citation a row: the tactic or countermeasure it supports (by
    ID), the source it quotes (by ID), the quote and where it stands in the source.

    A citation is known by its entry, source and quote: a row that matches one may change
    its locator; any other row adds a citation. An import never removes one."""

    model = Citation
    title = gettext_lazy("Citations (citations.csv)")
    columns = ("entry", "source", "quote", "locator")
    required_columns = ("entry", "source", "quote")

    def field_columns(self) -> dict[str, str]:
        return {"tactic": "entry", "countermeasure": "entry"}

    def import_values(self, values: dict[str, str], row: ImportRow, run: Run) -> None:
        entry_id, source_id, quote = values["entry"], values["source"], values["quote"]
        row.subject = f"{entry_id} ← {source_id}"
        reasons, entry, source = [], None, None
        kinds: dict[str, type[Tactic] | type[Countermeasure]] = {
            "TT": Tactic,
            "CM": Countermeasure,
        }
        parsed = parse_public_id(entry_id) if entry_id else None
        try:
            if not entry_id:
                raise Rejected(_("missing entry"))
            if parsed is None or parsed[0] not in kinds:
                raise Rejected(
                    _("entry “%(text)s” is not a tactic or countermeasure ID") % {"text": entry_id}
                )
            entry = find_entry(kinds[parsed[0]], entry_id, "entry")
        except Rejected as refused:
            reasons += refused.reasons
        try:
            if not source_id:
                raise Rejected(_("missing source"))
            source = find_entry(Source, source_id, "source")
        except Rejected as refused:
            reasons += refused.reasons
        if not quote:
            reasons.append(_("missing quote"))
        if reasons or entry is None or source is None:
            raise Rejected(*reasons)
        row.subject = f"{entry.public_id} ← {source.public_id}"
        self.once((entry.public_id, source.public_id, quote), row, _("this quote"))
        link = "tactic" if isinstance(entry, Tactic) else "countermeasure"
        locator = values.get("locator")

        def existing(target: Entry) -> Citation | None:
            citations = Citation.objects.filter(**{link: target}, source=source)
            return next((c for c in citations if c.quote.strip() == quote), None)

        def differences(target: Entry) -> list[str]:
            citation = existing(target)
            if citation is None:
                return [Added(_("a new citation of %(id)s") % {"id": source.public_id})]
            return ["locator"] if locator is not None and citation.locator != locator else []

        def apply(target: Entry) -> None:
            citation = existing(target) or Citation(
                source=source,
                quote=quote,
                position=_next_position(Citation.objects.filter(**{link: target})),
                **{link: target},
            )
            if locator is not None:
                citation.locator = locator
            citation.full_clean()
            citation._change_reason = run.note  # type: ignore[attr-defined]
            citation.save()

        self.write(entry, Edit(differences, apply), row, run)


class MitigationResource(SpreadsheetResource):
    """mitigations.csv: one countermeasure link a row: the countermeasure (by ID), the
    tactic it counters (by ID) and a note on how. A link belongs to its countermeasure:
    a row that names an existing pair may change its note; any other row adds a link. An
    import never removes one."""

    model = Mitigation
    title = gettext_lazy("Countermeasure links (mitigations.csv)")
    columns = ("countermeasure", "tactic", "note")
    required_columns = ("countermeasure", "tactic")

    def import_values(self, values: dict[str, str], row: ImportRow, run: Run) -> None:
        row.subject = f"{values['countermeasure']} → {values['tactic']}"
        reasons, found = [], {}
        for column, model in (("countermeasure", Countermeasure), ("tactic", Tactic)):
            try:
                if not values[column]:
                    raise Rejected(_("missing %(column)s") % {"column": column})
                found[column] = find_entry(model, values[column], column)
            except Rejected as refused:
                reasons += refused.reasons
        if reasons:
            raise Rejected(*reasons)
        countermeasure, tactic = found["countermeasure"], found["tactic"]
        row.subject = f"{countermeasure.public_id} → {tactic.public_id}"
        self.once((countermeasure.public_id, tactic.public_id), row, _("this link"))
        note = values.get("note")

        def differences(target: Countermeasure) -> list[str]:
            link = Mitigation.objects.filter(countermeasure=target, tactic=tactic).first()
            if link is None:
                return [Added(_("a new link to %(id)s") % {"id": tactic.public_id})]
            return ["note"] if note is not None and link.note != note else []

        def apply(target: Countermeasure) -> None:
            link = Mitigation.objects.filter(
                countermeasure=target, tactic=tactic
            ).first() or Mitigation(countermeasure=target, tactic=tactic)
            if note is not None:
                link.note = note
            link.full_clean()
            link._change_reason = run.note  # type: ignore[attr-defined]
            link.save()

        self.write(countermeasure, Edit(differences, apply), row, run)
