"""The editorial steps, one function each, shared by every path that takes them: the change
form's buttons, the admin's list actions, imports and restores.

Two promises rest here. Nothing becomes public unchecked: every step that publishes runs
``publication_problems`` and refuses with the reasons. And a public page never disappears
while someone works on it: changes to a public entry are a pending revision (its whole
proposed state, see kb.models.revisions) until a reviewer publishes it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from kb import bulk
from kb.models import (
    TRANSITIONS,
    Countermeasure,
    Entry,
    ReviewComment,
    Revision,
    RevisionStatus,
    Source,
    Status,
    StatusChange,
    Tactic,
    record_version,
)
from kb.models.revisions import OPEN_REVISION, about

from .checks import Problem, failures, publication_problems, warnings
from .notifications import notify, notify_reviewers
from .states import apply, capture, keep_translations_current

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

User = AbstractBaseUser | AnonymousUser | None


class Refused(Exception):
    """A step that was not taken, with every reason in plain words."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


class _Undo(Exception):
    pass


@contextmanager
def rehearsal() -> Iterator[None]:
    """Run the block in a transaction that is always undone: nothing it writes is kept, and
    nothing it would announce on commit (the page cache, downloads, email) happens.

    Editing and previewing a pending revision use it: the proposed state is applied to the
    live rows, the admin's own form (or the reader's page) works on them as usual, and the
    result is read back before everything is rolled back.
    """
    # Derived data (search documents, the content version) is not kept up to date inside:
    # it would be rolled back anyway, and raising the content version would hold the one
    # row every change of the site writes for as long as the admin renders.
    try:
        with transaction.atomic(), bulk.operation():
            yield
            raise _Undo
    except _Undo:
        pass


def _user(user: User) -> Any:
    return user if user is not None and user.is_authenticated else None


def first_author(entry: Entry) -> Any:
    """Who created the entry (its first history record), or None."""
    record = entry.history.order_by("history_date").first()
    return record.history_user if record is not None else None


def in_site_language(text: StrOrPromise) -> str:
    """``text`` (a lazy translation) in the site's language rather than the page's: what
    readers see, such as a published version's note, is written in it, whoever curates it
    in whatever language."""
    from django.conf import settings

    with override(settings.LANGUAGE_CODE):
        return str(text)


def needs_comment(step: object) -> str:
    """What a step that needs a comment says when it has none."""
    return _("“%(step)s” needs a comment: say why.") % {"step": step}


def revision_needs_comment() -> str:
    """What requesting changes to a pending revision says when it has no comment."""
    return _("“%(step)s” needs a comment: say what to change.") % {"step": _("Request changes")}


def _site_link(path: str) -> str:
    from django.conf import settings

    return f"{settings.KB_SITE_URL}{path}"


def _admin_link(entry: Entry) -> str:
    return _site_link(f"/admin/kb/{type(entry)._meta.model_name}/{entry.pk}/change/")


# --- the steps of an entry -----------------------------------------------------------------


def take_step(
    entry: Entry,
    name: str,
    user: User,
    *,
    comment: str = "",
    note: str = "",
    publishing: Collection[Entry] = (),
) -> list[Problem]:
    """Move ``entry`` one step along the workflow (the caller checked the user's role) and
    save it; return the warnings a publication raised, and what went with it.

    A tactic or countermeasure takes the sources it cites along: sending it to review sends
    its draft sources too, and publishing it publishes those in review that pass their own
    checks ("published in the same step"), so that a reviewer never publishes an entry
    whose references readers cannot see.

    Raises WorkflowError if the step does not apply to the entry's status, and Refused if
    the step needs a comment that is missing, or publishing fails a check (nothing is
    changed then, the sources included).
    """
    transition = TRANSITIONS[name]
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise Refused([Problem(needs_comment(transition.label))])
    previous, first_published = entry.status, entry.published_at
    with transaction.atomic():
        entry.apply(name)  # WorkflowError if it does not apply
        problems: list[Problem] = []
        companions = _cited_sources_along(entry, name, user, note)
        if entry.is_published:
            problems = publication_problems(entry, publishing=[*publishing, *companions])
            if failures(problems):
                entry.status, entry.published_at = previous, first_published
                raise Refused(failures(problems))
        entry._change_reason = note or str(transition.label)
        entry.save()
        reinstated = entry.is_published and previous in (Status.RETIRED, Status.WITHDRAWN)
        if entry.is_published and not reinstated:
            record_version(entry, note or in_site_language(transition.label))
        if reinstated or entry.status in (Status.RETIRED, Status.WITHDRAWN):
            StatusChange.objects.create(
                **about(entry), status=entry.status, reason=comment, changed_by=_user(user)
            )
        if comment:
            ReviewComment.objects.create(**about(entry), author=_user(user), text=comment)
        _tell(entry, name, user, comment)
    along = [
        Problem(
            _("With it, %(id)s “%(source)s” went too: %(step)s.")
            % {"id": source.public_id, "source": source, "step": str(transition.label).lower()},
            blocking=False,
        )
        for source in companions
    ]
    return warnings(problems) + along


