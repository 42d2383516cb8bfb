"""Public pages. Views stay thin: visibility and loading rules live on the querysets, lists
in kb.lists."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kb import lists
from kb.lists import EntryList
from kb.models import (
    PUBLIC_STATUSES,
    Category,
    Countermeasure,
    Entry,
    PublishedVersion,
    Source,
    StatusChange,
    Tactic,
    canonical_public_id,
)
from kb.models.workflow import EntryQuerySet, may_preview
from kb.reading.changes import with_changes
from kb.reading.cite import PageCitation, VersionCitation
from kb.reading.matrix import build_matrix
from kb.reading.versions import AS_PUBLISHED
from kb.search import highlight

LATEST_UPDATES = 6


def home(request: HttpRequest) -> HttpResponse:
    """What the knowledge base is, a search box, tactics by category, the latest updates."""
    latest_tactics = Tactic.objects.published().order_by("-updated_at", "pk")[:LATEST_UPDATES]
    latest_countermeasures = Countermeasure.objects.published().order_by("-updated_at", "pk")[
        :LATEST_UPDATES
    ]
    latest = sorted(
        [*latest_tactics, *latest_countermeasures], key=lambda e: e.updated_at, reverse=True
    )[:LATEST_UPDATES]
    return render(
        request,
        "kb/home.html",
        {
            "categories": Category.objects.with_published_tactics(),
            "latest": latest,
            "tactic_count": Tactic.objects.published().count(),
            "countermeasure_count": Countermeasure.objects.published().count(),
            "source_count": Source.objects.published().count(),
        },
    )


def _entry_list(request: HttpRequest, entries: EntryList, template: str) -> HttpResponse:
    """A list as its query string asks for it: the page of matching rows, highlighted when
    searching, with every facet's counts. A search that is a permanent ID ("TT-0003",
    "tt3") opens that entry; a search that finds nothing offers ways forward."""
    named = entries.entry_named(request.GET.get("q", ""))
    if named is not None:
        return redirect(named)
    result = entries.run(request.GET, getattr(request, "content_version", None))
    page = Paginator(result.rows, settings.KB_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    highlight(page.object_list, result.search)
    facets = result.facets
    return render(
        request,
        template,
        {
            "filter": result.parameters,
            "facets": facets,
            "facets_chosen": any(facet.active for facet in facets),
            "outcome": result.search,
            "page_obj": page,
            "entries": page.object_list,
            # Where to go from a search that found nothing.
            "categories": [] if page.paginator.count else list(Category.objects.all()),
        },
    )


def tactic_list(request: HttpRequest) -> HttpResponse:
    """Published tactics, filtered by the query string."""
    return _entry_list(request, lists.TACTICS, "kb/tactic_list.html")


def countermeasure_list(request: HttpRequest) -> HttpResponse:
    """Published countermeasures, filtered by the query string."""
    return _entry_list(request, lists.COUNTERMEASURES, "kb/countermeasure_list.html")


def site_search(request: HttpRequest) -> HttpResponse:
    """One search over tactics, countermeasures and sources, ranked together."""
    return _entry_list(request, lists.DOCUMENTS, "kb/search.html")


def source_list(request: HttpRequest) -> HttpResponse:
    """Published sources, filtered by the query string."""
    return _entry_list(request, lists.SOURCES, "kb/source_list.html")


def _entry_page(
    request: HttpRequest,
    queryset: EntryQuerySet,
    public_id: str,
    slug: str | None,
    template: str,
) -> HttpResponse:
    """Show one entry at its canonical URL.

    Any other spelling of the same address (lower-case ID, no slug, an old slug) redirects
    permanently, so links in old course material keep working. Entries that are not public
    are a plain 404 to readers, indistinguishable from IDs that never existed.
    """
    entry = _public_entry(request, queryset, public_id)
    if public_id != entry.public_id or slug != entry.slug:
        return redirect(entry, permanent=True)
    permanent_url = request.build_absolute_uri(entry.get_absolute_url())
    return render(
        request,
        template,
        {
            "entry": entry,
            "permanent_url": permanent_url,
            "citation": PageCitation(entry, permanent_url, timezone.localdate()),
            "current_version": _current_version(entry),
            "status_change": _status_change(entry),
        },
    )


def _current_version(entry: Entry) -> PublishedVersion | None:
    """The entry's latest published version, with what it changed."""
    latest = entry.versions.first()
    return with_changes([latest])[0] if latest is not None else None


def _public_entry(request: HttpRequest, queryset: EntryQuerySet, public_id: str) -> Entry:
    """The entry of ``queryset`` that ``public_id`` names (any spelling), if this reader may
    see it; otherwise a 404 indistinguishable from an ID that never existed."""
    canonical_id = canonical_public_id(public_id, queryset.model.PUBLIC_ID_PREFIX)
    entry = None
    if canonical_id is not None:
        entry = queryset.visible_to(request.user).filter(public_id=canonical_id).first()
    if entry is None:
        raise Http404("No such entry.")
    return entry


def _status_change(entry: Entry) -> StatusChange | None:
    """Why a retired or withdrawn entry left the lists, and when (None for others)."""
    if not (entry.is_retired or entry.is_withdrawn):
        return None
    return entry.status_changes.filter(status=entry.status).first()


