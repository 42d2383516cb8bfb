"""One page to add a tactic from the source it was read in: the tactic, its classification,
the source (one already in the knowledge base, or a new one) and the quote, saved together
as drafts. The full change form takes it from there.

The two-form path it replaces (the tactic form, then a pop-up for a new source) took about
25 clicks and 21 fields for one tactic with one new source and one quote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from kb.models import (
    Category,
    Citation,
    DatePrecision,
    Indicator,
    Source,
    SourceKind,
    Stage,
    Tactic,
    Technology,
)
from kb.models.sources import web_link
from kb.models.workflow import validate_entry_slug

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _unique_slug(model: type[Tactic] | type[Source], text: str) -> str:
    """A slug from ``text`` that no entry of ``model`` has yet."""
    base = slugify(text)[:180] or model._meta.model_name or "entry"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists() or _reserved(slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


def _reserved(slug: str) -> bool:
    try:
        validate_entry_slug(slug)
    except forms.ValidationError:
        return True
    return False


class TacticFromSourceForm(forms.Form):
    """The fields a tactic needs to be reviewed, and its first citation."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Summary"), widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.all()
    )
    stages = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Stages"), queryset=Stage.objects.all()
    )
    technologies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Technologies"), queryset=Technology.objects.all()
    )
    red_flag = forms.CharField(
        label=gettext_lazy("A red flag"),
        required=False,
        help_text=gettext_lazy(
            "Something NGO staff can notice that suggests the tactic (optional)."
        ),
    )
    source = forms.ModelChoiceField(
        label=gettext_lazy("Source"),
        queryset=Source.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "A source already in the knowledge base, or leave empty and describe a new one below."
        ),
    )
    source_title = forms.CharField(
        label=gettext_lazy("New source: title"), max_length=500, required=False
    )
    source_publisher = forms.CharField(
        label=gettext_lazy("Publisher"), max_length=200, required=False
    )
    source_kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=SourceKind.choices, required=False
    )
    source_url = forms.URLField(
        label=gettext_lazy("URL"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        validators=[web_link],
    )
    source_published_on = forms.DateField(label=gettext_lazy("Date"), required=False)
    source_date_precision = forms.ChoiceField(
        label=gettext_lazy("How much of the date is known"),
        choices=[("", "---------"), *DatePrecision.choices],
        required=False,
    )
    source_dateline = forms.CharField(
        label=gettext_lazy("Or the date exactly as the source prints it"),
        max_length=100,
        required=False,
    )
    quote = forms.CharField(
        label=gettext_lazy("Quote"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Copied exactly from the source, word for word."),
    )
    locator = forms.CharField(
        label=gettext_lazy("Locator"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Where it stands, e.g. “paragraph 4”."),
    )

    def __init__(self, *args, admin_site=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if admin_site is not None:  # the admin's own search-as-you-type pickers
            for name, model, widget in (
                ("category", Tactic, AutocompleteSelect),
                ("stages", Tactic, AutocompleteSelectMultiple),
                ("technologies", Tactic, AutocompleteSelectMultiple),
                ("source", Citation, AutocompleteSelect),
            ):
                field = self.fields[name]
                field.widget = widget(model._meta.get_field(name), admin_site)
                field.widget.choices = field.choices  # type: ignore[attr-defined]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("source") is None:
            for name in ("source_title", "source_publisher", "source_kind"):
                if not cleaned.get(name):
                    self.add_error(
                        name,
                        _(
                            "Choose an existing source, or give the new one's title, "
                            "publisher and kind."
                        ),
                    )
            dated = bool(cleaned.get("source_published_on"))
            if dated != bool(cleaned.get("source_date_precision")):
                self.add_error(
                    "source_date_precision", _("A date and how much of it is known go together.")
                )
        if not cleaned.get("quote", "").strip():
            self.add_error("quote", _("Copy the passage that supports the tactic."))
        return cleaned

    #: The form's sections, as the page shows them.
    SECTIONS = (
        (
            gettext_lazy("The tactic"),
            ("name", "summary", "category", "stages", "technologies", "red_flag"),
        ),
        (
            gettext_lazy("The source"),
            (
                "source", "source_title", "source_publisher", "source_kind", "source_url",
                "source_published_on", "source_date_precision", "source_dateline",
            ),
        ),
        (gettext_lazy("The quote"), ("quote", "locator")),
    )  # fmt: skip

    def sections(self) -> list[tuple[StrOrPromise, list]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    @transaction.atomic
    def save(self, note: str) -> Tactic:
        """Create the draft tactic (and the draft source, if new) with its citation."""
        data = self.cleaned_data
        source = data["source"]
        if source is None:
            source = Source(
                title=data["source_title"],
                slug=_unique_slug(Source, data["source_title"]),
                publisher=data["source_publisher"],
                kind=data["source_kind"],
                url=data["source_url"],
                published_on=data["source_published_on"],
                date_precision=data["source_date_precision"] or "",
                dateline=data["source_dateline"],
            )
            source._change_reason = note
            source.save()
        tactic = Tactic(
            name_en=data["name"],
            slug=_unique_slug(Tactic, data["name"]),
            summary_en=data["summary"],
            category=data["category"],
        )
        tactic._change_reason = note
        tactic.save()
        tactic.stages.set(data["stages"])
        tactic.technologies.set(data["technologies"])
        if data["red_flag"].strip():
            Indicator.objects.create(tactic=tactic, text_en=data["red_flag"].strip())
        Citation.objects.create(
            tactic=tactic, source=source, quote=data["quote"], locator=data["locator"]
        )
        return tactic


class QuickAddMixin(SimpleHistoryAdmin):
    """The one-page form, at /admin/kb/tactic/add-from-source/."""

    def get_urls(self):
        return [
            path(
                "add-from-source/",
                self.admin_site.admin_view(self.add_from_source_view),
                name="kb_tactic_add_from_source",
            ),
            *super().get_urls(),
        ]

    def add_from_source_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and request.user.has_perm("kb.add_source")):
            raise PermissionDenied
        form = TacticFromSourceForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            note = _("Created from a source")
            tactic = form.save(note=note)
            self.log_addition(request, tactic, note)
            self.message_user(
                request,
                _(
                    "%(id)s was created as a draft with its citation. Add more here, then "
                    "send it to review."
                )
                % {"id": tactic.public_id},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:kb_tactic_change", args=[tactic.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add a tactic from a source"),
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/kb/tactic_from_source.html", context)
