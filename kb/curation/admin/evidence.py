"""Evidence in the admin: a source's stored text (attach, replace, remove, read it with its
paragraph numbers, cite a passage of it), every citation with its quote check, and the
links the link checker found broken.

The stored text is copyrighted: only staff with the stored text's permissions see it, on
pages of the admin alone (``SourceAdmin`` routes them, ``kb/curation/admin/sources.py``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kb.curation.evidence import (
    ExtractionError,
    attach_text,
    from_pasted,
    from_upload,
    remove_text,
    verify_quote,
)
from kb.curation.evidence.extraction import EXTENSIONS, max_upload_bytes
from kb.models import (
    Citation,
    Countermeasure,
    Entry,
    LinkCheck,
    QuoteStatus,
    Source,
    SourceText,
    Status,
    Tactic,
    canonical_public_id,
    parse_public_id,
)

# --- how a quote check reads ------------------------------------------------------------------

CHECK_CLASSES = {
    QuoteStatus.VERIFIED: "kb-quote-verified",
    QuoteStatus.NOT_FOUND: "kb-quote-not-found",
    QuoteStatus.NO_TEXT: "kb-quote-no-text",
    QuoteStatus.UNCHECKED: "kb-quote-unchecked",
}


def describe_check(citation: Citation) -> str:
    """A citation's quote check as staff read it, marked for its style ("Quote not found in
    the stored text" stands out)."""
    status = QuoteStatus(citation.quote_status)
    return format_html('<span class="{}">{}</span>', CHECK_CLASSES.get(status, ""), status.label)


class QuoteCheckInline:
    """What a citation inline shows of the quote check: a read-only column, "Quote not
    found in the stored text" standing out. Mixed into ``CitationInline``."""

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return (*super().get_readonly_fields(request, obj), "quote_check")  # type: ignore[misc]

    class Media:
        css = {"all": ["kb/admin/evidence.css"]}

    @admin.display(description=gettext_lazy("Quote check"))
    def quote_check(self, citation: Citation) -> str:
        return describe_check(citation) if citation.pk else ""


# --- forms ---------------------------------------------------------------------------------------


