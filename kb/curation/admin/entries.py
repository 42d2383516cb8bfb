"""Tactics and countermeasures in the admin, and what every kind of entry shares there:
the workflow's steps, the change note, history and restore.

Roles (groups made by migration 0008): contributors write drafts and send them to review,
and propose changes to public entries (pending revisions); reviewers also edit entries in
review, publish, request changes, retire and withdraw. A contributor sees everything else
read-only, and only the steps their role allows.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kb.curation.admin.imports import CountermeasureImportMixin, TacticImportMixin
from kb.curation.restore import parts_moment, restore_parts
from kb.curation.workflow import Refused, open_revision, take_step
from kb.models import (
    TRANSITIONS,
    Citation,
    Countermeasure,
    Entry,
    Indicator,
    Mitigation,
    RevisionStatus,
    Tactic,
    WorkflowError,
)

from .evidence import QuoteCheckInline
from .history import HistoryAdminMixin
from .quick_add import QuickAddMixin
from .revising import NEEDS_COMMENT, TRANSITION_FIELD, RevisionAdminMixin, step_taken
from .translating import TranslationAdminMixin


def editable(request: HttpRequest, entry: Entry | None) -> bool:
    """Whether the user may edit ``entry`` (and its parts) in its current status; a new
    entry (None) is a draft. A public entry's pending revision in review is the
    reviewers': a contributor sees it read-only."""
    if entry is None:
        return True
    if not entry.editable_by(request.user):
        return False
    if entry.was_published and not request.user.has_perm(entry.review_permission()):
        revision = open_revision(entry)
        return revision is None or revision.status == RevisionStatus.DRAFT
    return True


def transition_action(name: str):
    """A list action that takes one workflow step for every selected entry it fits, with
    the same checks as the change form's button."""
    transition = TRANSITIONS[name]

    # The admin offers (and accepts) the action only to users with this permission.
    @admin.action(
        description=format_lazy(gettext_lazy("{step} (selected entries)"), step=transition.label),
        permissions=["review"] if transition.reviewers_only else ["change"],
    )
    @transaction.atomic  # all the selected entries change, or none (the change form is atomic too)
    def action(modeladmin: EntryAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        selected = list(queryset)
        changed, skipped = [], []
        for entry in selected:
            if not entry.can_apply(name):
                skipped.append(entry.public_id)
                continue
            try:
                found = take_step(entry, name, request.user, publishing=selected)
            except Refused as refusal:
                modeladmin.report_refusal(request, entry, transition.label, refusal)
                continue
            modeladmin.log_change(request, entry, str(transition.label))
            modeladmin.report_warnings(request, entry, found)
            changed.append(entry.public_id)
        if changed:
            modeladmin.message_user(
                request,
                _("%(step)s: %(ids)s.") % {"step": transition.label, "ids": ", ".join(changed)},
                messages.SUCCESS,
            )
        if skipped:
            modeladmin.message_user(
                request,
                ngettext(
                    "“%(step)s” does not apply to %(ids)s in their current status; they were "
                    "left unchanged.",
                    "“%(step)s” does not apply to %(ids)s in their current status; they were "
                    "left unchanged.",
                    len(skipped),
                )
                % {"step": transition.label, "ids": ", ".join(skipped)},
                messages.WARNING,
            )

    action.__name__ = name
    return action


def never_deleted(entries: list[Entry]) -> str:
    """Why entries that were ever public are not deleted, and what to do instead."""
    names = ", ".join(entry.public_id for entry in entries)
    return ngettext(
        "%(ids)s was published, so nothing was deleted: links to a published entry must keep "
        "working. Withdraw it instead (the %(button)s button under its form); its page stays "
        "and says why.",
        "%(ids)s were published, so nothing was deleted: links to a published entry must keep "
        "working. Withdraw it instead (the %(button)s button under its form); its page stays "
        "and says why.",
        len(entries),
    ) % {"ids": names, "button": TRANSITIONS["withdraw"].label}


#: The steps offered as list actions: those that need a comment are on the change form.
LIST_ACTIONS = [name for name, step in TRANSITIONS.items() if not step.needs_comment]


class OneKindOfLineEnding(forms.ModelForm):
    """Browsers send a text area's line breaks as CR LF; stored as LF, a save that changes
    nothing changes nothing (no pending revision, no line in a diff)."""

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        return cleaned


class EntryForm(OneKindOfLineEnding):
    change_note = forms.CharField(
        label=gettext_lazy("What changed"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "One line for the history and, once published, the public change log."
        ),
    )
    review_comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Required to request changes (say what to change) and to withdraw an "
            "entry (say why: readers see it). Staff see comments on the entry."
        ),
    )
    # Which save of a public entry's pending revision the form was opened on: two editors
    # working on one revision must not silently overwrite each other.
    revision_seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revision_seen"].initial = self.revision_now()

    def revision_now(self) -> str:
        """The last save of the entry's open revision ("" if it has none)."""
        entry = self.instance
        if entry.pk is None or not entry.was_published:
            return ""
        revision = open_revision(entry)
        return revision.updated_at.isoformat() if revision is not None else ""

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        step = self.data.get(TRANSITION_FIELD, "")
        if step in NEEDS_COMMENT and not cleaned.get("review_comment", "").strip():
            self.add_error("review_comment", NEEDS_COMMENT[step])
        now = self.revision_now()
        if "revision_seen" in self.data and self.data["revision_seen"] != now:
            self.add_error(
                None,
                _(
                    "Someone saved this entry's pending revision after you opened this form, "
                    "so nothing was saved. Your changes are still in the form below: open the "
                    "revision in another tab to see theirs, then save again to keep yours."
                ),
            )
            data = cast(QueryDict, self.data).copy()  # saving again overwrites, knowingly
            data["revision_seen"] = now
            self.data = data
        return cleaned


