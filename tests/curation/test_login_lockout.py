"""Failed admin logins are counted, and repeated failures lock the sign-in out. (Wrong
second-factor codes count too: tests/curation/test_two_factor.py.)"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ..conftest import authenticator, authenticator_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    """Staff with an authenticator app: the right password leads to the code."""
    user = django_user_model.objects.create_user("editor", password="correct horse", is_staff=True)
    authenticator(user)
    return user


def sign_in(client: Client, password: str, address: str = "203.0.113.5"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password},
        REMOTE_ADDR=address,
    )


def test_repeated_failures_lock_the_sign_in_out_even_with_the_right_password(editor):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with an error
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert "15 minutes" in locked.text

    response = sign_in(client, "correct horse")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_for_that_user_from_that_address_only(editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "wrong", address="203.0.113.5")
    # The editor, from their own address, can still sign in (on to the code).
    response = sign_in(Client(), "correct horse", address="198.51.100.7")
    assert response.status_code == 302 and response["Location"] == "/admin/sign-in/code/"


def test_a_success_before_the_limit_clears_the_count(editor):
    """A success is the whole sign-in: the password and then the code."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "correct horse").status_code == 302
    code = authenticator_code(authenticator(editor))
    signed_in = client.post("/admin/sign-in/code/", {"code": code}, REMOTE_ADDR="203.0.113.5")
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    client.post("/admin/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "correct horse").status_code == 302


def test_one_address_trying_many_user_names_is_locked_out(editor):
    """Guessing across names from one address: each pair stays under its own limit, the
    address reaches its limit, and then not even a right password signs in from it."""
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        Client().post(
            "/admin/login/?next=/admin/",
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )
    assert sign_in(Client(), "correct horse", address="203.0.113.9").status_code == 429
    # Another address is not affected.
    assert sign_in(Client(), "correct horse", address="198.51.100.7").status_code == 302


def test_an_address_below_its_limit_is_not_locked_out(editor):
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        Client().post(
            "/admin/login/?next=/admin/",
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )
    assert sign_in(Client(), "correct horse", address="203.0.113.9").status_code == 302
