"""Two-factor sign-in for staff (django-otp, TOTP): enrolment and the DPO's reset.

After the password, a staff member enters the 6-digit code of their authenticator app; until then
staff pages redirect to that step and the API refuses their browser session (whether a session still
owes the step is the kernel's to say: `core.access`). The first time, the enrolment page shows a QR
code (SVG drawn on the server, no script) and the otpauth URI. Customers and API tokens are not
asked: tokens belong to machines. STAFF_2FA_REQUIRED=false turns it off (demo). Nothing is stored
until the first right code: the page's secret waits in the session (`enrolment_key`).
"""
from __future__ import annotations

import time

import segno
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from audit.services import audit_record
from core.actors import actor_for_user
from core.errors import Conflict, PermissionDenied

# The secret of the authenticator being set up waits in the session, not the database, until the first
# right code: showing the page stores nothing, and a reload shows the same secret.
ENROLMENT_KEY_SESSION = "accounts.otp_enrolment_key"
DEVICE_NAME = "authenticator"


def enrolment_key(session) -> str:
    """The hex secret the enrolment page shows this session, made on its first showing."""
    if not session.get(ENROLMENT_KEY_SESSION):
        session[ENROLMENT_KEY_SESSION] = random_hex(20)
    return session[ENROLMENT_KEY_SESSION]


def enrolment_device(user, key: str) -> TOTPDevice:
    """The device the page describes (QR code, setup link), not stored."""
    return TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=False)


def qr_svg(uri: str) -> str:
    # segno emits plain SVG with presentation attributes only (no style attribute), CSP-safe.
    return mark_safe(segno.make(uri, error="m").svg_inline(scale=5, dark="#111", border=2))  # noqa: S308 (generated markup)


def otp_device_enrol(*, user, key: str, token: str) -> TOTPDevice | None:
    """Store the authenticator set up with `key` when `token` is its code now (None when not): the
    user's one confirmed device, any unconfirmed ones removed. A user who already has a confirmed
    device is refused: replacing it is the DPO's reset."""
    device = enrolment_device(user, key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not (token.strip().isdigit() and totp.verify(int(token), device.tolerance)):
        return None
    with transaction.atomic(durable=True):
        get_user_model().objects.select_for_update().get(pk=user.pk)  # one enrolment at a time
        if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            raise PermissionDenied(_("Two-factor sign-in is already set up: the DPO resets it."))
        TOTPDevice.objects.filter(user=user).delete()
        device.confirmed, device.last_t = True, totp.t()
        device.save()
        audit_record(action="core.otp.enrolled", actor=actor_for_user(user), target=user,
                     data={"device": device.persistent_id})
    return device


def otp_devices_reset(*, actor, user) -> int:
    """The DPO removes a staff member's authenticator (lost phone): they enrol again at next sign-in.
    Never their own: whoever holds a DPO's open session could otherwise drop the DPO's second factor
    and enrol their own authenticator; another DPO resets it (as for a role, `user_role_set`)."""
    if actor.user_id == user.pk:
        raise Conflict(_("You cannot reset your own two-factor sign-in: ask another DPO."))
    with transaction.atomic(durable=True):
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        audit_record(action="core.otp.reset", actor=actor, target=user, data={"devices_removed": removed})
    return removed
