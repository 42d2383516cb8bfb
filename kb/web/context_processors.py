"""Values every template may use."""

from django.conf import settings
from django.http import HttpRequest

from kb.licence import CODE_LICENCE, CONTENT_LICENCE


def site(request: HttpRequest) -> dict:
    return {
        "site_name": settings.KB_SITE_NAME,
        "content_licence": CONTENT_LICENCE,
        "code_licence": CODE_LICENCE,
    }
