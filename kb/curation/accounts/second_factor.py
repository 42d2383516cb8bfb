"""The second factor of a staff sign-in (django-otp), and the sign-in between its two steps.

Every staff account signs in to the admin with its password and then a code: the six digits
an authenticator app shows (a TOTP device, ``django_otp.plugins.otp_totp``) or one of ten
single-use recovery codes (a static device, ``django_otp.plugins.otp_static``). A session is
verified when django-otp's session key names a confirmed device of its user
(``django_otp.login``); only a verified session counts as staff (the admin site,
``SecondFactorRequiredMiddleware`` and previews of drafts all ask ``is_verified``).

Between the password and the code, nobody is signed in: the session holds a pending
sign-in (who, and when the password was right), and only a right code signs the user in.
So the password alone never makes a session that counts as signed in, and django-axes'
"reset the failures on a successful sign-in" happens only once both factors are right: a
wrong code counts as a failed sign-in, as a wrong password does, and the right password
does not wipe that count.
"""

from __future__ import annotations

import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
# How long the code (or enrolment) step may follow the password: long enough to install an
# authenticator app, short enough that a forgotten screen does not stay half signed in.
PENDING_SECONDS = 15 * 60
PENDING_SESSION_KEY = "kb_sign_in_pending"
NEW_RECOVERY_CODES_SESSION_KEY = "kb_new_recovery_codes"
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether ``user`` (``request.user``) signed in with a second factor in this session:
    django-otp's ``OTPMiddleware`` says so; a user it never saw is not verified."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def is_verified_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    """An active staff user whose session has its second factor: who may use the admin."""
    return bool(user.is_active and getattr(user, "is_staff", False) and is_verified(user))


# --- devices ---------------------------------------------------------------------------------


def authenticator(user: User) -> TOTPDevice | None:
    """``user``'s enrolled authenticator app (a confirmed TOTP device), if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def start_enrolment(user: User) -> TOTPDevice:
    """The authenticator ``user`` is setting up: a TOTP device that is not confirmed until a
    code from the app proves the app holds its key. The same one on every visit, so that
    reloading the page does not change the QR code already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as a QR code, an SVG element to put in the page
    (dark on white, so that it scans in the admin's dark theme too)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(
        scale=4, dark="#000", light="#fff", title=_("QR code of the authenticator key")
    )


def typed_secret(device: TOTPDevice) -> str:
    """The device's key as an app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class TooManyWrongCodes(Exception):
    """django-otp refuses to check a code for now: the device saw wrong codes in a row and
    waits longer after each (1, 2, 4... seconds), whichever address they came from."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until

    @property
    def seconds(self) -> int:
        """Whole seconds left to wait, at least one."""
        return max(1, int((self.until - timezone.now()).total_seconds() + 0.999))


def normalised_code(code: str) -> str:
    """A code as typed, without the spaces or hyphens people add, in lower case (recovery
    codes are lower-case letters and digits)."""
    return "".join(code.split()).replace("-", "").lower()


def _throttle(device: Device) -> None:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        raise TooManyWrongCodes(details["locked_until"])


def check_code(user: User, code: str) -> Device | None:
    """The device that accepts ``code`` for ``user``: six digits are checked against the
    authenticator app, anything else against the recovery codes, which are used up (each
    is deleted as it is accepted). None if no device accepts it. A code is checked only
    against the kind of device it can be, so that a recovery code does not count as a
    wrong code for the app (and slow its next use down).

    Raises TooManyWrongCodes while the device waits after wrong codes."""
    code = normalised_code(code)
    if not code:
        return None
    kind: type[Device] = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        # Locked, so that two requests with one code cannot both use it.
        devices = list(kind.objects.devices_for_user(user, confirmed=True).select_for_update())
        for device in devices:
            _throttle(device)
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def confirm_enrolment(device: TOTPDevice, code: str) -> bool:
    """Confirm the authenticator ``device`` if ``code`` is one it shows now. Raises
    TooManyWrongCodes while it waits after wrong codes."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        _throttle(device)
        if not device.verify_token(normalised_code(code)):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def new_recovery_codes(user: User) -> list[str]:
    """Ten new single-use recovery codes for ``user``, replacing any left. The codes are
    returned to be shown once; the database keeps them to check against."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    """How many of ``user``'s recovery codes are unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset_second_factor(user: User) -> int:
    """Delete every device of ``user`` (the app and the recovery codes): every session they
    verified stops counting as verified at its next request, and they enrol again at their
    next sign-in. How many devices there were."""
    with transaction.atomic():
        devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
        for device in devices:
            device.delete()
    return len(devices)


# --- the sign-in between its two steps -------------------------------------------------------


@dataclass(frozen=True)
class PendingSignIn:
    """A sign-in whose password was right and whose code is still to come."""

    user: User
    backend: str
    next_url: str


def begin_sign_in(request: HttpRequest, user: User, next_url: str) -> None:
    """Remember that ``user`` gave the right password, without signing them in. Whoever was
    signed in with this session is signed out, and the session gets a new key (as a sign-in
    does), so that a session someone planted is not the one that later signs in."""
    if SESSION_KEY in request.session:
        auth.logout(request)
    else:
        request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        # Changing the password ends a pending sign-in, as it ends sessions.
        "hash": user.get_session_auth_hash(),
        "since": time.time(),
        "next": next_url,
    }


def pending_sign_in(request: HttpRequest) -> PendingSignIn | None:
    """The session's pending sign-in, if it is recent and its user may still sign in with
    the password they gave."""
    state = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(state, dict):
        return None
    if time.time() - float(state.get("since", 0)) > PENDING_SECONDS:
        abandon_sign_in(request)
        return None
    user_pk = state.get("user")
    user = (
        User.objects.filter(pk=user_pk, is_active=True, is_staff=True).first()
        if isinstance(user_pk, int)
        else None
    )
    if user is None or user.get_session_auth_hash() != state.get("hash"):
        abandon_sign_in(request)
        return None
    next_url = str(state.get("next") or "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return PendingSignIn(user=user, backend=str(state["backend"]), next_url=next_url)


def abandon_sign_in(request: HttpRequest) -> None:
    """Forget the session's pending sign-in."""
    request.session.pop(PENDING_SESSION_KEY, None)


def finish_sign_in(request: HttpRequest, pending: PendingSignIn, device: Device) -> None:
    """Sign the pending user in, verified by ``device``: Django's sign-in (a new session key;
    axes logs it and clears the failures counted), then django-otp's, which marks the session
    verified."""
    abandon_sign_in(request)
    auth.login(request, pending.user, backend=pending.backend)
    otp_login(request, device)


def locked_out(request: HttpRequest, user: User) -> bool:
    """Whether django-axes has locked ``user``'s sign-in out from this address. If so, the
    request is marked so that axes' middleware answers with its lock-out page."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.axes_credentials = credentials  # type: ignore[attr-defined]
        return True
    return False


def count_failed_code(request: HttpRequest, user: User) -> None:
    """Count a wrong code as a failed sign-in, as a wrong password is (Django's
    ``user_login_failed``, which axes counts; at the limit, axes locks the sign-in out)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