def entry_changes(request: HttpRequest, public_id: str, model: type[Entry]) -> HttpResponse:
    """An entry's public change log, newest first: every published version, and every
    time it was retired, withdrawn or reinstated."""
    entry = _public_entry(request, model.objects.all(), public_id)
    events: list[tuple[datetime, dict]] = [
        *(
            (version.published_at, {"version": version})
            for version in with_changes(entry.versions.all())
        ),
        *((change.changed_at, {"status": change}) for change in entry.status_changes.all()),
    ]
    events.sort(key=lambda event: event[0], reverse=True)
    return render(
        request, "kb/changes.html", {"entry": entry, "events": [event for _, event in events]}
    )


def entry_version(
    request: HttpRequest, public_id: str, number: int, model: type[Entry]
) -> HttpResponse:
    """Version ``number`` of an entry exactly as it was published, for course material
    that must show what it taught."""
    entry = _public_entry(request, model.objects.all(), public_id)
    version = entry.versions.filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    if public_id != entry.public_id:
        return redirect(version, permanent=True)
    with_changes([version])
    kind = model._meta.model_name
    page = AS_PUBLISHED[model](version)
    version_url = request.build_absolute_uri(version.get_absolute_url())
    return render(
        request,
        f"kb/{kind}_version.html",
        {
            "page": page,
            "entry": entry,
            "kind": model._meta.verbose_name,
            "changes_url": f"kb:{kind}-changes",
            "current_version": entry.versions.first(),
            "version_url": version_url,
            "permanent_url": request.build_absolute_uri(entry.get_absolute_url()),
            # Cited under the name the version had.
            "citation": VersionCitation(page.entry, version, version_url),
            "status_change": _status_change(entry),
        },
    )


def entry_by_slug(request: HttpRequest, slug: str, model: type[Entry]) -> HttpResponse:
    """``/tactics/<slug>/`` and the like: any slug an entry has ever had leads to it."""
    entry = entry_with_slug(model, slug, request.user)
    if entry is None:
        raise Http404("No such entry.")
    return redirect(entry, permanent=True)


def entry_with_slug(
    model: type[Entry], slug: str, user: User | AnonymousUser | None = None
) -> Entry | None:
    """The entry of ``model`` that ``user`` (a reader by default) may open whose slug is, or
    once was, ``slug``."""
    user = user or AnonymousUser()
    visible = model.objects.visible_to(user)
    entry = visible.filter(slug=slug).first()
    if entry is None:
        # Only the history of entries this reader may open and, for readers, the slugs
        # they were public under: a draft's slug must neither take over a published
        # entry's old one nor be confirmed to readers as the draft's.
        former = model.history.filter(slug=slug, id__in=visible.values("pk"))
        if not may_preview(user, model):
            former = former.filter(status__in=PUBLIC_STATUSES)
        record = former.order_by("-history_date").first()
        entry = visible.filter(pk=record.id).first() if record else None
    return entry


WHATS_NEW_LENGTH = 50


def whats_new(request: HttpRequest) -> HttpResponse:
    """Recently published versions across the knowledge base."""
    public = PUBLIC_STATUSES
    versions = (
        PublishedVersion.objects.filter(
            Q(tactic__status__in=public)
            | Q(countermeasure__status__in=public)
            | Q(source__status__in=public)
        )
        .select_related("tactic", "countermeasure", "source")
        .order_by("-published_at", "-pk")[:WHATS_NEW_LENGTH]
    )
    return render(request, "kb/whats_new.html", {"versions": with_changes(versions)})


def tactic_detail(request: HttpRequest, public_id: str, slug: str | None = None) -> HttpResponse:
    """A tactic's page: summary, description, indicators, countermeasures, references."""
    return _entry_page(request, Tactic.objects.for_page(), public_id, slug, "kb/tactic_detail.html")


def countermeasure_detail(
    request: HttpRequest, public_id: str, slug: str | None = None
) -> HttpResponse:
    """A countermeasure's page: what it is, who applies it, the tactics it counters."""
    return _entry_page(
        request,
        Countermeasure.objects.for_page(),
        public_id,
        slug,
        "kb/countermeasure_detail.html",
    )


MATRIX_COLUMNS = {
    "stage": gettext_lazy("Stages of the trafficking process"),
    "category": gettext_lazy("Categories"),
}


def matrix(request: HttpRequest) -> HttpResponse:
    """Published tactics at a glance: stages (or categories) as columns, each listing its
    first tactics and linking to the rest."""
    by = request.GET.get("by", "")
    by = by if by in MATRIX_COLUMNS else "stage"
    # The matrix filters by vocabulary only; a text search has the lists for that.
    data = request.GET.copy()
    for name in ("q", "sort", "page"):
        data.pop(name, None)
    result = lists.TACTICS.run(data, getattr(request, "content_version", None))
    return render(
        request,
        "kb/matrix.html",
        {
            "filter": result.parameters,
            "by": by,
            "column_kinds": MATRIX_COLUMNS,
            "columns": build_matrix(result, by, data),
            "tactic_count": len(result.rows),
        },
    )


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the public pages, not the admin or search results."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def source_detail(request: HttpRequest, public_id: str, slug: str | None = None) -> HttpResponse:
    """A source's page, with every published entry that cites it and the quotes used."""
    return _entry_page(request, Source.objects.for_page(), public_id, slug, "kb/source_detail.html")


#: Each kind of entry's page view (the admin previews pending revisions with them).
ENTRY_PAGES = {Tactic: tactic_detail, Countermeasure: countermeasure_detail, Source: source_detail}
