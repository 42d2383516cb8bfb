"""Vocabularies and synonym groups: the terms entries are classified and searched by."""

from django.contrib import admin

from kb.models import Actor, Category, Platform, Stage, SynonymGroup, TargetGroup, Technology


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_en", "description_en")
    prepopulated_fields = {"slug": ("name_en",)}


for vocabulary in (Category, Technology, Platform, Stage, TargetGroup, Actor):
    admin.site.register(vocabulary, VocabularyAdmin)


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """Synonyms added here take effect on the next search; nothing needs re-indexing.
    They extend the curated list in the repository (kb/search/synonyms.txt)."""

    list_display = ("terms", "note", "updated_at")
    search_fields = ("terms_en", "note")
