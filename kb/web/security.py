"""Response headers that Django's SecurityMiddleware and django-csp do not set."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def permissions_policy(features: list[str]) -> str:
    """``Permissions-Policy`` denying each feature to every origin, this one included."""
    return ", ".join(f"{feature}=()" for feature in features)


class SecurityHeadersMiddleware:
    """Adds ``Permissions-Policy`` (settings.PERMISSIONS_POLICY) to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