class EntryAdmin(TranslationAdminMixin, HistoryAdminMixin, RevisionAdminMixin):
    """Shared admin for tactics, countermeasures and sources: workflow, IDs, timestamps,
    and full history (one row per save, with diffs and restore: HistoryAdminMixin).
    Changes to a public entry are pending revisions (RevisionAdminMixin); translations
    are made side by side with the English (TranslationAdminMixin)."""

    form = EntryForm
    change_form_template = "admin/kb/entry_change_form.html"
    actions = [transition_action(name) for name in LIST_ACTIONS]
    list_filter: tuple[str, ...] = ("status",)
    readonly_fields = ("public_id", "status", "published_at", "created_at", "updated_at")
    list_per_page = 50

    def has_review_permission(self, request: HttpRequest) -> bool:
        """Reviewers' list actions (publish, retire)."""
        return request.user.has_perm(self.model.review_permission())

    def has_change_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return super().has_change_permission(request, obj) and editable(request, obj)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        """An entry that was ever public is never deleted (links to it must keep working):
        the admin says so, and what to do instead."""
        entry = self.get_object(request, unquote(object_id))
        if entry is not None and entry.was_published:
            self.message_user(request, never_deleted([entry]), messages.ERROR)
            return redirect(reverse(self._admin_name("change"), args=[entry.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete_selected, name, description = actions["delete_selected"]

            def delete_unpublished(modeladmin, request, queryset):
                once_public = [entry for entry in queryset if entry.was_published]
                if once_public:
                    modeladmin.message_user(request, never_deleted(once_public), messages.ERROR)
                    return None
                return delete_selected(modeladmin, request, queryset)

            actions["delete_selected"] = (delete_unpublished, name, description)
        return actions

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        status_source = obj if obj is not None else self.model()
        context["workflow_transitions"] = [
            t
            for t in TRANSITIONS.values()
            if status_source.can_apply(t.name) and status_source.may_apply(request.user, t.name)
        ]
        context["transition_field"] = TRANSITION_FIELD
        if obj is not None:
            context["review_comments"] = list(
                obj.review_comments.select_related("author", "revision")[:20]
            )
        self.add_revision_context(request, context, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        # simple-history lets anyone who may view the history restore a version; restoring
        # is an edit, so it takes the same role as editing the entry as it is now.
        current = self.get_object(request, unquote(object_id))
        if current is None or not self.has_change_permission(request, current):
            raise PermissionDenied
        record = get_object_or_404(current.history, history_id=version_id)
        moment = parts_moment(record)
        request.kb_restoring = record.history_date

        def restore() -> tuple[HttpResponse, bool]:
            # simple-history restores the entry's own fields and links; its indicators,
            # citations and countermeasure links come back with it, in the same transaction.
            response = super(EntryAdmin, self).history_form_view(
                request, object_id, version_id, extra_context
            )
            if response.status_code != 302:  # the form had errors: nothing was saved
                return response, False
            entry = self.model.objects.get(pk=current.pk)
            for problem in restore_parts(entry, moment):
                self.message_user(request, problem, messages.WARNING)
            return response, True

        if current.was_published:  # the restored version becomes a pending revision
            return self.revise(request, current, restore)
        with transaction.atomic():
            return restore()[0]

    def revert_disabled(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        # ``obj`` is the old version; who may restore it depends on the entry as it is now.
        current = self.model.objects.filter(pk=obj.pk).first() if obj is not None else None
        return super().revert_disabled(request, current or obj)

    def save_model(self, request: HttpRequest, obj: Entry, form, change: bool) -> None:
        if change:
            # Status moves only through the workflow's steps: whatever the form or a restored
            # old version holds, an edit starts from the status the entry has now.
            obj.status, obj.published_at = (
                type(obj).objects.filter(pk=obj.pk).values_list("status", "published_at").get()
            )
        note = form.cleaned_data.get("change_note") or ""
        restoring = getattr(request, "kb_restoring", None)
        if restoring is not None:
            fallback = _("Restored the version of %(moment)s UTC") % {
                "moment": f"{restoring:%Y-%m-%d %H:%M}"
            }
        else:
            fallback = _("Edited") if change else _("Created")
        obj._change_reason = note or fallback
        self.remember_form(
            request,
            note or (fallback if restoring else ""),
            form.cleaned_data.get("review_comment") or "",
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if self.revising(request):
            self.revision_saved(request)
            return
        # The step under the form is taken once the entry and its parts are saved, so that
        # publishing checks what was just written; a refused step keeps the edits.
        name = request.POST.get(TRANSITION_FIELD, "")
        if name not in TRANSITIONS:
            return
        entry = form.instance
        if not entry.may_apply(request.user, name):
            raise PermissionDenied
        label = TRANSITIONS[name].label
        try:
            found = take_step(
                entry,
                name,
                request.user,
                comment=form.cleaned_data.get("review_comment", ""),
                note=form.cleaned_data.get("change_note", ""),
            )
        except WorkflowError as error:
            self.message_user(request, str(error), messages.WARNING)
        except Refused as refusal:
            self.report_refusal(request, entry, label, refusal)
        else:
            self.log_change(request, entry, str(label))
            self.message_user(request, step_taken(label, entry))
            self.report_warnings(request, entry, found)


class EntryPartInline(admin.options.InlineModelAdmin):
    """An entry's citations, indicators and links are edited with it, by whoever may edit
    the entry (a contributor's published entry is read-only, and so are its parts)."""

    form = OneKindOfLineEnding

    def has_add_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return super().has_add_permission(request, obj) and editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return super().has_change_permission(request, obj) and editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return super().has_delete_permission(request, obj) and editable(request, obj)


class IndicatorInline(EntryPartInline, admin.TabularInline):
    model = Indicator
    extra = 1
    fields = ("text_en", "position")


class CitationInline(QuoteCheckInline, EntryPartInline, admin.StackedInline):
    model = Citation
    extra = 1
    autocomplete_fields = ("source",)
    fields = ("source", "quote", "locator", "position", "quote_check")


class TacticMitigationInline(EntryPartInline, admin.TabularInline):
    model = Mitigation
    fk_name = "tactic"
    extra = 1
    # The notes' translations are made on the side-by-side translation page.
    fields = ("countermeasure", "note_en")
    autocomplete_fields = ("countermeasure",)
    verbose_name = gettext_lazy("countermeasure")
    verbose_name_plural = gettext_lazy("countermeasures")


class CountermeasureMitigationInline(EntryPartInline, admin.TabularInline):
    model = Mitigation
    fk_name = "countermeasure"
    extra = 1
    fields = ("tactic", "note_en")
    autocomplete_fields = ("tactic",)
    verbose_name = gettext_lazy("tactic countered")
    verbose_name_plural = gettext_lazy("tactics countered")


# TacticImportMixin: spreadsheet imports (kb/curation/admin/imports.py).
@admin.register(Tactic)
class TacticAdmin(QuickAddMixin, TacticImportMixin, EntryAdmin):
    list_display = ("public_id", "name", "category", "status", "updated_at")
    list_display_links = ("public_id", "name")
    list_filter = ("status", "category", "stages", "technologies", "platforms", "target_groups")
    search_fields = ("public_id", "name_en", "summary_en", "indicators__text_en")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = (
        "category",
        "technologies",
        "platforms",
        "stages",
        "target_groups",
        "related_tactics",
        "replaced_by",
    )
    fieldsets = (
        (None, {"fields": ("public_id", "name_en", "slug", "summary_en", "description_en")}),
        (
            gettext_lazy("Classification"),
            {"fields": ("category", "technologies", "platforms", "stages", "target_groups")},
        ),
        (gettext_lazy("Links"), {"fields": ("related_tactics", "replaced_by")}),
        (
            gettext_lazy("Status"),
            {"fields": ("status", "published_at", "created_at", "updated_at")},
        ),
        (None, {"fields": ("change_note", "review_comment", "revision_seen")}),
    )
    inlines = (IndicatorInline, CitationInline, TacticMitigationInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("category")


# CountermeasureImportMixin: spreadsheet imports (kb/curation/admin/imports.py).
@admin.register(Countermeasure)
class CountermeasureAdmin(CountermeasureImportMixin, EntryAdmin):
    list_display = ("public_id", "name", "response_kind", "status", "updated_at")
    list_display_links = ("public_id", "name")
    list_filter = ("status", "response_kind", "actors")
    search_fields = ("public_id", "name_en", "summary_en")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("actors", "replaced_by")
    fieldsets = (
        (None, {"fields": ("public_id", "name_en", "slug", "summary_en", "description_en")}),
        (gettext_lazy("Classification"), {"fields": ("response_kind", "actors")}),
        (gettext_lazy("Links"), {"fields": ("replaced_by",)}),
        (
            gettext_lazy("Status"),
            {"fields": ("status", "published_at", "created_at", "updated_at")},
        ),
        (None, {"fields": ("change_note", "review_comment", "revision_seen")}),
    )
    inlines = (CountermeasureMitigationInline, CitationInline)
