"""Users in the admin: the form that adds a contributor or reviewer, resetting a lost
second factor, emailing a link to set a password, and a user form that refuses a role
without staff status (which would leave the user unable to sign in, silently)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kb.curation.accounts.editors import ROLES, EditorAccountForm, send_password_link
from kb.curation.accounts.second_factor import reset_second_factor

logger = logging.getLogger(__name__)


class RoleNeedsStaffForm(UserChangeForm):
    """Django's user form, refusing a role (Contributors, Reviewers) without "Staff status":
    such a user could not sign in to the admin, and nothing would say why."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        groups = cleaned.get("groups")
        if groups is not None and "is_staff" in self.fields and not cleaned.get("is_staff"):
            roles = sorted(group.name for group in groups if group.name in ROLES)
            if roles:
                self.add_error(
                    "is_staff",
                    _(
                        "%(roles)s sign in to the admin: tick “Staff status”, or take the "
                        "user out of the group."
                    )
                    % {"roles": ", ".join(roles)},
                )
        return cleaned


class EditorsUserAdmin(UserAdmin):
    """Django's user admin, with the editors' form and the second factor's reset. Managing
    accounts is for superusers (``has_manage_accounts_permission``)."""

    form = RoleNeedsStaffForm
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "has_authenticator")
    actions = ["reset_second_factor", "email_password_link"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_authenticator=Exists(enrolled))

    @admin.display(boolean=True, description=gettext_lazy("Authenticator app"))
    def has_authenticator(self, user: User) -> bool:
        return bool(getattr(user, "has_authenticator", False))

    def has_manage_accounts_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    @admin.action(
        permissions=["manage_accounts"],
        description=gettext_lazy("Reset two-factor sign-in (lost phone)"),
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Delete the selected users' authenticator apps and recovery codes: their sessions
        stop counting as signed in, and each enrols a new app at their next sign-in."""
        for user in queryset:
            reset_second_factor(user)
            self.log_change(
                request,
                user,
                _("Reset two-factor sign-in: enrols an authenticator app at the next sign-in."),
            )
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(count)d user: they set up an authenticator "
                "app again at their next sign-in.",
                "Two-factor sign-in reset for %(count)d users: they set up an authenticator "
                "app again at their next sign-in.",
                len(queryset),
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(
        permissions=["manage_accounts"],
        description=gettext_lazy("Email a link to set a password"),
    )
    def email_password_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Email each selected user a link to set their password (a lost or expired one)."""
        for user in queryset:
            if not user.email:
                self.message_user(
                    request,
                    _("No email address for %(user)s: add one first.") % {"user": user},
                    messages.WARNING,
                )
                continue
            if self.mailed(request, user, new_account=False):
                self.log_change(request, user, _("Emailed a link to set a password."))
                self.message_user(
                    request,
                    _("A link to set a password was emailed to %(email)s.") % {"email": user.email},
                    messages.SUCCESS,
                )

    def mailed(self, request: HttpRequest, user: User, *, new_account: bool) -> bool:
        """Email ``user`` their password link; a mail server's failure is said, not raised."""
        try:
            send_password_link(request, user, new_account=new_account)
        except Exception:  # whatever the mail server's failure, say so; the account stands
            logger.exception("Could not email a password link to user %s", user.pk)
            self.message_user(
                request,
                _(
                    "The email to %(email)s could not be sent. Check the mail settings, then "
                    "use the action “Email a link to set a password” on %(user)s."
                )
                % {"email": user.email, "user": user},
                messages.ERROR,
            )
            return False
        return True

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "add-editor/",
                self.admin_site.admin_view(self.add_editor_view),
                name="auth_user_add_editor",
            ),
            *super().get_urls(),
        ]

    def add_editor_view(self, request: HttpRequest) -> HttpResponse:
        """Add a contributor or reviewer: an active staff user in the role's group, who sets
        their password from an emailed link. Superusers only."""
        if not self.has_manage_accounts_permission(request):
            raise PermissionDenied
        form = EditorAccountForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = form.save()
            role = form.cleaned_data["role"].name
            self.log_addition(
                request,
                user,
                _("Added as one of the %(role)s, with staff status.") % {"role": role},
            )
            if self.mailed(request, user, new_account=True):
                self.message_user(
                    request,
                    _(
                        "%(user)s was added to %(role)s. A link to set a password was emailed "
                        "to %(email)s; after it, they set up an authenticator app at their "
                        "first sign-in."
                    )
                    % {"user": user, "role": role, "email": user.email},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:auth_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add contributor or reviewer"),
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/auth/user/add_editor.html", context)


# Devices are made by enrolling and removed by the reset above, never edited by hand:
# django-otp's own admin pages would show every user's secret key to superusers.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, EditorsUserAdmin)
