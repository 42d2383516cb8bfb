"""Tactics and countermeasures in the admin, and what every kind of entry shares there:
the workflow's steps, the change note, history and restore.

Roles (groups made by migration 0008): contributors write drafts and send them to review;
reviewers also edit entries in review or public, publish, return to draft and retire. A
contributor sees everything else read-only, and only the steps their role allows.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from simple_history.admin import SimpleHistoryAdmin

from kb.curation.admin.imports import CountermeasureImportMixin, TacticImportMixin
from kb.curation.restore import parts_moment, restore_parts
from kb.models import (
    TRANSITIONS,
    Citation,
    Countermeasure,
    Entry,
    Indicator,
    Mitigation,
    Tactic,
    WorkflowError,
    record_version,
)

from .evidence import QuoteCheckInline

TRANSITION_FIELD = "_transition"


def editable(request: HttpRequest, entry: Entry | None) -> bool:
    """Whether the user may edit ``entry`` (and its parts) in its current status; a new
    entry (None) is a draft."""
    return entry is None or entry.editable_by(request.user)


def transition_action(name: str):
    """A list action that applies one workflow transition to every selected entry it fits."""
    transition = TRANSITIONS[name]

    # The admin offers (and accepts) the action only to users with this permission.
    @admin.action(
        description=f"{transition.label} (selected entries)",
        permissions=["review"] if transition.reviewers_only else ["change"],
    )
    @transaction.atomic  # all the selected entries change, or none (the change form is atomic too)
    def action(modeladmin: EntryAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        changed, skipped = [], []
        for entry in queryset:
            if not entry.can_apply(name):
                skipped.append(entry.public_id)
                continue
            entry.apply(name)
            entry._change_reason = transition.label
            entry.save()
            modeladmin.log_change(request, entry, transition.label)
            if entry.is_published:
                record_version(entry, transition.label)
            changed.append(entry.public_id)
        if changed:
            modeladmin.message_user(
                request, f"{transition.label}: {', '.join(changed)}.", messages.SUCCESS
            )
        if skipped:
            modeladmin.message_user(
                request,
                f"“{transition.label}” does not apply to {', '.join(skipped)} "
                "in their current status; they were left unchanged.",
                messages.WARNING,
            )

    action.__name__ = name
    return action


class EntryForm(forms.ModelForm):
    change_note = forms.CharField(
        label="What changed",
        max_length=200,
        required=False,
        help_text="One line for the history and, once published, the public change log.",
    )


class EntryAdmin(SimpleHistoryAdmin):
    """Shared admin for tactics, countermeasures and sources: workflow, IDs, timestamps,
    and full history (who changed what and when, with diffs and restore)."""

    form = EntryForm
    change_form_template = "admin/kb/entry_change_form.html"
    actions = [transition_action(name) for name in TRANSITIONS]
    list_filter: tuple[str, ...] = ("status",)
    readonly_fields = ("public_id", "status", "published_at", "created_at", "updated_at")
    history_list_display = ["status", "history_change_reason"]
    list_per_page = 50

    def has_review_permission(self, request: HttpRequest) -> bool:
        """Reviewers' list actions (publish, return to draft, retire)."""
        return request.user.has_perm(self.model.review_permission())

    def has_change_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return super().has_change_permission(request, obj) and editable(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        status_source = obj if obj is not None else self.model()
        context["workflow_transitions"] = [
            t
            for t in TRANSITIONS.values()
            if status_source.can_apply(t.name) and status_source.may_apply(request.user, t.name)
        ]
        context["transition_field"] = TRANSITION_FIELD
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
        # simple-history restores the entry's own fields and links; its indicators,
        # citations and countermeasure links come back with it, in the same transaction.
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if response.status_code != 302:  # the form had errors: nothing was saved
                return response
            entry = self.model.objects.get(pk=current.pk)
            for problem in restore_parts(entry, moment):
                self.message_user(request, problem, messages.WARNING)
            if entry.is_published:
                record_version(entry, entry.history.latest().history_change_reason or "")
        return response

    def revert_disabled(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        # ``obj`` is the old version; who may restore it depends on the entry as it is now.
        current = self.model.objects.filter(pk=obj.pk).first() if obj is not None else None
        return super().revert_disabled(request, current or obj)

    def save_model(self, request: HttpRequest, obj: Entry, form, change: bool) -> None:
        if change:
            # Status moves only through transitions: whatever the form or a restored old
            # version holds, an edit starts from the status the entry has now.
            obj.status, obj.published_at = (
                type(obj).objects.filter(pk=obj.pk).values_list("status", "published_at").get()
            )
        name = request.POST.get(TRANSITION_FIELD, "")
        transition = TRANSITIONS.get(name)
        if transition is not None and not obj.may_apply(request.user, name):
            raise PermissionDenied
        if transition is not None:
            try:
                obj.apply(name)
            except WorkflowError as error:
                # The edits are still saved; only the status change is refused.
                self.message_user(request, str(error), messages.WARNING)
                transition = None
        note = form.cleaned_data.get("change_note") or (transition.label if transition else "")
        restoring = getattr(request, "kb_restoring", None)
        if restoring is not None:
            fallback = f"Restored the version of {restoring:%Y-%m-%d %H:%M} UTC"
        else:
            fallback = "Edited" if change else "Created"
        obj._change_reason = note or fallback
        super().save_model(request, obj, form, change)
        if transition is not None:
            self.log_change(request, obj, transition.label)
            self.message_user(request, f"{transition.label}: {obj.public_id}.")

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A published entry's version is numbered once everything around it is saved too.
        if form.instance.is_published:
            record_version(form.instance, form.instance._change_reason)


class EntryPartInline(admin.options.InlineModelAdmin):
    """An entry's citations, indicators and links are edited with it, by whoever may edit
    the entry (a contributor's published entry is read-only, and so are its parts)."""

    def has_add_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return super().has_add_permission(request, obj) and editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return super().has_change_permission(request, obj) and editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return super().has_delete_permission(request, obj) and editable(request, obj)


class IndicatorInline(EntryPartInline, admin.TabularInline):
    model = Indicator
    extra = 1
    fields = ("text", "position")


class CitationInline(QuoteCheckInline, EntryPartInline, admin.StackedInline):
    model = Citation
    extra = 1
    autocomplete_fields = ("source",)
    fields = ("source", "quote", "locator", "position", "quote_check")


class TacticMitigationInline(EntryPartInline, admin.TabularInline):
    model = Mitigation
    fk_name = "tactic"
    extra = 1
    autocomplete_fields = ("countermeasure",)
    verbose_name = "countermeasure"
    verbose_name_plural = "countermeasures"


class CountermeasureMitigationInline(EntryPartInline, admin.TabularInline):
    model = Mitigation
    fk_name = "countermeasure"
    extra = 1
    autocomplete_fields = ("tactic",)
    verbose_name = "tactic countered"
    verbose_name_plural = "tactics countered"


# TacticImportMixin: spreadsheet imports (kb/curation/admin/imports.py).
@admin.register(Tactic)
class TacticAdmin(TacticImportMixin, EntryAdmin):
    list_display = ("public_id", "name", "category", "status", "updated_at")
    list_display_links = ("public_id", "name")
    list_filter = ("status", "category", "stages", "technologies", "platforms", "target_groups")
    search_fields = ("public_id", "name", "summary", "indicators__text")
    prepopulated_fields = {"slug": ("name",)}
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
        (None, {"fields": ("public_id", "name", "slug", "summary", "description")}),
        (
            "Classification",
            {"fields": ("category", "technologies", "platforms", "stages", "target_groups")},
        ),
        ("Links", {"fields": ("related_tactics", "replaced_by")}),
        ("Status", {"fields": ("status", "published_at", "created_at", "updated_at")}),
        (None, {"fields": ("change_note",)}),
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
    search_fields = ("public_id", "name", "summary")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("actors", "replaced_by")
    fieldsets = (
        (None, {"fields": ("public_id", "name", "slug", "summary", "description")}),
        ("Classification", {"fields": ("response_kind", "actors")}),
        ("Links", {"fields": ("replaced_by",)}),
        ("Status", {"fields": ("status", "published_at", "created_at", "updated_at")}),
        (None, {"fields": ("change_note",)}),
    )
    inlines = (CountermeasureMitigationInline, CitationInline)
