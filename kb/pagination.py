"""Paging, the same page size for the HTML lists and the API."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.pagination import PageNumberPagination


def paginate(request: HttpRequest, queryset: QuerySet) -> Page:
    """The requested page of ``queryset``; a missing, malformed or out-of-range page number
    gives the nearest real page instead of an error."""
    return Paginator(queryset, settings.KB_PAGE_SIZE).get_page(request.GET.get("page"))


class ApiPagination(PageNumberPagination):
    """``count``, ``next``, ``previous`` and ``results``; ``page_size`` up to 100."""

    page_size = settings.KB_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100
