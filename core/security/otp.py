"""Two-factor sign-in for staff (django-otp, TOTP).

After the password, a staff member enters the 6-digit code of their authenticator app; until then
staff pages redirect to that step and the API refuses their browser session. The first time, the
enrolment page shows a QR code (SVG drawn on the server, no script) and the otpauth URI. Customers and
API tokens are not asked: tokens belong to machines. STAFF_2FA_REQUIRED=false turns it off (demo).
"""
from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from core.actors import actor_for_user
from core.roles import is_staff_user


def second_factor_required(user) -> bool:
    return bool(settings.STAFF_2FA_REQUIRED) and user.is_authenticated and is_staff_user(user)


def second_factor_missing(user) -> bool:
    """True for a staff user whose session has not passed the TOTP step (when it is required)."""
    if not second_factor_required(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def otp_step_url(name: str, next_url: str) -> str:
    """The URL of a two-factor page (`core:otp_verify`, `core:otp_enrol`) that returns to `next_url`."""
    return f"{reverse(name)}?{urlencode({'next': next_url})}" if next_url else reverse(name)


def second_factor_url(user, next_url: str) -> str:
    """Where a staff user goes after the password: the code step, or enrolment the first time."""
    return otp_step_url("core:otp_verify" if has_confirmed_device(user) else "core:otp_enrol", next_url)


def second_factor_redirect(request):
    return redirect(second_factor_url(request.user, request.get_full_path()))


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
