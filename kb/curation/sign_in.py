"""Locking out guessed sign-ins (django-axes), per user name and address, and per address.

Axes counts failures for each set of ``AXES_LOCKOUT_PARAMETERS`` and compares the largest
count with one limit. kb wants two limits: a few failures for one user name from one
address (``AXES_FAILURE_LIMIT``; counting the pair keeps a stranger from locking an editor
out everywhere by guessing at their name), and more for one address whatever the names it
tries (``AXES_ADDRESS_FAILURE_LIMIT``), since an office's editors may share an address but
one address trying many names is guessing. The handler scales the address's count onto the
pair's limit, so that axes' single comparison applies both.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class PairAndAddressLimits(AxesDatabaseHandler):
    """Axes' database handler, with a limit of its own for failures from one address (the
    second set of ``AXES_LOCKOUT_PARAMETERS``)."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # At least the pair's limit exactly when the address reaches its own.
        scaled = address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(pair, scaled)
