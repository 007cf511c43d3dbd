"""Two-factor sign-in for staff (django-otp, TOTP): enrolment and the DPO's reset.

After the password, a staff member enters the 6-digit code of their authenticator app; until then
staff pages redirect to that step and the API refuses their browser session (whether a session still
owes the step is the kernel's to say: `core.access`). The first time, the enrolment page shows a QR
code (SVG drawn on the server, no script) and the otpauth URI. Customers and API tokens are not
asked: tokens belong to machines. STAFF_2FA_REQUIRED=false turns it off (demo).
"""
from __future__ import annotations

import segno
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from core.actors import actor_for_user


def enrolment_device(user) -> TOTPDevice:
    """The one unconfirmed device being set up for this user (kept across reloads of the page)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(uri: str) -> str:
    # segno emits plain SVG with presentation attributes only (no style attribute), CSP-safe.
    return mark_safe(segno.make(uri, error="m").svg_inline(scale=5, dark="#111", border=2))  # noqa: S308 (generated markup)


def otp_device_confirm(*, user, device: TOTPDevice) -> TOTPDevice:
    """The first correct code confirms the device; any older devices of the user are removed."""
    with transaction.atomic(durable=True):
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(action="core.otp.enrolled", actor=actor_for_user(user), target=user,
                     data={"device": device.persistent_id})
    return device


def otp_devices_reset(*, actor, user) -> int:
    """The DPO removes a staff member's authenticator (lost phone): they enrol again at next sign-in."""
    with transaction.atomic(durable=True):
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        audit_record(action="core.otp.reset", actor=actor, target=user, data={"devices_removed": removed})
    return removed
