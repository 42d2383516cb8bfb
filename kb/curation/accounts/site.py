"""kb's admin site (``admin.site``): Django's, with a second factor on every page.

django-otp's ``OTPAdminSite`` lets in only users whose session is verified by a device.
Its own sign-in asks for the password and the code on one form; kb's asks for the password
first, then for the code on a page of its own, or, for staff who have no authenticator yet,
for enrolling one (``views``).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite

from .second_factor import is_verified_staff

# The admin's pages that answer without a signed-in, verified user: the two steps of
# signing in, signing out, and setting a password from an emailed link.
OPEN_PAGES = frozenset(
    {"login", "logout", "sign_in_code", "sign_in_enrol", "password_set", "password_set_done"}
)


class CurationAdminSite(OTPAdminSite):
    """The admin at /admin/: every page (but ``OPEN_PAGES``) needs an active staff user
    whose session was verified with a second factor."""

    login_form = AdminAuthenticationForm
    login_template = None  # Django's admin/login.html: the password step has no code field

    def __init__(self, name: str = "admin") -> None:
        # OTPAdminSite names itself "otpadmin"; as the default site this one is "admin",
        # so that every {% url 'admin:...' %} keeps working.
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        return is_verified_staff(request.user)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The password step (Django's admin login page, axes counting failures); a right
        password leads to the code step, or to enrolling an authenticator."""
        from .views import PasswordStep

        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context: dict[str, Any] = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        response = PasswordStep.as_view(
            extra_context=context,
            authentication_form=self.login_form,
            template_name="admin/login.html",
        )(request)
        return cast(HttpResponse, response)

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The front page, with the review queue first for reviewers (kb.curation.queue)."""
        from kb.curation.queue import review_queue

        queue = review_queue(request.user)
        reviews = any(request.user.has_perm(f"kb.review_{kind}") for kind in ("tactic", "source"))
        context = {"review_queue": queue if reviews else None, **(extra_context or {})}
        return super().index(request, context)

    def translations(self, request: HttpRequest) -> HttpResponse:
        """What is missing or outdated per language (kb.curation.admin.translating)."""
        from kb.curation.admin.translating import translations_overview

        return translations_overview(request, self)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        from . import views

        return [
            path("kb/translations/", self.admin_view(self.translations), name="kb_translations"),
            path("sign-in/code/", views.CodeStep.as_view(admin_site=self), name="sign_in_code"),
            path("sign-in/enrol/", views.EnrolStep.as_view(admin_site=self), name="sign_in_enrol"),
            path(
                "password/set/<uidb64>/<token>/",
                views.PasswordSet.as_view(admin_site=self),
                name="password_set",
            ),
            path(
                "password/set/done/",
                views.PasswordSetDone.as_view(admin_site=self),
                name="password_set_done",
            ),
            path(
                "two-factor/recovery-codes/",
                self.admin_view(views.RecoveryCodes.as_view(admin_site=self)),
                name="recovery_codes",
            ),
            path(
                "two-factor/recovery-codes/new/",
                self.admin_view(views.NewRecoveryCodes.as_view(admin_site=self)),
                name="new_recovery_codes",
            ),
            *super().get_urls(),
        ]