def _cited_sources_along(entry: Entry, name: str, user: User, note: str) -> list[Source]:
    """Take ``name`` for the sources ``entry`` cites that it applies to (and, to publish,
    that pass their own checks): the sources that go with the entry."""
    if name not in ("send_to_review", "publish") or not isinstance(entry, Tactic | Countermeasure):
        return []
    cited = Source.objects.filter(citations__in=entry.citations.all()).distinct()
    along = []
    for source in cited.order_by("pk"):
        allowed = user is None or source.may_apply(cast(Any, user), name)
        if not (source.can_apply(name) and allowed):
            continue
        if name == "publish" and failures(publication_problems(source)):
            continue
        take_step(source, name, user, note=note)
        along.append(source)
    return along


def _tell(entry: Entry, name: str, user: User, comment: str) -> None:
    """Email the people a step concerns."""
    details = {
        "id": entry.public_id,
        "entry": entry.labelled,
        "comment": comment,
        "admin_link": _admin_link(entry),
        "link": _site_link(entry.get_absolute_url()),
    }
    if name == "send_to_review":
        notify_reviewers(
            _("%(id)s awaits review") % details,
            _("“%(entry)s” was sent to review.\n\n%(admin_link)s\n") % details,
            besides=_user(user),
        )
    elif name == "return_to_draft":
        notify(
            [first_author(entry)],
            _("Changes requested on %(id)s") % details,
            _("A reviewer asked for changes to “%(entry)s”:\n\n%(comment)s\n\n%(admin_link)s\n")
            % details,
        )
    elif name == "publish":
        notify(
            [first_author(entry)],
            _("%(id)s is published") % details,
            _("“%(entry)s” is published: %(link)s\n") % details,
        )


# --- pending revisions ---------------------------------------------------------------------


def open_revision(entry: Entry, *, for_update: bool = False) -> Revision | None:
    """The entry's revision being edited or reviewed, if any (there is at most one)."""
    revisions = Revision.objects.open().filter(**about(entry))
    return (revisions.select_for_update() if for_update else revisions).first()


def with_temporary_part_ids(proposed: dict, live: dict) -> dict:
    """Give each part the live entry does not have a negative id of its own (kept across
    edits, never a real row's), so that an edit form can name it again; see apply_state."""
    live_ids = {name: {row["id"] for row in rows} for name, rows in live["parts"].items()}
    lowest = min(
        (row["id"] for rows in proposed["parts"].values() for row in rows if row["id"] < 0),
        default=0,
    )
    for name, rows in proposed["parts"].items():
        for row in rows:
            if row["id"] not in live_ids[name] and row["id"] >= 0:
                lowest -= 1
                row["id"] = lowest
    return proposed


def record_proposal(
    entry: Entry, revision: Revision | None, live: dict, proposed: dict, author: User, note: str
) -> Revision | None:
    """Keep ``proposed`` as the entry's pending revision (a new one, or ``revision``
    updated). A proposal that changes nothing and has no revision yet is not kept: None."""
    proposed = with_temporary_part_ids(proposed, live)
    if revision is None:
        if proposed == live:
            return None
        return Revision.objects.create(
            **about(entry), proposed=proposed, based_on=live, note=note, author=_user(author)
        )
    changes = {"proposed": proposed, "updated_at": timezone.now()} | (
        {"note": note} if note else {}
    )
    # Only while it is still open: a reviewer may have published or discarded it since this
    # edit began; the edit then starts a new revision rather than reopening that one.
    if not Revision.objects.open().filter(pk=revision.pk).update(**changes):
        return Revision.objects.create(
            **about(entry), proposed=proposed, based_on=live, note=note, author=_user(author)
        )
    revision.refresh_from_db()
    return revision


def propose_revision(
    entry: Entry, *, author: User, note: str, edit: Callable[[Entry], None]
) -> Revision | None:
    """Record a change to a public entry as its pending revision, never touching the live
    page: ``edit`` receives the entry as its pending revision has it (as live if there is
    none) and changes it and its parts with the ordinary ORM (``save()``, ``.set()``,
    creating, updating or deleting indicators, citations and links); all of it is rolled
    back and kept as the pending revision, which then goes to review.

    Returns the revision, or None if the change changes nothing.
    """
    with transaction.atomic():
        entry = type(entry)._default_manager.select_for_update().get(pk=entry.pk)
        revision = open_revision(entry, for_update=True)
        live = capture(entry)
        proposed: dict = {}
        with rehearsal():
            if revision is not None:
                apply(entry, revision.proposed, keep_part_ids=True)
            edit(entry)
            proposed = capture(entry)
        return record_proposal(entry, revision, live, proposed, author, note)


