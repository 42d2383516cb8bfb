"""Curation in the Django admin, one module per kind of record.

Status is never edited as a field: it changes only through the workflow's transitions (list
actions, or the buttons under the change form), so nothing reaches the public without the
review step, and every change of status is written to the admin's history.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import accounts, entries, evidence, get_help, sources, suggestions, vocabularies  # noqa: F401  (each registers its admin classes)

admin.site.site_header = _("Knowledge base curation")
admin.site.site_title = _("kb admin")
admin.site.index_title = _("Curate tactics, countermeasures and sources")
