"""Sources in the admin: the evidence behind every citation."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from kb.models import Source

from .entries import EntryAdmin
from .imports import SourceImportMixin


@admin.register(Source)
class SourceAdmin(SourceImportMixin, EntryAdmin):  # Import button: kb/curation/admin/imports.py
    list_display = ("public_id", "title", "publisher", "kind", "date_display", "citation_count")
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
        ("Date", {"fields": ("published_on", "date_precision", "dateline")}),
        ("Where to find it", {"fields": ("url", "archive_url")}),
        (None, {"fields": ("summary", "replaced_by")}),
        ("Status", {"fields": ("status", "published_at", "created_at", "updated_at")}),
        (None, {"fields": ("change_note",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="Date")
    def date_display(self, source: Source) -> str:
        return source.date_display

    @admin.display(description="Citations", ordering="citation_count")
    def citation_count(self, source: Source) -> int:
        return source.citation_count  # type: ignore[attr-defined]  # annotated by get_queryset
