"""Pending revisions in the admin: editing a public entry proposes a change instead of
making it, and reviewers read it, preview it and publish it from a page of its own.

The change form of a public entry is the ordinary admin form, working on the entry as its
pending revision has it, inside a rehearsal (kb.curation.workflow.rehearsal): the
revision is applied to the live rows, the admin validates and saves the form and its
inlines as usual, the result is read back as the revision, and everything is rolled back.
So a revision is validated by the same forms as any edit, and the live page never changes
until a reviewer publishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from kb.curation.diffs import compare
from kb.curation.states import apply, capture, differs
from kb.curation.workflow import (
    Refused,
    discard_revision,
    needs_comment,
    open_revision,
    publish_revision,
    record_proposal,
    rehearsal,
    request_revision_changes,
    revision_needs_comment,
    submit_revision,
    take_step,
)
from kb.models import (
    TRANSITIONS,
    Entry,
    Revision,
    RevisionStatus,
    WorkflowError,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TRANSITION_FIELD = "_transition"

#: The steps of a pending revision, by the name their button posts.
REVISION_STEPS = {
    "submit_revision": gettext_lazy("Send revision to review"),
    "publish_revision": gettext_lazy("Publish revision"),
    "publish_minor_revision": gettext_lazy("Publish as a minor correction"),
    "request_revision_changes": gettext_lazy("Request changes"),
    "discard_revision": gettext_lazy("Discard revision"),
}

#: Steps that need a comment, and what the form says when it is missing (in the page's
#: language: worded when the form is checked).
NEEDS_COMMENT = {
    **{
        name: lazy(needs_comment, str)(step.label)
        for name, step in TRANSITIONS.items()
        if step.needs_comment
    },
    "request_revision_changes": lazy(revision_needs_comment, str)(),
}


def step_taken(label: StrOrPromise, entry: Entry) -> str:
    """What the admin says once a step is taken: "Publish: TT-0001."."""
    return _("%(step)s: %(id)s.") % {"step": label, "id": entry.public_id}


def about_entry(entry: Entry, problem: object) -> str:
    """A problem or warning about one entry: "TT-0001: It has no summary."."""
    return _("%(id)s: %(problem)s") % {"id": entry.public_id, "problem": problem}


@dataclass
class RevisionEdit:
    """A change form at work on a public entry's pending revision (one request)."""

    entry: Entry
    revision: Revision | None
    live: dict
    rehearsing: bool = True
    saved: bool = False
    note: str = ""
    comment: str = ""
    held_messages: list = field(default_factory=list)


REVISION_EDIT = "kb_revision"
REVISION_PREVIEW = "kb_revision_preview"


def revision_edit(request: HttpRequest) -> RevisionEdit | None:
    """The pending revision this request's change form works on, if any."""
    return getattr(request, REVISION_EDIT, None)


def revised(entry: Entry) -> bool:
    """Whether the entry's changes go through a pending revision: it was ever public, or
    one was proposed for it while it was in review (by an import), which its form then
    edits rather than leaving it aside."""
    return entry.was_published or open_revision(entry) is not None


def allowed_revision_steps(request: HttpRequest, entry: Entry, revision: Revision | None) -> list:
    """The revision steps ``request.user`` may take now, as (name, label) pairs."""
    reviewer = request.user.has_perm(entry.review_permission())
    status = revision.status if revision is not None else RevisionStatus.DRAFT
    names = []
    if status == RevisionStatus.DRAFT:
        names.append("submit_revision")
    if reviewer:
        names += ["publish_revision", "publish_minor_revision"]
        if status == RevisionStatus.IN_REVIEW:
            names.append("request_revision_changes")
    own_draft = (
        revision is not None
        and revision.author_id == request.user.pk
        and (status == RevisionStatus.DRAFT)
    )
    if revision is not None and (reviewer or own_draft):
        names.append("discard_revision")
    return [(name, REVISION_STEPS[name]) for name in names]


