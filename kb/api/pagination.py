"""The API's paging: the same page size as the HTML lists, and a clear refusal of page numbers
and sizes that are not whole numbers."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


def _is_count(text: str) -> bool:
    # str.isdigit() also accepts "²", which int() refuses.
    return text.isascii() and text.isdigit() and int(text) >= 1


class ApiPagination(PageNumberPagination):
    """``count``, ``next``, ``previous`` and ``results``; ``page_size`` up to 100.

    Unlike the HTML lists, which show the nearest page, the API says what is wrong with a
    malformed ``page_size`` (400) or ``page`` (404), so clients notice their mistakes."""

    page_size = settings.KB_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        if len(values) > 1 or not _is_count(values[0]):
            raise ValidationError({"page_size": [_("Give one whole number from 1 to 100.")]})
        return min(int(values[0]), self.max_page_size)

    def get_page_number(self, request, paginator) -> int:
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        if len(values) > 1 or not _is_count(values[0]):
            raise NotFound(_("Invalid page: give one whole number from 1."))
        return int(values[0])

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = "Results per page, 1 or more; above 100 gives 100."
        return parameters