class StoredTextForm(forms.Form):
    """Attach or replace a source's text: pasted, or a file."""

    text = forms.CharField(
        label=gettext_lazy("Paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Leave a blank line between paragraphs."),
    )
    upload = forms.FileField(
        label=gettext_lazy("or upload a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        megabytes = max_upload_bytes() // (1024 * 1024)
        self.fields["upload"].help_text = _(".txt, .html or .pdf, up to %(size)s.") % {
            "size": _("%(megabytes)d MB") % {"megabytes": megabytes}
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        text, upload = data.get("text", "").strip(), data.get("upload")
        if bool(text) == bool(upload):
            raise ValidationError(_("Paste the text or upload a file (one of the two)."))
        try:
            data["extracted"] = from_upload(upload) if upload else from_pasted(text)
        except ExtractionError as error:
            raise ValidationError(str(error)) from error
        return data


class CitePassageForm(forms.Form):
    """A passage of the stored text, to cite in a draft tactic or countermeasure."""

    quote = forms.CharField(
        label=gettext_lazy("Passage"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Select it in the text below, or paste it."),
    )
    entry = forms.CharField(
        label=gettext_lazy("Cite it in"),
        max_length=20,
        help_text=gettext_lazy("The ID of a tactic or countermeasure, e.g. TT-0003 or CM-0002."),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_entry(self) -> Entry:
        typed = self.cleaned_data["entry"].strip()
        entry: Entry | None = None
        parsed = parse_public_id(typed)
        model = {"TT": Tactic, "CM": Countermeasure}.get(parsed[0]) if parsed else None
        if model is not None:
            entry = model.objects.filter(
                public_id=canonical_public_id(typed, model.PUBLIC_ID_PREFIX)
            ).first()
        if entry is None:
            raise ValidationError(
                _("No tactic or countermeasure has the ID “%(id)s”.") % {"id": typed}
            )
        if entry.status not in (Status.DRAFT, Status.IN_REVIEW):
            raise ValidationError(
                _(
                    "%(id)s is %(status)s: changes to it go through its own change form. "
                    "Copy the passage there."
                )
                % {"id": entry.public_id, "status": entry.get_status_display().lower()}
            )
        if not (self.user.has_perm("kb.add_citation") and entry.editable_by(self.user)):
            raise ValidationError(
                _("You may not add citations to %(id)s.") % {"id": entry.public_id}
            )
        return entry


# --- the stored text page ------------------------------------------------------------------------


def _stored_text_context(
    request: HttpRequest, model_admin: admin.ModelAdmin, source: Source, stored, **forms_
) -> dict:
    user = request.user
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Source._meta,
        "source": source,
        "stored": stored,
        "paragraphs": stored.paragraphs if stored else [],
        "attached_by": (stored.attached_by if stored else None) or _("someone"),
        "title": _("Stored text of %(source)s") % {"source": source},
        "citations": [
            (citation, describe_check(citation))
            for citation in source.citations.select_related("tactic", "countermeasure")
        ],
        "may_attach": user.has_perm("kb.change_sourcetext" if stored else "kb.add_sourcetext"),
        "may_remove": stored is not None and user.has_perm("kb.delete_sourcetext"),
        "may_cite": stored is not None and user.has_perm("kb.add_citation"),
        "text_form": forms_.get("text_form") or StoredTextForm(),
        "cite_form": forms_.get("cite_form") or CitePassageForm(user=user),
    }


def stored_text_view(
    request: HttpRequest, model_admin: admin.ModelAdmin, source: Source
) -> HttpResponse:
    """The stored text of ``source`` for staff: read it with paragraph numbers, attach or
    replace it (POST ``attach``), remove it (POST ``remove``)."""
    user = request.user
    if not user.has_perm("kb.view_sourcetext"):
        raise PermissionDenied
    stored = SourceText.objects.filter(source=source).select_related("attached_by").first()
    here = reverse("admin:kb_source_stored_text", args=[source.pk])
    text_form = None
    if request.method == "POST" and "remove" in request.POST:
        if not user.has_perm("kb.delete_sourcetext"):
            raise PermissionDenied
        if remove_text(source):
            messages.success(request, _("The stored text was removed."))
        return HttpResponseRedirect(here)
    if request.method == "POST":
        if not user.has_perm("kb.change_sourcetext" if stored else "kb.add_sourcetext"):
            raise PermissionDenied
        text_form = StoredTextForm(request.POST, request.FILES)
        if text_form.is_valid():
            attach_text(source, text_form.cleaned_data["extracted"], user)
            failed = source.citations.filter(quote_status=QuoteStatus.NOT_FOUND).count()
            messages.success(
                request,
                _("The text was stored and the source's citations checked against it.")
                if not failed
                else ngettext(
                    "The text was stored; %(count)s of the source's citations is not found in it.",
                    "The text was stored; %(count)s of the source's citations are not found in it.",
                    failed,
                )
                % {"count": failed},
            )
            return HttpResponseRedirect(here)
    context = _stored_text_context(request, model_admin, source, stored, text_form=text_form)
    return TemplateResponse(
        request,
        "admin/kb/source/stored_text.html",
        context,
        status=400 if text_form is not None else 200,
    )


def cite_passage_view(
    request: HttpRequest, model_admin: admin.ModelAdmin, source: Source
) -> HttpResponse:
    """POST: a citation of the selected passage in a draft tactic or countermeasure, with
    its locator found in the stored text. A passage that is not in the text is refused."""
    user = request.user
    if not (user.has_perm("kb.view_sourcetext") and user.has_perm("kb.add_citation")):
        raise PermissionDenied
    stored = SourceText.objects.filter(source=source).first()
    here = reverse("admin:kb_source_stored_text", args=[source.pk])
    if request.method != "POST" or stored is None:
        return HttpResponseRedirect(here)
    form = CitePassageForm(request.POST, user=user)
    if form.is_valid():
        entry, quote = form.cleaned_data["entry"], form.cleaned_data["quote"].strip()
        if verify_quote(source, quote).verified:
            citation = Citation(source=source, quote=quote)
            setattr(citation, "tactic" if isinstance(entry, Tactic) else "countermeasure", entry)
            with transaction.atomic():
                last = entry.citations.aggregate(last=Max("position"))["last"]
                citation.position = 0 if last is None else last + 1
                citation._change_reason = _("Cited from the stored text")  # type: ignore[attr-defined]
                citation.save()  # checked again, and its locator filled, on the way in
            messages.success(
                request,
                _("%(id)s now cites this source (%(locator)s).")
                % {"id": entry.public_id, "locator": citation.locator},
            )
            return HttpResponseRedirect(here)
        form.add_error("quote", _("This passage is not in the stored text."))
    context = _stored_text_context(request, model_admin, source, stored, cite_form=form)
    return TemplateResponse(request, "admin/kb/source/stored_text.html", context, status=400)


# --- citations -----------------------------------------------------------------------------------


class EvidenceListAdmin(admin.ModelAdmin):
    """A list to find things in, read-only: citations are edited with the entry they
    support, and link checks are written by ``check_links`` alone."""

    class Media:
        css = {"all": ["kb/admin/evidence.css"]}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Citation)
class CitationAdmin(EvidenceListAdmin):
    """Every citation with its quote check, to find the unverified ones. Read-only:
    citations are edited with the entry they support."""

    list_display = ("quote_excerpt", "supports", "source", "locator", "quote_check")
    list_filter = ("quote_status",)
    search_fields = ("quote", "source__title", "tactic__public_id", "countermeasure__public_id")
    list_select_related = ("source", "tactic", "countermeasure")
    list_per_page = 50

    @admin.display(description=gettext_lazy("Quote"))
    def quote_excerpt(self, citation: Citation) -> str:
        return Truncator(citation.quote).chars(90)

    @admin.display(description=gettext_lazy("Cited in"))
    def supports(self, citation: Citation) -> str:
        entry = citation.entry
        if entry is None:
            return ""
        url = reverse(f"admin:kb_{entry._meta.model_name}_change", args=[entry.pk])
        return format_html('<a href="{}">{} {}</a>', url, entry.public_id, entry)

    @admin.display(description=gettext_lazy("Quote check"), ordering="quote_status")
    def quote_check(self, citation: Citation) -> str:
        return describe_check(citation)


# --- link checks ---------------------------------------------------------------------------------


class LinkStateFilter(admin.SimpleListFilter):
    """Broken links unless asked otherwise: the list is where curators find them."""

    title = gettext_lazy("result")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("broken", _("Broken")),
            ("working", _("Working")),
            ("all", _("All")),
        ]

    def value(self):
        return super().value() or "broken"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "broken":
            return queryset.filter(ok=False)
        if self.value() == "working":
            return queryset.filter(ok=True)
        return queryset


@admin.register(LinkCheck)
class LinkCheckAdmin(EvidenceListAdmin):
    """What every source link answered when ``manage.py check_links`` last asked;
    broken ones first. Read-only: the checker writes it."""

    list_display = (
        "source_link",
        "link",
        "url",
        "answer",
        "final_url",
        "checked_at",
        "broken_since",
    )
    list_filter = (LinkStateFilter, "link")
    search_fields = ("url", "final_url", "source__title", "source__public_id")
    list_select_related = ("source",)
    list_per_page = 100

    @admin.display(description=gettext_lazy("Source"), ordering="source__title")
    def source_link(self, check: LinkCheck) -> str:
        url = reverse("admin:kb_source_change", args=[check.source_id])
        return format_html('<a href="{}">{} {}</a>', url, check.source.public_id, check.source)

    @admin.display(description=gettext_lazy("Answer"))
    def answer(self, check: LinkCheck) -> str:
        return check.answer


__all__ = [
    "CitationAdmin",
    "CitePassageForm",
    "LinkCheckAdmin",
    "QuoteCheckInline",
    "StoredTextForm",
    "cite_passage_view",
    "describe_check",
    "stored_text_view",
]