class RevisionAdminMixin(SimpleHistoryAdmin):
    """Turns every change to a public entry into its pending revision (see the module)."""

    # --- the change form -------------------------------------------------------------

    def revising(self, request: HttpRequest) -> bool:
        edit = revision_edit(request)
        return edit is not None and edit.rehearsing

    def remember_form(self, request: HttpRequest, note: str, comment: str) -> None:
        """Keep the form's note and comment for after the rehearsal."""
        edit = revision_edit(request)
        if edit is not None and edit.rehearsing:
            edit.note, edit.comment = note, comment

    def revision_saved(self, request: HttpRequest) -> None:
        edit = revision_edit(request)
        assert edit is not None
        edit.saved = True

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs) -> None:
        edit = revision_edit(request)
        if edit is not None and edit.rehearsing:
            # What the admin would say about saving the live entry is not what happened;
            # warnings (a part a restore could not bring back) still hold for the revision.
            if level >= messages.WARNING:
                edit.held_messages.append((message, level))
            return
        super().message_user(request, message, level, *args, **kwargs)

    def log_change(self, request, obj, message):
        if self.revising(request):  # rolled back anyway: the revision is logged afterwards
            return None
        return super().log_change(request, obj, message)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        entry = self.get_object(request, unquote(object_id)) if object_id else None
        if entry is None or not revised(entry):
            return super().changeform_view(request, object_id, form_url, extra_context)

        def show() -> tuple[HttpResponse, bool]:
            response = super(RevisionAdminMixin, self).changeform_view(
                request, object_id, form_url, extra_context
            )
            edit = revision_edit(request)
            return response, edit is not None and edit.saved

        return self.revise(request, entry, show)

    def revise(
        self,
        request: HttpRequest,
        entry: Entry,
        act: Callable[[], tuple[HttpResponse, bool]],
    ) -> HttpResponse:
        """Run ``act`` (the admin's form or restore view) on the entry as its pending
        revision has it, and keep what it saved as the revision."""
        revision = open_revision(entry)
        reviewer = request.user.has_perm(entry.review_permission())
        if (
            request.method == "POST"
            and revision is not None
            and revision.status == RevisionStatus.IN_REVIEW
            and not reviewer
        ):
            raise PermissionDenied  # a revision in review is the reviewers'
        edit = RevisionEdit(entry, revision, capture(entry))
        setattr(request, REVISION_EDIT, edit)
        proposed = None
        with rehearsal():
            if revision is not None:
                left_out = apply(
                    type(entry)._default_manager.get(pk=entry.pk),
                    revision.proposed,
                    keep_part_ids=True,
                )
                for text in left_out:  # said on the page this request shows
                    SimpleHistoryAdmin.message_user(
                        self,
                        request,
                        _("The pending revision: %(problem)s") % {"problem": text},
                        messages.WARNING,
                    )
            response, saved = act()
            if hasattr(response, "render"):
                response.render()  # while the rehearsed rows are there to read
            if saved:
                proposed = capture(entry)
        edit.rehearsing = False
        for message, level in edit.held_messages:
            self.message_user(request, message, level)
        if proposed is not None:
            self._keep_revision(request, edit, proposed)
        return response

    def _keep_revision(self, request: HttpRequest, edit: RevisionEdit, proposed: dict) -> None:
        step = request.POST.get(TRANSITION_FIELD, "")
        entry = edit.entry
        with transaction.atomic():
            revision = record_proposal(
                entry, edit.revision, edit.live, proposed, request.user, edit.note
            )
            if revision is not None:
                super().log_change(
                    request,
                    entry,
                    _("Pending revision: %(note)s") % {"note": edit.note or _("edited")},
                )
            if step in REVISION_STEPS:
                if revision is None:
                    self.message_user(
                        request, _("Nothing was changed, so there is no revision."), messages.INFO
                    )
                    return
                self.take_revision_step(request, revision, step, edit.comment)
            elif step in TRANSITIONS:
                self._take_entry_step(request, entry, step, edit.comment, edit.note)
            elif revision is not None:
                self.message_user(
                    request,
                    _(
                        "Your changes to %(id)s are kept as a pending revision: the public page "
                        "does not change until a reviewer publishes it."
                    )
                    % {"id": entry.public_id},
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, _("Nothing was changed."), messages.INFO)

    def _take_entry_step(self, request, entry: Entry, name: str, comment: str, note: str) -> None:
        entry = type(entry)._default_manager.get(pk=entry.pk)
        if not entry.may_apply(request.user, name):
            raise PermissionDenied
        label = TRANSITIONS[name].label
        try:
            found = take_step(entry, name, request.user, comment=comment, note=note)
        except Refused as refusal:
            self.report_refusal(request, entry, label, refusal)
            return
        except WorkflowError as error:
            self.message_user(request, str(error), messages.WARNING)
            return
        super().log_change(request, entry, str(label))
        self.message_user(request, step_taken(label, entry))
        self.report_warnings(request, entry, found)

    def take_revision_step(
        self,
        request: HttpRequest,
        revision: Revision,
        step: str,
        comment: str = "",
        seen: str | None = None,
    ) -> bool:
        """Take one revision step for ``request.user`` if their role allows it; say what
        happened. True if it was taken."""
        entry = revision.entry
        if step not in dict(allowed_revision_steps(request, entry, revision)):
            raise PermissionDenied
        label = REVISION_STEPS[step]
        try:
            found = []
            if step == "submit_revision":
                submit_revision(revision, request.user)
            elif step in ("publish_revision", "publish_minor_revision"):
                found = publish_revision(
                    revision, request.user, minor=step == "publish_minor_revision", seen=seen
                )
            elif step == "request_revision_changes":
                request_revision_changes(revision, request.user, comment)
            else:
                discard_revision(revision, request.user, comment)
        except Refused as refusal:
            self.report_refusal(request, entry, label, refusal)
            return False
        super().log_change(request, entry, str(label))
        self.message_user(request, step_taken(label, entry), messages.SUCCESS)
        self.report_warnings(request, entry, found)
        return True

    def report_refusal(self, request, entry: Entry, label: StrOrPromise, refusal: Refused) -> None:
        """Every reason a step was refused, in plain words."""
        reasons = " ".join(
            _("%(number)d. %(problem)s") % {"number": number, "problem": problem}
            for number, problem in enumerate(refusal.problems, start=1)
        )
        self.message_user(
            request,
            _("“%(step)s” was refused for %(id)s: %(reasons)s")
            % {"step": label, "id": entry.public_id, "reasons": reasons},
            messages.ERROR,
        )

    def report_warnings(self, request, entry: Entry, found: list) -> None:
        for problem in found:
            self.message_user(request, about_entry(entry, problem), messages.WARNING)

    def add_revision_context(self, request: HttpRequest, context: dict, obj: Entry | None) -> None:
        """What the change form says about a public entry's pending revision."""
        if obj is None or not revised(obj):
            return
        edit = revision_edit(request)
        revision = edit.revision if edit is not None else open_revision(obj)
        context["revision"] = revision
        context["revision_steps"] = allowed_revision_steps(request, obj, revision)
        if revision is not None:
            context["revision_url"] = reverse(self._admin_name("revision"), args=[obj.pk])

    # --- the revision's own pages ----------------------------------------------------

    def _admin_name(self, page: str, namespace: str = "admin:") -> str:
        """The admin's name for one of this model's pages ("admin:kb_tactic_change")."""
        return f"{namespace}{self.model._meta.app_label}_{self.model._meta.model_name}_{page}"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revision/",
                self.admin_site.admin_view(self.revision_view),
                name=self._admin_name("revision", namespace=""),
            ),
            path(
                "<path:object_id>/revision/preview/",
                self.admin_site.admin_view(self.revision_preview_view),
                name=self._admin_name("revision_preview", namespace=""),
            ),
            *super().get_urls(),
        ]

    def _revision_or_404(self, request: HttpRequest, object_id: str) -> tuple[Entry, Revision]:
        entry = self.get_object(request, unquote(object_id))
        if entry is None or not self.has_view_or_change_permission(request, entry):
            raise Http404(_("No such entry."))
        revision = open_revision(entry)
        if revision is None:
            raise Http404(_("This entry has no pending revision."))
        return entry, revision

    def revision_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The reviewer's page: what the revision changes, against the live entry, with
        the steps the user may take."""
        entry, revision = self._revision_or_404(request, object_id)
        if request.method == "POST":
            step = request.POST.get(TRANSITION_FIELD, "")
            if step not in REVISION_STEPS:
                return HttpResponseRedirect(request.path)
            taken = self.take_revision_step(
                request,
                revision,
                step,
                request.POST.get("review_comment", ""),
                # What the reviewer read: a revision saved again since is not published.
                seen=request.POST.get("revision_seen"),
            )
            if taken and step != "submit_revision" and step != "request_revision_changes":
                return HttpResponseRedirect(reverse(self._admin_name("change"), args=[entry.pk]))
            return HttpResponseRedirect(request.path)
        live = capture(entry)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Pending revision of %(entry)s") % {"entry": entry.labelled},
            "opts": self.model._meta,
            "original": entry,
            "revision": revision,
            "changes": compare(type(entry), live, revision.proposed),
            "changed_since": differs(live, revision.based_on),
            "comments": list(revision.comments.select_related("author")),
            "steps": allowed_revision_steps(request, entry, revision),
            "transition_field": TRANSITION_FIELD,
        }
        return TemplateResponse(request, "admin/kb/revision.html", context)

    def revision_preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The entry's public page as it will be once the revision is published (rendered
        in a rehearsal: nothing is saved)."""
        from kb.reading.views import ENTRY_PAGES

        entry, revision = self._revision_or_404(request, object_id)
        setattr(request, REVISION_PREVIEW, revision)  # the page's banner says it is a preview
        with rehearsal():
            revised = type(entry)._default_manager.get(pk=entry.pk)
            apply(revised, revision.proposed, keep_part_ids=True)
            response = ENTRY_PAGES[type(entry)](request, revised.public_id, revised.slug)
            if hasattr(response, "render"):
                response.render()
        return response
