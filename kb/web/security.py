"""Response headers that Django's SecurityMiddleware and django-csp do not set."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def permissions_policy(features: list[str]) -> str:
    """``Permissions-Policy`` denying each feature to every origin, this one included."""
    return ", ".join(f"{feature}=()" for feature in features)


class SecurityHeadersMiddleware:
    """Adds ``Permissions-Policy`` (settings.PERMISSIONS_POLICY) to every response, and
    marks every response rendered for a signed-in user ``private, no-store``: staff see
    drafts, and neither a shared proxy nor the browser's cache may keep what they saw."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        # The session, not request.user, which the API (anonymous by design) replaces.
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            patch_cache_control(response, private=True, no_store=True)
        return response
