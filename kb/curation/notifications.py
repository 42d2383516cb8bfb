"""Email to the people curation concerns: reviewers when something awaits review,
contributors when what they sent is published or sent back.

Mail goes through Django's email framework (settings.EMAIL_*): the console in development,
SMTP in production, the test outbox in tests. A mail server that is down never loses an
editor's work: the change is committed before anyone is told about it, and a failure to
send is logged, not raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q

logger = logging.getLogger(__name__)

REVIEWERS_GROUP = "Reviewers"


def reviewers() -> list[User]:
    """Active staff who review: members of the Reviewers group, and superusers."""
    return list(
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=REVIEWERS_GROUP) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
    )


def notify(recipients: Iterable[User | None], subject: str, body: str) -> None:
    """Send ``subject`` and ``body`` to each recipient with an email address, one message
    each (nobody sees the others' addresses), once the current transaction commits."""
    addresses = sorted({user.email for user in recipients if user is not None and user.email})
    if not addresses:
        return
    prefix = f"[{settings.KB_SITE_NAME}] "
    messages = [(prefix + subject, body, None, [address]) for address in addresses]

    def send() -> None:
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # a mail server's failure must not undo or hide the editor's work
            logger.exception("Could not send “%s” to %d people", subject, len(addresses))

    transaction.on_commit(send)


def notify_reviewers(subject: str, body: str, *, besides: User | None = None) -> None:
    """Tell every reviewer (except ``besides``, who did the thing) about ``subject``."""
    notify([user for user in reviewers() if user != besides], subject, body)
