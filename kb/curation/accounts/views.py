"""The admin's sign-in pages: the password, then the code or the enrolment of an
authenticator app; recovery codes; setting a password from an emailed link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth.views import (
    LoginView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django.views.generic.base import ContextMixin
from django_otp.plugins.otp_static.models import StaticDevice

from .second_factor import (
    NEW_RECOVERY_CODES_SESSION_KEY,
    RECOVERY_CODE_COUNT,
    PendingSignIn,
    TooManyWrongCodes,
    authenticator,
    begin_sign_in,
    check_code,
    confirm_enrolment,
    count_failed_code,
    finish_sign_in,
    locked_out,
    new_recovery_codes,
    pending_sign_in,
    qr_code_svg,
    recovery_codes_left,
    start_enrolment,
    typed_secret,
)


class CodeForm(forms.Form):
    """One code: six digits from the app, or a recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


def wait_message(wait: TooManyWrongCodes) -> str:
    """What to tell someone whose device waits after wrong codes."""
    return ngettext(
        "Too many wrong codes in a row: wait %(seconds)d second and try again.",
        "Too many wrong codes in a row: wait %(seconds)d seconds and try again.",
        wait.seconds,
    ) % {"seconds": wait.seconds}


class AdminPage(ContextMixin):
    """A page of the admin site (``admin_site``), with its header and links."""

    admin_site: AdminSite | None = None
    page_title: Any = ""
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        assert self.admin_site is not None
        context = super().get_context_data(**kwargs)
        context.setdefault("title", self.page_title)
        return {**self.admin_site.each_context(self.request), **context}


class PasswordStep(LoginView):
    """Django's admin login form; a right password does not sign in, but leads to the code
    (or to enrolling an authenticator app)."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        begin_sign_in(self.request, user, self.get_redirect_url() or reverse("admin:index"))
        if authenticator(user) is None:
            return redirect("admin:sign_in_enrol")
        return redirect("admin:sign_in_code")


@method_decorator(never_cache, name="dispatch")
class PendingStep(AdminPage, FormView):
    """A step after the password: only for a session whose password was right just now."""

    form_class = CodeForm
    pending: PendingSignIn

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        pending = pending_sign_in(request)
        if pending is None:
            messages.info(request, _("Sign in with your user name and password first."))
            return redirect("admin:login")
        self.pending = pending
        other_step = self.other_step()
        if other_step:
            return redirect(other_step)
        return super().dispatch(request, *args, **kwargs)

    def other_step(self) -> str:
        """The name of the step this user should be at instead, if not this one."""
        return ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(username=self.pending.user.get_username(), **kwargs)

    def invalid(self, form: forms.Form, message: str) -> HttpResponse:
        """The form again, with ``message`` under the code."""
        form.add_error("code", message)
        return self.form_invalid(form)


class CodeStep(PendingStep):
    """The second step: a code from the authenticator app, or a recovery code. A wrong
    code counts as a failed sign-in (django-axes), and the device itself makes each try
    after a wrong one wait longer (django-otp)."""

    template_name = "admin/two_factor/code.html"
    page_title = gettext_lazy("Enter your code")

    def other_step(self) -> str:
        return "admin:sign_in_enrol" if authenticator(self.pending.user) is None else ""

    def form_valid(self, form: Any) -> HttpResponse:
        user = self.pending.user
        if locked_out(self.request, user):
            return self.form_invalid(form)  # axes' middleware answers with its lock-out page
        try:
            device = check_code(user, form.cleaned_data["code"])
        except TooManyWrongCodes as wait:
            count_failed_code(self.request, user)
            return self.invalid(form, wait_message(wait))
        if device is None:
            count_failed_code(self.request, user)
            return self.invalid(
                form,
                _(
                    "That code is not right. Enter the code your app shows now (check that "
                    "the phone's clock is right), or one of your recovery codes."
                ),
            )
        finish_sign_in(self.request, self.pending, device)
        if isinstance(device, StaticDevice):
            left = recovery_codes_left(user)
            messages.warning(
                self.request,
                ngettext(
                    "You signed in with a recovery code, which is now used up: %(count)d "
                    "is left. Make new ones under “Recovery codes”.",
                    "You signed in with a recovery code, which is now used up: %(count)d "
                    "are left. Make new ones under “Recovery codes”.",
                    left,
                )
                % {"count": left},
            )
        return HttpResponseRedirect(self.pending.next_url or reverse("admin:index"))


class EnrolStep(PendingStep):
    """The second step for staff without an authenticator app: scan the QR code (or type
    the key), enter the code the app then shows, and get ten recovery codes."""

    template_name = "admin/two_factor/enrol.html"
    page_title = gettext_lazy("Set up your authenticator app")

    def other_step(self) -> str:
        return "admin:sign_in_code" if authenticator(self.pending.user) is not None else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        device = start_enrolment(self.pending.user)
        return super().get_context_data(
            qr_code=qr_code_svg(device), secret=typed_secret(device), **kwargs
        )

    def form_valid(self, form: Any) -> HttpResponse:
        user = self.pending.user
        device = start_enrolment(user)
        try:
            confirmed = confirm_enrolment(device, form.cleaned_data["code"])
        except TooManyWrongCodes as wait:
            return self.invalid(form, wait_message(wait))
        if not confirmed:
            return self.invalid(
                form,
                _(
                    "That code is not right. Scan the QR code again (or type the key), and "
                    "enter the six digits the app shows now."
                ),
            )
        codes = new_recovery_codes(user)
        finish_sign_in(self.request, self.pending, device)
        self.request.session[NEW_RECOVERY_CODES_SESSION_KEY] = {
            "codes": codes,
            "next": self.pending.next_url,
        }
        return redirect("admin:new_recovery_codes")


class RecoveryCodes(AdminPage, TemplateView):
    """How many recovery codes are left; a button makes ten new ones (the old ones stop
    working)."""

    template_name = "admin/two_factor/recovery_codes.html"
    page_title = gettext_lazy("Recovery codes")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            left=recovery_codes_left(self.request.user),  # type: ignore[arg-type]
            count=RECOVERY_CODE_COUNT,
            **kwargs,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        codes = new_recovery_codes(request.user)  # type: ignore[arg-type]
        request.session[NEW_RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "next": ""}
        return redirect("admin:new_recovery_codes")


class NewRecoveryCodes(AdminPage, TemplateView):
    """New recovery codes, shown once: the page takes them out of the session as it shows
    them, and going back to it shows how many are left instead."""

    template_name = "admin/two_factor/new_recovery_codes.html"
    page_title = gettext_lazy("Your recovery codes")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        shown = request.session.pop(NEW_RECOVERY_CODES_SESSION_KEY, None)
        if not isinstance(shown, dict) or not shown.get("codes"):
            return redirect("admin:recovery_codes")
        context = self.get_context_data(
            codes=shown["codes"], next_url=shown.get("next") or reverse("admin:index")
        )
        return self.render_to_response(context)


class PasswordSet(AdminPage, PasswordResetConfirmView):
    """Setting a password from the emailed link (Django's password reset token). It does not
    sign in: the new password leads to the sign-in, and so to the second factor."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("admin:password_set_done")


class PasswordSetDone(AdminPage, PasswordResetCompleteView):
    """The password is set; the way on is the sign-in."""

    template_name = "registration/password_reset_complete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "login_url": reverse("admin:login")}