def _locked(revision: Revision, *statuses: str) -> Revision:
    """``revision`` read again under a row lock (inside the caller's transaction), refused
    unless it is in one of ``statuses``: two clicks, or two people, take a step once."""
    locked = Revision.objects.select_for_update().get(pk=revision.pk)
    if locked.status not in statuses:
        raise Refused(
            [
                Problem(
                    _("This revision is %(status)s now; the step was not taken.")
                    % {"status": locked.get_status_display().lower()}
                )
            ]
        )
    return locked


def submit_revision(revision: Revision, user: User) -> None:
    """Send a revision being edited to review, and tell the reviewers."""
    with transaction.atomic():
        revision = _locked(revision, RevisionStatus.DRAFT)
        revision.status = RevisionStatus.IN_REVIEW
        revision.submitted_at = timezone.now()
        revision.save()
        entry = revision.entry
        details = {
            "id": entry.public_id,
            "entry": entry.labelled,
            "note": revision.note,
            "admin_link": _admin_link(entry),
        }
        if revision.note:
            body = _("A change to “%(entry)s” was sent to review: %(note)s.\n\n%(admin_link)s\n")
        else:
            body = _("A change to “%(entry)s” was sent to review.\n\n%(admin_link)s\n")
        notify_reviewers(
            _("A revision of %(id)s awaits review") % details, body % details, besides=_user(user)
        )


def publish_revision(
    revision: Revision,
    user: User,
    *,
    minor: bool = False,
    note: str = "",
    seen: str | None = None,
) -> list[Problem]:
    """Make the revision the live entry, after the same checks as any publication; a
    minor one (a typo, formatting) gets no new version number. ``seen`` is the save of the
    revision the reviewer read (``updated_at``, ISO): a revision saved again since is not
    published unread. Returns the warnings; raises Refused (and changes nothing) if a
    check fails."""
    with transaction.atomic():
        entry = type(revision.entry)._default_manager.select_for_update().get(pk=revision.entry.pk)
        revision = _locked(revision, *OPEN_REVISION)
        if seen is not None and seen != revision.updated_at.isoformat():
            raise Refused(
                [
                    Problem(
                        _(
                            "The revision was saved again after you read it: read what it "
                            "changes now, then publish."
                        )
                    )
                ]
            )
        fallback = gettext_lazy("Correction") if minor else gettext_lazy("Updated")
        note = note or revision.note
        # The history's reason is for staff, in their language; the version's note is public.
        reason = _("Minor correction: %(note)s") if minor else _("Published revision: %(note)s")
        entry._change_reason = reason % {"note": note or fallback}
        note = note or in_site_language(fallback)
        left_out = apply(entry, revision.proposed, keep_part_ids=False)
        keep_translations_current(entry, revision.proposed)
        problems = publication_problems(entry) if entry.is_published else []
        problems += [Problem(text, blocking=False) for text in left_out]
        if failures(problems):
            raise Refused(failures(problems))
        if entry.is_published and not minor:
            record_version(entry, note)
        revision.status = RevisionStatus.PUBLISHED
        revision.minor = minor
        revision.decided_at = timezone.now()
        revision.decided_by = _user(user)
        revision.save()
        details = {
            "id": entry.public_id,
            "entry": entry.labelled,
            "link": _site_link(entry.get_absolute_url()),
        }
        if minor:
            body = _("Your change to “%(entry)s” is published as a minor correction: %(link)s\n")
        else:
            body = _("Your change to “%(entry)s” is published: %(link)s\n")
        notify([revision.author], _("Your change to %(id)s is published") % details, body % details)
    return warnings(problems)


def request_revision_changes(revision: Revision, user: User, comment: str) -> None:
    """Send a revision in review back to its author with a comment saying what to change."""
    comment = comment.strip()
    if not comment:
        raise Refused([Problem(revision_needs_comment())])
    with transaction.atomic():
        revision = _locked(revision, RevisionStatus.IN_REVIEW)
        revision.status = RevisionStatus.DRAFT
        revision.save()
        entry = revision.entry
        ReviewComment.objects.create(
            **about(entry), revision=revision, author=_user(user), text=comment
        )
        details = {
            "id": entry.public_id,
            "entry": entry.labelled,
            "comment": comment,
            "admin_link": _admin_link(entry),
        }
        notify(
            [revision.author],
            _("Changes requested on your revision of %(id)s") % details,
            _(
                "A reviewer asked for changes to your revision of “%(entry)s”:"
                "\n\n%(comment)s\n\n%(admin_link)s\n"
            )
            % details,
        )


def discard_revision(revision: Revision, user: User, comment: str = "") -> None:
    """Drop a pending revision: the live entry stays as it is."""
    with transaction.atomic():
        revision = _locked(revision, *OPEN_REVISION)
        revision.status = RevisionStatus.DISCARDED
        revision.decided_at = timezone.now()
        revision.decided_by = _user(user)
        revision.save()
        if comment.strip():
            ReviewComment.objects.create(
                **about(revision.entry), revision=revision, author=_user(user), text=comment
            )
