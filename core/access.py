"""Page access: staff pages by permission (after the staff second factor, when it is required),
self-service pages for the logged-in customer only.

Part of the kernel because every app's pages use it, the audit trail's included."""
from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role, is_staff_user, user_role
from core.sent_from import same_site_referer


def found_or_404(found):
    """What a page's selector found, or the 404 answer when it found nothing."""
    if found is None:
        raise Http404
    return found


def subject_for_user(user) -> Any:
    """The data subject a customer login stands for, or None for staff and clients."""
    account = getattr(user, "customer_account", None)
    return account.subject if account is not None else None


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
    """The URL of a two-factor page (`accounts:otp_verify`, `accounts:otp_enrol`) returning to
    `next_url`."""
    return f"{reverse(name)}?{urlencode({'next': next_url})}" if next_url else reverse(name)


def second_factor_url(user, next_url: str) -> str:
    """Where a staff user goes after the password: the code step, or enrolment the first time."""
    step = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_enrol"
    return otp_step_url(step, next_url)


def sign_in_redirect(request, *, home: str):
    """To the sign-in page, coming back to the page afterwards.

    A form sent signed out (the session ended while it was open) was not acted on, and its action
    often takes POST only: the browser's GET there after signing in would meet a bare 405. So the way
    back is the page the form was on (or the area's `home`), and the person is told to send it again.
    """
    if request.method in ("GET", "HEAD"):
        return redirect_to_login(request.get_full_path())
    messages.warning(request, _("You were not signed in, so what you sent was not recorded. "
                                "Sign in, then do it again."))
    return redirect_to_login(same_site_referer(request) or reverse(home))


def second_factor_redirect(request):
    return redirect(second_factor_url(request.user, request.get_full_path()))


def staff_required(permission: str | None = None, *, second_factor: bool = True):
    """Staff only; with STAFF_2FA_REQUIRED, only after the TOTP step (else redirected to it).

    `second_factor=False` is for the two-factor pages themselves, reached before that step.
    """
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return sign_in_redirect(request, home="portal:dashboard")
            if not is_staff_user(request.user):
                raise PermissionDenied
            if second_factor and second_factor_missing(request.user):
                return second_factor_redirect(request)
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def customer_required(view):
    """The view receives the customer's own data subject as `subject`; nobody else's is reachable."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return sign_in_redirect(request, home="portal:me_home")
        subject = subject_for_user(request.user) if user_role(request.user) == Role.CUSTOMER else None
        if subject is None:
            raise PermissionDenied
        return view(request, *args, subject=subject, **kwargs)

    return wrapper
