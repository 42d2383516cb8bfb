"""Suggestions from the field in the admin: read them, then accept or dismiss them.

What readers sent is shown read-only. Contributors (who may view tactics) read suggestions,
not the sender's contact details; reviewers (``review_tactic``) also decide, on the
suggestion's own page, and may delete one:

- **accept** a new tactic: a draft tactic is created (its name chosen by the reviewer, its
  summary the message, a category picked), with its history, and the suggestion links to
  it; the draft then goes through review like any other;
- **accept** a correction or a source: the suggestion is marked accepted and the reviewer
  is taken to the entry's change form (or a new source's, with the link filled in), where
  the change is made and reviewed as usual;
- **dismiss**, with a note saying why.

A handled suggestion is read-only. Nothing here publishes anything.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Case, F, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kb.models import Category, Entry, Status, Suggestion, SuggestionKind, SuggestionStatus, Tactic
from kb.models.workflow import validate_entry_slug

REVIEW_PERMISSION = Tactic.review_permission()
VIEW_PERMISSION = "kb.view_tactic"
ACCEPT, DISMISS = "accept", "dismiss"


def tactic_name_from(message: str) -> str:
    """A first guess at a new tactic's name: the message's first line, in a few words."""
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    return Truncator(first_line).chars(80) or _("Suggested tactic")


def free_tactic_slug(name: str) -> str:
    """A slug for a new draft tactic that no tactic has, and that names no other page."""
    base = slugify(name)[:180].strip("-") or "suggested-tactic"
    candidate, number = base, 1
    while True:
        try:
            validate_entry_slug(candidate)
        except forms.ValidationError:
            candidate = f"tactic-{candidate}"
            continue
        if not Tactic.objects.filter(slug=candidate).exists():
            return candidate
        number += 1
        candidate = f"{base}-{number}"


def change_form_of(entry: Entry) -> str:
    """The admin change form of ``entry`` (where a pending revision of a public entry
    starts)."""
    return reverse(f"admin:kb_{entry._meta.model_name}_change", args=[entry.pk])


class SuggestionReviewForm(forms.ModelForm):
    """A reviewer's decision on a new suggestion."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (ACCEPT, gettext_lazy("Accept")),
            (DISMISS, gettext_lazy("Dismiss")),
        ],
        widget=forms.RadioSelect,
    )
    tactic_name = forms.CharField(
        label=gettext_lazy("Name of the new tactic"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Accepting creates a draft tactic with this name."),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category of the new tactic"),
        queryset=Category.objects.all(),
        required=False,
    )

    class Meta:
        model = Suggestion
        fields = ["reviewer_note"]
        help_texts = {
            "reviewer_note": gettext_lazy("Why it was accepted or dismissed; staff only."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "tactic_name" in self.fields:
            self.fields["tactic_name"].initial = tactic_name_from(self.instance.message)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        decision = data.get("decision")
        if decision == DISMISS and not (data.get("reviewer_note") or "").strip():
            self.add_error("reviewer_note", _("Say why it is dismissed."))
        if decision == ACCEPT and self.instance.kind == SuggestionKind.NEW_TACTIC:
            if not data.get("category"):
                self.add_error("category", _("Choose a category for the new draft tactic."))
            if not (data.get("tactic_name") or "").strip():
                self.add_error("tactic_name", _("Give the new draft tactic a name."))
        return data


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """The review queue's suggestions: new ones first, oldest first among them."""

    form = SuggestionReviewForm
    list_display = ("received", "kind", "about", "short_message", "status", "handled_by")
    list_display_links = ("received", "short_message")
    list_filter = ("status", "kind")
    search_fields = ("message", "about")
    list_per_page = 50
    actions = ["dismiss_selected"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    # --- permissions ---------------------------------------------------------------------
    # They follow the roles' permissions on tactics (migration 0008's groups), so the roles
    # need no permissions of their own for suggestions: whoever may view tactics in the
    # admin reads suggestions; reviewers of tactics decide on them and delete them.

    def has_review_permission(self, request: HttpRequest) -> bool:
        """Accepting, dismissing and deleting: reviewers only."""
        return request.user.has_perm(REVIEW_PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj: Suggestion | None = None) -> bool:
        return request.user.has_perm(VIEW_PERMISSION) or self.has_review_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # suggestions come from the public form alone

    def has_change_permission(self, request: HttpRequest, obj: Suggestion | None = None) -> bool:
        return self.has_review_permission(request) and (obj is None or obj.is_new)

    def has_delete_permission(self, request: HttpRequest, obj: Suggestion | None = None) -> bool:
        # A suggestion may hold what must never be kept, such as details of a victim.
        return self.has_review_permission(request)

    # --- the list -------------------------------------------------------------------------

    def get_ordering(self, request: HttpRequest) -> list:
        # New first, oldest first (the queue); then the latest handled.
        awaiting = Case(When(status=SuggestionStatus.NEW, then=Value(0)), default=Value(1))
        return [awaiting, F("handled_at").desc(nulls_last=True), "created_at", "pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("handled_by")

    @admin.display(description=gettext_lazy("received"), ordering="created_at")
    def received(self, suggestion: Suggestion) -> str:
        return f"{suggestion.created_at:%Y-%m-%d %H:%M}"

    @admin.display(description=gettext_lazy("message"))
    def short_message(self, suggestion: Suggestion) -> str:
        return Truncator(suggestion.message).chars(80)

    @admin.action(
        description=gettext_lazy("Dismiss (selected suggestions)"), permissions=["review"]
    )
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Dismiss many at once (spam), with a note saying so."""
        dismissed = 0
        for suggestion in queryset.filter(status=SuggestionStatus.NEW):
            suggestion.mark_handled(
                SuggestionStatus.DISMISSED, cast(User, request.user), _("Dismissed from the list.")
            )
            suggestion.save()
            self.log_change(request, suggestion, _("Dismissed"))
            dismissed += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d suggestion dismissed.", "%(count)d suggestions dismissed.", dismissed
            )
            % {"count": dismissed},
            messages.SUCCESS,
        )

    # --- one suggestion ---------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Suggestion | None = None) -> list:
        content: tuple[str, ...] = ("kind", "about_entry", "message", "link_shown", "created_at")
        fieldsets: list = [(None, {"fields": content})]
        if self.has_review_permission(request):
            fieldsets.append(
                (_("Contact (never public)"), {"fields": ("contact_name", "contact_email")})
            )
        if obj is not None and self.has_change_permission(request, obj):
            decision: tuple[str, ...] = ("decision", "reviewer_note")
            if obj.kind == SuggestionKind.NEW_TACTIC:
                decision = ("decision", "tactic_name", "category", "reviewer_note")
            fieldsets.append((_("Decision"), {"fields": decision}))
        else:
            handled = ("status", "handled_by", "handled_at", "reviewer_note", "draft_shown")
            fieldsets.append((_("Decision"), {"fields": handled}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Suggestion | None = None) -> tuple:
        shown: tuple[str, ...] = ("kind", "about_entry", "message", "link_shown", "created_at")
        shown += ("contact_name", "contact_email", "status", "handled_by", "handled_at")
        shown += ("draft_shown",)
        if obj is None or not self.has_change_permission(request, obj):
            shown += ("reviewer_note",)
        return shown

    @admin.display(description=gettext_lazy("about the entry"))
    def about_entry(self, suggestion: Suggestion) -> str:
        entry = suggestion.entry()
        if entry is None:
            return suggestion.about or "—"
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>, {})',
            change_form_of(entry),
            str(entry),
            entry.get_absolute_url(),
            _("public page"),
            entry.get_status_display(),
        )

    @admin.display(description=gettext_lazy("link to a source"))
    def link_shown(self, suggestion: Suggestion) -> str:
        if not suggestion.link:
            return "—"
        # rel: the reviewer's admin address must not reach a site a stranger chose.
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>', suggestion.link, suggestion.link
        )

    @admin.display(description=gettext_lazy("draft created"))
    def draft_shown(self, suggestion: Suggestion) -> str:
        if suggestion.draft is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', change_form_of(suggestion.draft), str(suggestion.draft)
        )

    def save_model(
        self, request: HttpRequest, obj: Suggestion, form: forms.ModelForm, change: bool
    ) -> None:
        note = form.cleaned_data.get("reviewer_note", "")
        reviewer = cast(User, request.user)  # the admin has signed them in
        if form.cleaned_data["decision"] == DISMISS:
            obj.mark_handled(SuggestionStatus.DISMISSED, reviewer, note)
        else:
            if obj.kind == SuggestionKind.NEW_TACTIC:
                obj.draft = self._create_draft(request, obj, form.cleaned_data)
            obj.mark_handled(SuggestionStatus.ACCEPTED, reviewer, note)
        super().save_model(request, obj, form, change)

    def _create_draft(self, request: HttpRequest, suggestion: Suggestion, data: dict) -> Tactic:
        name = data["tactic_name"].strip()
        tactic = Tactic(
            name_en=name,
            slug=free_tactic_slug(name),
            summary_en=suggestion.message,
            category=data["category"],
            status=Status.DRAFT,
        )
        tactic._change_reason = _("Created from suggestion #%(number)d") % {"number": suggestion.pk}
        tactic.save()
        self.log_addition(request, tactic, tactic._change_reason)
        return tactic

    def construct_change_message(self, request, form, formsets, add=False) -> str:  # type: ignore[override]
        accepted = form.instance.status == SuggestionStatus.ACCEPTED
        return _("Accepted") if accepted else _("Dismissed")

    def response_change(self, request: HttpRequest, obj: Suggestion) -> HttpResponse:
        """After accepting, go where the work goes on: the new draft, the entry's change
        form, or a new source's; after dismissing, back to the list."""
        if obj.status != SuggestionStatus.ACCEPTED:
            self.message_user(request, _("Suggestion #%(n)d dismissed.") % {"n": obj.pk})
            return HttpResponseRedirect(reverse("admin:kb_suggestion_changelist"))
        entry = obj.entry()
        if obj.draft is not None:
            target = change_form_of(obj.draft)
            text = _(
                "Suggestion #%(n)d accepted: draft %(draft)s created. Complete it and send it "
                "to review."
            ) % {"n": obj.pk, "draft": obj.draft}
        elif entry is not None:
            target = change_form_of(entry)
            text = _(
                "Suggestion #%(n)d accepted. Make the change here; it is reviewed before "
                "readers see it."
            ) % {"n": obj.pk}
        elif obj.kind == SuggestionKind.SOURCE:
            target = reverse("admin:kb_source_add")
            if obj.link:
                target += "?" + urlencode({"url": obj.link})
            text = _("Suggestion #%(n)d accepted. Add the source here.") % {"n": obj.pk}
        else:
            target = reverse("admin:kb_suggestion_changelist")
            text = _("Suggestion #%(n)d accepted.") % {"n": obj.pk}
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(target)
