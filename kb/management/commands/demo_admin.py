"""Create a local-only demo administrator with a fresh random password, printed once."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

DEMO_USERNAME = "admin"
SECOND_FACTOR = (
    "After the password, the admin asks for a code from an authenticator app: at the first "
    "sign-in it shows a QR code (and the key, to type in) to set one up, then ten recovery "
    "codes. Lost it? `.venv/bin/python manage.py reset_two_factor NAME`."
)


class Command(BaseCommand):
    help = "With DEBUG on, create an 'admin' superuser if there is none; print how to log in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the site runs.")

    def handle(self, *args, url: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo admin is for local development only (DEBUG is off).")
        users = get_user_model().objects
        admin_url = f"{url.rstrip('/')}/admin/"
        if users.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Admin: {admin_url} (log in with your superuser; reset a password with "
                "`.venv/bin/python manage.py changepassword NAME`)"
            )
            self.stdout.write(SECOND_FACTOR)
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(DEMO_USERNAME, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {admin_url} user '{DEMO_USERNAME}', password '{password}' "
                "(local demo account, created now; this password is shown only once)"
            )
        )
        self.stdout.write(SECOND_FACTOR)
