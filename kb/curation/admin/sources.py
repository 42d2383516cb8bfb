"""Sources in the admin: the evidence behind every citation, with the source's stored text
(its own pages, kb/curation/admin/evidence.py) and what its links answered when checked."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kb.models import LinkCheck, Source, SourceText

from .entries import EntryAdmin
from .evidence import cite_passage_view, stored_text_view
from .imports import SourceImportMixin


@admin.register(Source)
class SourceAdmin(SourceImportMixin, EntryAdmin):  # Import button: kb/curation/admin/imports.py
    list_display = (
        "public_id",
        "title",
        "publisher",
        "kind",
        "date_display",
        "citation_count",
        "has_text",
        "links",
    )
    list_display_links = ("public_id", "title")
    list_filter = ("status", "kind")
    search_fields = ("public_id", "title", "publisher", "authors")
    # Explicit: the citation count's GROUP BY drops the model's default ordering, and the
    # autocomplete's pages would then overlap.
    ordering = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("replaced_by",)
    # Links pasted without a scheme are web links; assume the secure one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("public_id", "title", "slug", "publisher", "authors", "kind")}),
        (gettext_lazy("Date"), {"fields": ("published_on", "date_precision", "dateline")}),
        (gettext_lazy("Where to find it"), {"fields": ("url", "archive_url", "last_link_checks")}),
        (gettext_lazy("Stored text (staff only)"), {"fields": ("stored_text_summary",)}),
        (None, {"fields": ("summary_en", "replaced_by")}),
        (
            gettext_lazy("Status"),
            {"fields": ("status", "published_at", "created_at", "updated_at")},
        ),
        (None, {"fields": ("change_note", "review_comment", "revision_seen")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return (
            *super().get_readonly_fields(request, obj),
            "last_link_checks",
            "stored_text_summary",
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                citation_count=Count("citations"),
                text_stored=Exists(SourceText.objects.filter(source=OuterRef("pk"))),
                link_broken=Exists(LinkCheck.objects.filter(source=OuterRef("pk"), ok=False)),
            )
        )

    def get_urls(self):
        def view(evidence_view):
            def source_view(request: HttpRequest, object_id: str) -> HttpResponse:
                source = self.get_object(request, unquote(object_id))
                if source is None:
                    raise Http404
                if not self.has_view_or_change_permission(request, source):
                    raise PermissionDenied
                return evidence_view(request, self, source)

            return self.admin_site.admin_view(source_view)

        return [
            path(
                "<path:object_id>/text/",
                view(stored_text_view),
                name="kb_source_stored_text",
            ),
            path(
                "<path:object_id>/text/cite/",
                view(cite_passage_view),
                name="kb_source_cite_passage",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("Stored text"), boolean=True, ordering="text_stored")
    def has_text(self, source: Source) -> bool:
        return source.text_stored  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=gettext_lazy("Links"), ordering="link_broken")
    def links(self, source: Source) -> str:
        if not source.link_broken:  # type: ignore[attr-defined]  # annotated by get_queryset
            return ""
        url = reverse("admin:kb_linkcheck_changelist") + f"?source__id__exact={source.pk}"
        return format_html('<a class="kb-link-broken" href="{}">{}</a>', url, _("Broken"))

    @admin.display(description=gettext_lazy("Last checked"))
    def last_link_checks(self, source: Source) -> str:
        checks = LinkCheck.objects.filter(source=source).order_by("link") if source.pk else []
        if not checks:
            return _("Not checked yet (manage.py check_links).")
        return format_html_join(
            "",
            '<p class="{}">{}: {} ({}, {})</p>',
            (
                (
                    "kb-link-ok" if check.ok else "kb-link-broken",
                    check.get_link_display(),
                    check.url,
                    check.answer
                    if check.ok
                    else _("broken: %(answer)s") % {"answer": check.answer},
                    check.checked_at.strftime("%Y-%m-%d %H:%M UTC"),
                )
                for check in checks
            ),
        )

    @admin.display(description=gettext_lazy("Text"))
    def stored_text_summary(self, source: Source) -> str:
        if source.pk is None:
            return _("Save the source first, then attach its text.")
        url = reverse("admin:kb_source_stored_text", args=[source.pk])
        stored = SourceText.objects.filter(source=source).select_related("attached_by").first()
        if stored is None:
            return format_html(
                '{} <a href="{}">{}</a>',
                _("None: its citations' quotes cannot be checked."),
                url,
                _("Attach the text"),
            )
        paragraphs = len(stored.paragraphs)
        return format_html(
            '{} <a href="{}">{}</a>',
            ngettext(
                "%(count)s paragraph, %(format)s by %(user)s on %(date)s.",
                "%(count)s paragraphs, %(format)s by %(user)s on %(date)s.",
                paragraphs,
            )
            % {
                "count": paragraphs,
                "format": stored.get_original_format_display().lower(),
                "user": stored.attached_by or _("someone"),
                "date": stored.attached_at.strftime("%Y-%m-%d"),
            },
            url,
            _("Read it, cite a passage, replace or remove it"),
        )

    @admin.display(description=gettext_lazy("Date"))
    def date_display(self, source: Source) -> str:
        return source.date_display

    @admin.display(description=gettext_lazy("Citations"), ordering="citation_count")
    def citation_count(self, source: Source) -> int:
        return source.citation_count  # type: ignore[attr-defined]  # annotated by get_queryset
