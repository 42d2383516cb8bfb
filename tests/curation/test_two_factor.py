"""Every staff sign-in takes a second factor: the password, then a code from an authenticator
app or a single-use recovery code. No admin page answers a password alone; wrong codes
count as failed sign-ins; superusers reset a lost phone."""

from __future__ import annotations

import re
import time
from base64 import b32encode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kb.curation.accounts.second_factor import (
    PENDING_SESSION_KEY,
    RECOVERY_CODE_COUNT,
    new_recovery_codes,
)
from kb.curation.accounts.site import OPEN_PAGES
from kb.models import Status

from ..conftest import authenticator, authenticator_code, signed_in
from ..factories import make_tactic

pytestmark = pytest.mark.django_db

PASSWORD = "a long pass phrase"
ADDRESS = "203.0.113.5"
CODE_STEP = "/admin/sign-in/code/"
ENROL_STEP = "/admin/sign-in/enrol/"


@pytest.fixture
def carla(django_user_model):
    """A contributor with an authenticator app."""
    user = django_user_model.objects.create_user("carla", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Contributors"))
    authenticator(user)
    return user


@pytest.fixture
def newcomer(django_user_model):
    """A contributor who has never signed in: no authenticator app yet."""
    user = django_user_model.objects.create_user("nadia", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Contributors"))
    return user


def give_password(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    """The first step of signing in, as the admin's login form posts it."""
    return client.post(
        "/admin/login/" + (f"?next={next_url}" if next_url else ""),
        {"username": username, "password": password, "next": next_url or "/admin/"},
        REMOTE_ADDR=ADDRESS,
    )


def give_code(client: Client, code: str):
    return client.post(CODE_STEP, {"code": code}, REMOTE_ADDR=ADDRESS)


def failures(username: str) -> int:
    """Failed sign-ins django-axes has counted for ``username``."""
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=username))


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


def wrong_code(device: TOTPDevice) -> str:
    """Six digits the app does not show now."""
    return f"{(int(authenticator_code(device)) + 1) % 1_000_000:06d}"


def wait_out_the_throttle(user) -> None:
    """Let the time django-otp makes a device wait after a wrong code pass (1 second after
    the first), as the row records it: the moment of the last wrong code."""
    a_while_ago = timezone.now() - timedelta(minutes=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=a_while_ago)


# --- no admin page with a password alone -----------------------------------------------------


def _route(pattern) -> str:
    """An address matching one URL pattern, with "1" for every parameter."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?\w+>", "1", str(pattern))
    text = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")

    def one_value(group: re.Match) -> str:
        choices = group.group(1)
        return choices.split("|")[0] if "|" in choices else "1"

    return re.sub(r"\((?:\?P<\w+>)?([^)]*)\)", one_value, text)


def admin_addresses() -> list[str]:
    """Every address of the URL table under /admin/ (the admin site's own pages, each
    registered model's, and anything added there since), but the sign-in's own pages."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            route = prefix + _route(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif not (namespace == "admin" and pattern.name in OPEN_PAGES):
                yield "/" + route

    return sorted({a for a in walk(get_resolver().url_patterns, "", "") if a.startswith("/admin")})


def test_the_list_of_admin_addresses_is_complete_enough_to_mean_something():
    addresses = admin_addresses()
    for expected in (
        "/admin/",
        "/admin/kb/tactic/",
        "/admin/kb/tactic/1/change/",
        "/admin/kb/tactic/1/history/",
        "/admin/auth/user/add-editor/",
        "/admin/two-factor/recovery-codes/",
        "/admin/jsi18n/",
    ):
        assert expected in addresses
    assert "/admin/login/" not in addresses and CODE_STEP not in addresses


def test_no_admin_page_answers_a_password_alone(carla, django_user_model):
    """Two sessions with a password and no second factor: one that gave the right password
    at the sign-in and stopped there, and one signed in by any other path (Django's
    ``login``, as ``force_login`` does) that never gave a code. Every address under /admin/
    sends both to the sign-in."""
    tactic = make_tactic("Lantern", status=Status.DRAFT)
    password_given = Client()
    assert give_password(password_given, "carla").status_code == 302
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    authenticator(superuser)
    no_code = Client()
    no_code.force_login(superuser)

    reached = []
    for address in admin_addresses():
        for who, client in (("password given", password_given), ("signed in, no code", no_code)):
            for method in (client.get, client.post):
                response = method(address.replace("/1/", f"/{tactic.pk}/"))
                if not sent_to_sign_in(response):
                    reached.append(f"{method.__name__.upper()} {address} ({who}): {response}")
    assert reached == []


@pytest.mark.parametrize(
    "address",
    [
        "/admin/",
        "/admin/kb/tactic/",
        "/admin/kb/tactic/{pk}/change/",
        "/admin/kb/tactic/{pk}/history/",
    ],
)
def test_the_same_pages_answer_once_the_code_is_given(admin_client, address):
    tactic = make_tactic("Lantern", status=Status.DRAFT)
    assert admin_client.get(address.format(pk=tactic.pk)).status_code == 200


def test_a_staff_session_without_its_code_previews_no_draft(django_user_model):
    """Previews of drafts on the public site are for staff signed in with both factors; a
    session with the password alone is an anonymous reader there."""
    draft = make_tactic("Lantern", status=Status.DRAFT)
    user = django_user_model.objects.create_user("previewer", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_tactic"))
    no_code = Client()
    no_code.force_login(user)
    assert no_code.get(draft.get_absolute_url()).status_code == 404
    assert signed_in(user).get(draft.get_absolute_url()).status_code == 200


# --- the code ---------------------------------------------------------------------------------


def test_the_right_password_signs_nobody_in_but_leads_to_the_code(carla):
    client = Client()
    response = give_password(client, "carla")
    assert response.status_code == 302 and response["Location"] == CODE_STEP
    assert SESSION_KEY not in client.session
    page = client.get(CODE_STEP)
    assert page.status_code == 200 and "Signing in as <strong>carla</strong>" in page.text
    assert "no-store" in page["Cache-Control"]


def test_a_code_from_the_app_signs_in_and_goes_where_the_user_was_going(carla):
    client = Client()
    give_password(client, "carla", next_url="/admin/kb/tactic/")
    response = give_code(client, authenticator_code(authenticator(carla)))
    assert response.status_code == 302 and response["Location"] == "/admin/kb/tactic/"
    assert client.session[SESSION_KEY] == str(carla.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == authenticator(carla).persistent_id
    assert client.get("/admin/kb/tactic/").status_code == 200


def test_a_password_given_in_a_signed_in_browser_signs_its_user_out(carla, admin_user):
    client = signed_in(admin_user)
    assert give_password(client, "carla")["Location"] == CODE_STEP
    assert SESSION_KEY not in client.session and DEVICE_ID_SESSION_KEY not in client.session
    assert sent_to_sign_in(client.get("/admin/"))


def test_a_code_signs_in_once(carla):
    code = authenticator_code(authenticator(carla))
    first, second = Client(), Client()
    give_password(first, "carla")
    assert give_code(first, code)["Location"] == "/admin/"
    give_password(second, "carla")
    refused = give_code(second, code)
    assert refused.status_code == 200 and "That code is not right" in refused.text
    assert SESSION_KEY not in second.session


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(carla):
    client = Client()
    give_password(client, "carla")
    assert failures("carla") == 0
    response = give_code(client, wrong_code(authenticator(carla)))
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert failures("carla") == 1
    assert SESSION_KEY not in client.session


def test_wrong_codes_lock_the_sign_in_out_like_wrong_passwords(carla):
    client = Client()
    give_password(client, "carla")
    right, wrong = authenticator_code(authenticator(carla)), wrong_code(authenticator(carla))
    responses = [give_code(client, wrong) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    # Locked out: the right code, and the right password, no longer sign in from here.
    assert give_code(client, right).status_code == 429
    assert give_password(Client(), "carla").status_code == 429
    assert SESSION_KEY not in client.session


def test_giving_the_password_again_does_not_clear_the_wrong_codes(carla):
    """Otherwise anyone with the password could guess codes for ever, a few at a time."""
    wrong = wrong_code(authenticator(carla))
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        give_password(client, "carla")
        give_code(client, wrong)
    assert give_password(client, "carla").status_code == 302  # the password is right...
    assert give_code(client, wrong).status_code == 429  # ...but the count went on


def test_after_a_wrong_code_the_app_waits_before_taking_another(carla):
    """django-otp's throttle, per device whatever the address: a guess right after a wrong
    one is refused unchecked; once the wait is over, the right code signs in."""
    device = authenticator(carla)
    client = Client()
    give_password(client, "carla")
    right = authenticator_code(device)
    give_code(client, wrong_code(device))
    too_soon = give_code(client, right)
    assert "Too many wrong codes in a row: wait 1 second" in too_soon.text
    assert SESSION_KEY not in client.session
    wait_out_the_throttle(carla)
    assert give_code(client, right)["Location"] == "/admin/"


def test_the_code_step_needs_the_password_first_and_not_too_long_ago(carla):
    client = Client()
    assert client.get(CODE_STEP)["Location"] == "/admin/login/"
    give_password(client, "carla")
    session = client.session
    session[PENDING_SESSION_KEY] = {**session[PENDING_SESSION_KEY], "since": time.time() - 3600}
    session.save()
    response = give_code(client, authenticator_code(authenticator(carla)))
    assert response["Location"] == "/admin/login/"
    assert SESSION_KEY not in client.session


def test_a_password_changed_meanwhile_ends_the_sign_in(carla):
    client = Client()
    give_password(client, "carla")
    carla.set_password("another long pass phrase")
    carla.save()
    assert (
        give_code(client, authenticator_code(authenticator(carla)))["Location"] == "/admin/login/"
    )


# --- enrolling an authenticator app -----------------------------------------------------------


def test_staff_without_an_app_set_one_up_after_the_password_and_get_recovery_codes(newcomer):
    client = Client()
    response = give_password(client, "nadia")
    assert response["Location"] == ENROL_STEP
    assert client.get(CODE_STEP)["Location"] == ENROL_STEP
    page = client.get(ENROL_STEP)
    device = TOTPDevice.objects.get(user=newcomer)
    assert not device.confirmed
    # The QR code, drawn on the server, and the key for typing in, in groups of four.
    assert '<svg width="' in page.text and "QR code of the authenticator key" in page.text
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text
    assert device.config_url.startswith("otpauth://totp/")
    assert "issuer=" in device.config_url and "nadia" in device.config_url
    # Reloading shows the same key (the app may have scanned it already).
    client.get(ENROL_STEP)
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1

    wrong = client.post(ENROL_STEP, {"code": "12345"}, REMOTE_ADDR=ADDRESS)
    assert "That code is not right" in wrong.text
    assert SESSION_KEY not in client.session
    device.refresh_from_db()
    assert not device.confirmed
    wait_out_the_throttle(newcomer)

    enrolled = client.post(ENROL_STEP, {"code": authenticator_code(device)}, REMOTE_ADDR=ADDRESS)
    assert enrolled["Location"] == "/admin/two-factor/recovery-codes/new/"
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(enrolled["Location"])
    codes = re.findall(r"<li><code>(\w+)</code></li>", shown.text)
    assert len(codes) == RECOVERY_CODE_COUNT
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    # Shown once: back on that page, only the count.
    again = client.get("/admin/two-factor/recovery-codes/new/", follow=True)
    assert not re.findall(r"<li><code>", again.text)
    assert f"You have {RECOVERY_CODE_COUNT} unused recovery codes" in again.text
    assert client.get("/admin/").status_code == 200


# --- recovery codes ---------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_in_place_of_the_app(carla):
    codes = new_recovery_codes(carla)
    client = Client()
    give_password(client, "carla")
    # As people type them: capitals, a space.
    response = give_code(client, f"{codes[0][:4].upper()} {codes[0][4:].upper()}")
    assert response["Location"] == "/admin/"
    notice = client.get("/admin/").text
    assert f"{RECOVERY_CODE_COUNT - 1} are left" in notice
    left = f"You have {RECOVERY_CODE_COUNT - 1} unused recovery codes"
    assert left in client.get("/admin/two-factor/recovery-codes/").text

    again = Client()
    give_password(again, "carla")
    refused = give_code(again, codes[0])
    assert "That code is not right" in refused.text
    assert failures("carla") == 1
    wait_out_the_throttle(carla)
    assert give_code(again, codes[1])["Location"] == "/admin/"


def test_new_recovery_codes_replace_the_old_ones(carla):
    old = new_recovery_codes(carla)
    client = signed_in(carla)
    response = client.post("/admin/two-factor/recovery-codes/")
    assert response["Location"] == "/admin/two-factor/recovery-codes/new/"
    new = re.findall(r"<li><code>(\w+)</code></li>", client.get(response["Location"]).text)
    assert len(new) == RECOVERY_CODE_COUNT and not set(new) & set(old)
    other = Client()
    give_password(other, "carla")
    assert "That code is not right" in give_code(other, old[0]).text
    wait_out_the_throttle(carla)
    assert give_code(other, new[0])["Location"] == "/admin/"


def test_the_recovery_codes_page_is_linked_from_every_admin_page(admin_client):
    assert 'href="/admin/two-factor/recovery-codes/"' in admin_client.get("/admin/").text


# --- a lost phone -----------------------------------------------------------------------------


def reset(client: Client, *users):
    return client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [u.pk for u in users]},
    )


def test_a_superuser_resets_a_lost_phone_and_the_user_enrols_again(admin_client, carla):
    new_recovery_codes(carla)
    carla_session = signed_in(carla)
    assert carla_session.get("/admin/").status_code == 200

    assert reset(admin_client, carla).status_code == 302
    assert not TOTPDevice.objects.filter(user=carla).exists()
    assert not StaticToken.objects.filter(device__user=carla).exists()
    entry = LogEntry.objects.get(object_id=str(carla.pk))
    assert "Reset two-factor sign-in" in entry.get_change_message()
    assert entry.user.username == "admin"

    # Her session no longer counts; at her next sign-in, she sets up an app again.
    assert sent_to_sign_in(carla_session.get("/admin/"))
    assert give_password(Client(), "carla")["Location"] == ENROL_STEP


def test_a_superuser_resetting_their_own_phone_loses_the_admin_until_they_enrol(
    admin_client, admin_user
):
    assert reset(admin_client, admin_user).status_code == 302
    assert sent_to_sign_in(admin_client.get("/admin/"))
    assert sent_to_sign_in(admin_client.get("/admin/auth/user/"))
    response = admin_client.post(
        "/admin/login/", {"username": "admin", "password": "password"}, REMOTE_ADDR=ADDRESS
    )
    assert response["Location"] == ENROL_STEP


def test_only_superusers_reset_a_second_factor(carla, django_user_model):
    """Even staff allowed to change users: resetting is a superuser's action."""
    manager = django_user_model.objects.create_user("manager", password=PASSWORD, is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client = signed_in(manager)
    assert 'value="reset_second_factor"' not in client.get("/admin/auth/user/").text
    reset(client, carla)
    assert TOTPDevice.objects.filter(user=carla).exists()
