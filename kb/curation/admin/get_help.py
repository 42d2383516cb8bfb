"""Where to get help, in the admin: organisations readers can turn to, per country and
language (kb.models.help), for the public "Get help" page.

The roles are the entries' (migration 0022 gives them these permissions): a contributor
adds and edits drafts and sends them to review; a reviewer edits any, publishes, returns to
draft, retires and withdraws (list actions). Publishing refuses an entry that does not say
where its details come from. Status is never edited as a field, and a restored old version
keeps the status the entry has now, so nothing reaches readers without a reviewer. Every
save is kept in the entry's history (simple-history's History page).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from kb.models import TRANSITIONS, HelpOrganisation, WorkflowError

from .vocabularies import TranslatedFormAdmin, by_language


def help_step(name: str):
    """A list action that takes workflow step ``name`` for each selected help entry it
    applies to."""
    transition = TRANSITIONS[name]

    @admin.action(
        description=format_lazy(gettext_lazy("{step} (selected entries)"), step=transition.label),
        permissions=["review"] if transition.reviewers_only else ["change"],
    )
    def action(modeladmin: HelpOrganisationAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        taken = []
        for entry in queryset:
            try:
                entry.apply(name)
            except WorkflowError as refusal:
                modeladmin.message_user(request, f"{entry}: {refusal}", messages.WARNING)
                continue
            entry._change_reason = str(transition.label)
            entry.save()
            modeladmin.log_change(request, entry, str(transition.label))
            taken.append(str(entry))
        if taken:
            modeladmin.message_user(
                request,
                _("%(step)s: %(entries)s.")
                % {"step": transition.label, "entries": "; ".join(taken)},
                messages.SUCCESS,
            )

    action.__name__ = name
    return action


@admin.register(HelpOrganisation)
class HelpOrganisationAdmin(TranslatedFormAdmin, SimpleHistoryAdmin):
    list_display = ("name", "country", "region", "languages", "status", "updated_at")
    list_filter = ("status", "country")
    search_fields = ("name_en", "what_they_do_en", "region_en")
    autocomplete_fields = ("source",)
    readonly_fields = ("status", "published_at", "created_at", "updated_at")
    # A website typed without its scheme is an https address (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [help_step(name) for name in TRANSITIONS]
    fieldsets = (
        (None, {"fields": ("name_en", "what_they_do_en")}),
        (
            gettext_lazy("How to reach them"),
            {"fields": ("website", "phone", "email", "how_to_reach_en")},
        ),
        (
            gettext_lazy("Where, and in which languages"),
            {"fields": ("country", "region_en", "languages")},
        ),
        (
            gettext_lazy("Where this information comes from"),
            {
                "description": gettext_lazy(
                    "A source in kb with a verbatim quote, or a web address with the date you "
                    "checked it. Never write a phone number, address or website that the "
                    "source does not give."
                ),
                "fields": ("source", "quote", "source_url", "checked_on"),
            },
        ),
        (
            gettext_lazy("Status"),
            {"fields": ("status", "published_at", "created_at", "updated_at")},
        ),
        *by_language("name", "what_they_do", "how_to_reach", "region"),
    )

    def has_review_permission(self, request: HttpRequest) -> bool:
        """Publishing, returning to draft, retiring and withdrawing: reviewers only."""
        return request.user.has_perm(HelpOrganisation.review_permission())

    def has_change_permission(
        self, request: HttpRequest, obj: HelpOrganisation | None = None
    ) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.editable_by(request.user))

    def revert_disabled(self, request: HttpRequest, obj: HelpOrganisation | None = None) -> bool:
        # Restoring an old version is an edit, with the same role as editing it as it is now.
        current = HelpOrganisation.objects.filter(pk=obj.pk).first() if obj is not None else None
        return current is None or not current.editable_by(request.user)

    def save_model(self, request: HttpRequest, obj: HelpOrganisation, form, change: bool) -> None:
        if change:
            # Status moves only through the steps: a restored old version, whatever status
            # it had, keeps the status the entry has now.
            obj.status, obj.published_at = (
                HelpOrganisation.objects.filter(pk=obj.pk)
                .values_list("status", "published_at")
                .get()
            )
        obj._change_reason = _("Edited") if change else _("Created")
        super().save_model(request, obj, form, change)
