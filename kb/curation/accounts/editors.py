"""Editors' accounts: a contributor or reviewer is an active staff user in that role's group
(migration 0008), who sets their own password from an emailed link."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

# The editorial roles, by the name of their group.
ROLES = {
    "Contributors": _("Contributor: writes drafts and sends them to review"),
    "Reviewers": _("Reviewer: also publishes, returns to draft, retires and deletes"),
}


class EditorAccountForm(forms.ModelForm):
    """A new contributor or reviewer: who they are, their email address (where the link to
    set their password goes) and their role."""

    role = forms.ChoiceField(label=_("Role"), choices=ROLES.items(), widget=forms.RadioSelect)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The link to set a password is sent here.")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Another user has this email address; each editor needs their own."),
                code="duplicate_email",
            )
        return email

    def clean_role(self) -> Group:
        name = self.cleaned_data["role"]
        group = Group.objects.filter(name=name).first()
        if group is None:
            raise forms.ValidationError(
                _("The group “%(name)s” does not exist: run the migrations (0008 makes it)."),
                params={"name": name},
                code="missing_group",
            )
        return group

    @transaction.atomic
    def save(self, commit: bool = True) -> User:
        """Create the user: active, staff, in the role's group, with no password until they
        set one from the link."""
        user = super().save(commit=False)
        user.is_active = True
        user.is_staff = True
        user.set_unusable_password()
        user.save()
        user.groups.add(self.cleaned_data["role"])
        return user


def password_link(request: HttpRequest, user: User) -> str:
    """An address where ``user`` sets a new password: Django's password reset token, which
    stops working once the password changes or they sign in, or after
    ``PASSWORD_RESET_TIMEOUT``."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return request.build_absolute_uri(reverse("admin:password_set", args=[uid, token]))


def send_password_link(request: HttpRequest, user: User, *, new_account: bool) -> None:
    """Email ``user`` the link to set their password (Django's email framework). Raises
    whatever the mail server's failure raises: the caller says so to the superuser."""
    context = {
        "user": user,
        "link": password_link(request, user),
        "site_name": settings.KB_SITE_NAME,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)),
        "new_account": new_account,
        "roles": [str(ROLES.get(group.name, group.name)) for group in user.groups.all()],
    }
    subject = render_to_string("admin/accounts/password_link_subject.txt", context)
    body = render_to_string("admin/accounts/password_link_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email], fail_silently=False)
