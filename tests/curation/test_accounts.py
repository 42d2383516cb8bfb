"""Adding a contributor or reviewer in one form: an active staff user in the role's group,
who sets a password from an emailed link and then signs in with a second factor. The stock
user form refuses a role without staff status. Only superusers manage accounts."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..conftest import authenticator_code, signed_in

pytestmark = pytest.mark.django_db

ADD_EDITOR = "/admin/auth/user/add-editor/"
NEW_PASSWORD = "violet lantern harbour"


def editor_form(**changes) -> dict:
    return {
        "username": "nadia",
        "first_name": "Nadia",
        "last_name": "Haddad",
        "email": "nadia@example.org",
        "role": "Contributors",
        **changes,
    }


def link_in(message) -> str:
    """The path of the password link in an email."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_the_form_is_offered_to_superusers_on_the_users_list_and_add_page(admin_client):
    assert f'href="{ADD_EDITOR}"' in admin_client.get("/admin/auth/user/").text
    assert f'href="{ADD_EDITOR}"' in admin_client.get("/admin/auth/user/add/").text
    page = admin_client.get(ADD_EDITOR)
    assert page.status_code == 200
    for label in ("Username", "Email address", "Contributor", "Reviewer"):
        assert label in page.text


def test_a_new_contributor_is_active_staff_in_the_group_and_signs_in_from_the_emailed_link(
    admin_client,
):
    response = admin_client.post(ADD_EDITOR, editor_form())
    nadia = User.objects.get(username="nadia")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/auth/user/{nadia.pk}/change/"
    assert nadia.is_active and nadia.is_staff and not nadia.is_superuser
    assert [g.name for g in nadia.groups.all()] == ["Contributors"]
    assert not nadia.has_usable_password()
    assert (nadia.first_name, nadia.last_name, nadia.email) == (
        "Nadia",
        "Haddad",
        "nadia@example.org",
    )
    logged = LogEntry.objects.get(object_id=str(nadia.pk))
    assert logged.action_flag == ADDITION and "Contributors" in logged.get_change_message()

    [message] = mail.outbox
    assert message.to == ["nadia@example.org"]
    assert "Your user name: nadia" in message.body
    assert "authenticator app" in message.body

    # She sets her password from the link (Django's reset token, hidden from the address
    # bar by a redirect)...
    browser = Client()
    form = browser.get(link_in(message), follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/admin/password/set/done/"
    assert 'href="/admin/login/"' in browser.get(done["Location"]).text
    # ... which works once.
    assert not Client().get(link_in(message), follow=True).context["validlink"]

    # Then she signs in: the password, an authenticator app, and she is in, as a contributor.
    enrol = browser.post("/admin/login/", {"username": "nadia", "password": NEW_PASSWORD})
    assert enrol["Location"] == "/admin/sign-in/enrol/"
    browser.get(enrol["Location"])
    device = TOTPDevice.objects.get(user=nadia)
    browser.post(enrol["Location"], {"code": authenticator_code(device)})
    assert browser.get("/admin/kb/tactic/add/").status_code == 200
    assert browser.get("/admin/auth/user/").status_code == 403


def test_a_new_reviewer_is_in_the_reviewers_group(admin_client):
    admin_client.post(ADD_EDITOR, editor_form(role="Reviewers"))
    reviewer = User.objects.get(username="nadia")
    assert reviewer.is_staff
    assert [g.name for g in reviewer.groups.all()] == ["Reviewers"]
    assert reviewer.has_perm("kb.review_tactic")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "carla"}, "A user with that username already exists."),
        ({"email": "CARLA@example.org"}, "Another user has this email address"),
        ({"email": ""}, "This field is required."),
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"role": ""}, "This field is required."),
        ({"role": "Superusers"}, "Select a valid choice."),
        ({"username": "nadia haddad"}, "Enter a valid username."),
    ],
)
def test_a_form_that_cannot_be_saved_says_why_and_creates_nobody(
    admin_client, django_user_model, changes, message
):
    django_user_model.objects.create_user("carla", email="carla@example.org", is_staff=True)
    response = admin_client.post(ADD_EDITOR, editor_form(**changes))
    assert response.status_code == 200
    assert message in response.text
    assert "Please correct the error below." in response.text
    assert not User.objects.exclude(username__in=["admin", "carla"]).exists()
    assert mail.outbox == []


def test_a_mail_server_that_fails_is_said_and_the_account_stands(admin_client, settings):
    """A real SMTP connection to a port nobody listens on."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = False
    response = admin_client.post(ADD_EDITOR, editor_form(), follow=True)
    assert User.objects.filter(username="nadia", is_staff=True).exists()
    assert "could not be sent" in response.text
    assert "Email a link to set a password" in response.text


def test_a_superuser_emails_a_new_link_to_set_a_password(admin_client, django_user_model):
    carla = django_user_model.objects.create_user("carla", email="carla@example.org", is_staff=True)
    nobody = django_user_model.objects.create_user("ghost", is_staff=True)
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "email_password_link", "_selected_action": [carla.pk, nobody.pk]},
        follow=True,
    )
    assert "No email address for ghost: add one first." in response.text
    [message] = mail.outbox
    assert message.to == ["carla@example.org"]
    assert Client().get(link_in(message), follow=True).context["validlink"]


@pytest.mark.parametrize("kind", ["reviewer", "manager"])
def test_only_superusers_create_users_with_the_form(kind, reviewer, django_user_model):
    """A reviewer, and even staff allowed to add users: the form gives roles, which is a
    superuser's to do."""
    if kind == "manager":
        manager = django_user_model.objects.create_user("manager", is_staff=True)
        manager.user_permissions.add(
            *Permission.objects.filter(codename__in=["add_user", "change_user", "view_user"])
        )
        client = signed_in(manager)
        assert f'href="{ADD_EDITOR}"' not in client.get("/admin/auth/user/").text
    else:
        client = reviewer
        assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.get(ADD_EDITOR).status_code == 403
    assert client.post(ADD_EDITOR, editor_form()).status_code == 403
    assert not User.objects.filter(username="nadia").exists()
    assert mail.outbox == []


def user_change_form(user: User, **changes) -> dict:
    """The stock change form of ``user`` as a browser posts it."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **changes,
    }


def test_the_stock_user_form_refuses_a_role_without_staff_status(admin_client, django_user_model):
    carla = django_user_model.objects.create_user("carla", email="carla@example.org")
    contributors = Group.objects.get(name="Contributors")
    url = f"/admin/auth/user/{carla.pk}/change/"

    refused = admin_client.post(url, user_change_form(carla, groups=[contributors.pk]))
    assert refused.status_code == 200
    assert "Contributors sign in to the admin: tick “Staff status”" in refused.text
    assert not carla.groups.exists()

    accepted = admin_client.post(
        url, user_change_form(carla, groups=[contributors.pk], is_staff="on")
    )
    assert accepted.status_code == 302
    carla.refresh_from_db()
    assert carla.is_staff and list(carla.groups.all()) == [contributors]


def test_the_users_list_says_who_has_an_authenticator(admin_client, django_user_model):
    carla = django_user_model.objects.create_user("carla", is_staff=True)
    signed_in(carla)  # enrolled
    django_user_model.objects.create_user("nadia", is_staff=True)
    page = admin_client.get("/admin/auth/user/").text
    assert "Authenticator app" in page
    rows = {
        name: row
        for name, row in re.findall(r"<tr>.*?>(carla|nadia)</a>(.*?)</tr>", page, flags=re.S)
    }
    assert 'alt="True"' in rows["carla"] and 'alt="False"' in rows["nadia"]
