"""Management commands used by `make run`."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_demo_admin_is_created_once_with_a_printed_random_password(settings, capsys):
    settings.DEBUG = True
    call_command("demo_admin")
    output = capsys.readouterr().out
    password = re.search(r"password '([^']+)'", output).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)

    call_command("demo_admin")
    second = capsys.readouterr().out
    assert "password '" not in second
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_demo_admin_passwords_differ_between_databases(settings, capsys):
    settings.DEBUG = True
    call_command("demo_admin")
    first = re.search(r"password '([^']+)'", capsys.readouterr().out).group(1)
    get_user_model().objects.all().delete()
    call_command("demo_admin")
    second = re.search(r"password '([^']+)'", capsys.readouterr().out).group(1)
    assert first != second and len(first) >= 16


def test_demo_admin_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development only"):
        call_command("demo_admin")
    assert not get_user_model().objects.exists()
