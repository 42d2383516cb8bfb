"""An entry's History page in the admin: its saves as a story, and any two moments
compared (kb.curation.history)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from kb.curation.diffs import compare
from kb.curation.history import SAVES_PER_PAGE, empty_state, saves, state_as_of, with_changes
from kb.models import Entry


class HistoryAdminMixin(SimpleHistoryAdmin):
    """Replaces simple-history's list of records with one row per save, in the admin's
    words; restoring a version stays simple-history's (its "Restore" links)."""

    def _entry_or_404(self, request: HttpRequest, object_id: str) -> Entry:
        entry = self.get_object(request, unquote(object_id))
        if entry is None:
            raise Http404(_("No such entry."))
        if not self.has_view_or_change_permission(request, entry):
            raise PermissionDenied
        return entry

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        entry = self._entry_or_404(request, object_id)
        page = Paginator(saves(entry), SAVES_PER_PAGE).get_page(request.GET.get("p"))
        with_changes(entry, list(page.object_list))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(entry)s") % {"entry": entry},
            "opts": self.model._meta,
            "original": entry,
            "page": page,
            "may_restore": not self.revert_disabled(request, entry),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/kb/history.html", context)

    def history_compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """What changed from one moment of the history (``?from=``) to another (``?to=``)."""
        entry = self._entry_or_404(request, object_id)
        moments: list[datetime] = []
        for name in ("from", "to"):
            try:
                moment = parse_datetime(request.GET.get(name, "").replace(" ", "+"))
            except ValueError:  # well formed, but no such day or hour
                moment = None
            if moment is not None and timezone.is_naive(moment):
                moment = timezone.make_aware(moment, UTC)
            if moment is None:
                return HttpResponseBadRequest(
                    _("Choose two saves to compare (“%(name)s” is missing or not a moment).")
                    % {"name": name}
                )
            moments.append(moment)
        earlier, later = sorted(moments)
        model = type(entry)
        before = state_as_of(model, entry.pk, earlier) or empty_state(model)
        after = state_as_of(model, entry.pk, later) or empty_state(model)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare two moments of %(entry)s") % {"entry": entry},
            "opts": self.model._meta,
            "original": entry,
            "earlier": earlier,
            "later": later,
            "changes": compare(model, before, after),
        }
        return TemplateResponse(request, "admin/kb/history_compare.html", context)

    def get_urls(self):
        meta = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.history_compare_view),
                name=f"{meta.app_label}_{meta.model_name}_history_compare",
            ),
            *super().get_urls(),
        ]
