"""Reset a user's second factor from the server, for when no superuser can sign in to do it."""

import logging

from django.contrib.auth.models import User
from django.core.management import BaseCommand, CommandError

from kb.curation.accounts.second_factor import reset_second_factor

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Delete a user's authenticator app and recovery codes (a lost phone): they set up an "
        "app again at their next sign-in. Superusers do the same from the admin's user list; "
        "this is for the last superuser, who cannot sign in to do it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="The user whose second factor is reset.")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        removed = reset_second_factor(user)
        # No admin did it, so the admin's log (which names one) does not record it: the
        # server's log does.
        logger.warning("Two-factor sign-in of %s reset from the command line", username)
        self.stdout.write(
            f"Removed {removed} device(s) of {username}: at their next sign-in, after the "
            "password, they set up an authenticator app and get new recovery codes."
        )
