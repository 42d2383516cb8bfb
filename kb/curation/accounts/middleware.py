"""No page under the admin's address without the second factor, whoever added the page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse

from .second_factor import is_verified_staff
from .site import OPEN_PAGES


class SecondFactorRequiredMiddleware:
    """Sends every request for an address under the admin's (/admin/) to the sign-in unless
    it comes from an active staff user whose session has its second factor, or is for one of
    the sign-in pages (``OPEN_PAGES``).

    The admin site checks the same on its own pages; this also covers pages others put
    under /admin/ without the site's ``admin_view`` (a ``staff_member_required`` view asks
    for staff status, not for the second factor). Installed after django-otp's
    ``OTPMiddleware``, which says whether a session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_root = reverse("admin:index")
        if (
            request.path.startswith(admin_root)
            and not is_verified_staff(request.user)
            and not self.open_page(request)
        ):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return self.get_response(request)

    @staticmethod
    def open_page(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.namespace == "admin" and match.url_name in OPEN_PAGES
